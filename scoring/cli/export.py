"""`egovrank export`: stage outputs as JSON or CSV records, one per finding, service or check."""

from __future__ import annotations

import click

from crawler.core import store
from scoring.cli.common import db_option, emit, format_option, quarter_option

FINDING_COLUMNS = [
    "entity_id",
    "criterion",
    "value",
    "numeric",
    "status",
    "evidence_url",
    "http_status",
    "link_text",
    "excerpt",
    "source",
    "observed_at",
]
SERVICE_COLUMNS = [
    "entity_id",
    "url",
    "name",
    "code",
    "declared",
    "declared_raw",
    "source",
    "catalogue_url",
    "tt32_fields",
]


@click.group()
def export():
    """Export a stage's records for a quarter."""


def _rows(db_path, sql, quarter):
    db = store.connect(db_path, create=False)
    return list(db.query(sql, [str(quarter)]))


@export.command()
@quarter_option()
@db_option
@format_option("json", "csv", default="json")
def findings(quarter, db_path, fmt):
    """One record per (entity, criterion) with its evidence."""
    rows = _rows(
        db_path,
        f"select {', '.join(FINDING_COLUMNS)} from findings where quarter = ? order by entity_id, criterion",
        quarter,
    )
    emit(rows, fmt, FINDING_COLUMNS)


@export.command()
@quarter_option()
@db_option
@format_option("json", "csv", default="json")
def services(quarter, db_path, fmt):
    """One record per service in the catalogues, with its declared level."""
    rows = _rows(
        db_path,
        f"select {', '.join(SERVICE_COLUMNS)} from services where quarter = ? order by entity_id, url",
        quarter,
    )
    emit(rows, fmt, SERVICE_COLUMNS)


CHECK_COLUMNS = [
    "entity_id",
    "url",
    "declared",
    "observed",
    "status",
    "reached",
    "identity_provider",
    "payment",
    "delivery",
    "final_url",
    "screenshot",
    "state",
    "attempts",
]


@export.command()
@quarter_option()
@db_option
@format_option("json", "csv", default="json")
def checks(quarter, db_path, fmt):
    """One record per checked service: declared and observed level, with the screenshot."""
    rows = _rows(
        db_path,
        f"select {', '.join(CHECK_COLUMNS)} from service_checks where quarter = ? order by entity_id, url",
        quarter,
    )
    emit(rows, fmt, CHECK_COLUMNS)
