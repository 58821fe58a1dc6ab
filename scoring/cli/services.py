"""`egovrank services`: the normalised services of a saved catalogue answer or page."""

from __future__ import annotations

import click

from crawler.catalogues import ADAPTERS
from crawler.catalogues.files import COLUMNS, parse_file
from scoring.cli.common import emit, format_option


@click.group()
def services():
    """Service catalogues (national portal, OpenCPS, provincial families)."""


@services.command()
@click.argument("path", type=click.Path())
@click.option(
    "--platform",
    type=click.Choice(list(ADAPTERS)),
    default=None,
    help="The platform that wrote the file (default: recognised from its content).",
)
@click.option("--url", default=None, help="The address the file was saved from (resolves links).")
@format_option("json", "csv", default="json")
def parse(path, platform, url, fmt):
    """Code, name, agency code, declared level, status and URL of every service in PATH."""
    got = parse_file(path, platform, url)
    how = "given" if platform else "recognised"
    click.echo(
        f"{path}: platform {got['platform']} ({how}), {len(got['services'])} services", err=True
    )
    emit(got["services"], fmt, COLUMNS)
