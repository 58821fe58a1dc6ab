"""`egovrank browser setup`: find or install a Chromium Playwright can drive."""

from __future__ import annotations

import click

from crawler.browser.chromium import NoBrowser, setup


@click.group()
def browser():
    """The Chromium the browser checks use."""


@browser.command("setup")
@click.option("--no-download", is_flag=True, help="Skip Playwright's own download attempt.")
def setup_cmd(no_download):
    """Try Playwright's Chromium, else the system one; launch it once; record it."""
    try:
        setup(try_download=not no_download, log=lambda m: click.echo(m, err=True))
    except NoBrowser as exc:
        raise click.ClickException(str(exc)) from None
