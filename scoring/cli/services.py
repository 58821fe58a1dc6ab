"""`egovrank services`: the normalised services of a saved catalogue answer or page."""

from __future__ import annotations

import click

from crawler.catalogues import ADAPTERS
from crawler.catalogues.files import COLUMNS, parse_file
from scoring.cli.common import db_option, emit, format_option, quarter_option


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


@services.command()
@quarter_option()
@db_option
@click.option("--entity", "entity_id", default=None, help="Only this entity.")
@format_option("table", "json", "csv", default="table")
def conflicts(quarter, db_path, entity_id, fmt):
    """Services whose level on the entity's portal differs from the national row (both shown)."""
    from crawler.core import store

    db = store.connect(db_path)
    sql = "select * from service_conflicts where quarter = ?"
    args = [str(quarter)]
    if entity_id:
        sql, args = sql + " and entity_id = ?", [*args, entity_id]
    rows = list(db.query(sql + " order by entity_id, service_code, agency_code", args))
    emit(rows, fmt, CONFLICT_COLUMNS)
    click.echo(f"{len(rows)} conflicts between national rows and portal badges", err=True)


CONFLICT_COLUMNS = ["entity_id", "service_code", "agency_code", "national", "portal", "portal_url"]
