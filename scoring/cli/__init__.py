"""The `egovrank` command: one group, one module per stage (each adds its commands here)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from crawler import __version__
from crawler.core.errors import InputError
from crawler.core.paths import HOME_ENV
from scoring.cli.browser import browser
from scoring.cli.campaign import campaign
from scoring.cli.check import check
from scoring.cli.compare_labels import compare_labels_cmd
from scoring.cli.crawl import crawl
from scoring.cli.criteria import criteria_cmd
from scoring.cli.db import db
from scoring.cli.demo import demo
from scoring.cli.doctor import doctor
from scoring.cli.entities import entities
from scoring.cli.export import export
from scoring.cli.imports import import_group
from scoring.cli.override import override
from scoring.cli.report import report
from scoring.cli.review import review, review_tokens
from scoring.cli.run import run
from scoring.cli.score import rankings, score
from scoring.cli.services import services
from scoring.cli.worker import worker
from scoring.cli.workspace import config, init


def _workspace(ctx, param, value):
    # In the environment, so stage subprocesses (`egovrank run`, Scrapy) use the same workspace.
    if value:
        os.environ[HOME_ENV] = str(Path(value).resolve())
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="egovrank")
@click.option(
    "--workspace",
    type=click.Path(file_okay=False),
    callback=_workspace,
    expose_value=False,
    is_eager=True,
    help=f"Workspace folder (from `egovrank init`): its config/ and output/. Also {HOME_ENV}.",
)
def cli():
    """Quarterly, evidence-backed rankings of government web portals."""


COMMANDS = (
    init, config, doctor, entities, db, browser, demo, crawl, check, score, rankings, override,
    import_group, report, export, review, review_tokens, run, campaign, compare_labels_cmd,
    services, worker, criteria_cmd,
)  # fmt: skip
for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    """Entry point: bad input becomes one line on stderr and exit code 2, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except InputError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
