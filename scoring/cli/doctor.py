"""`egovrank doctor`: check the installation before a campaign."""

from __future__ import annotations

import click

from scoring.cli.common import db_option, emit, format_option


@click.command()
@db_option
@format_option("table", "json")
def doctor(db_path, fmt):
    """Python, package versions, browser, config in use, database schema, writable output.

    Exits 1 when something is missing, so a script can stop before a campaign."""
    from scoring.doctor import report

    rows = report(db_path)
    emit(rows, fmt, ["item", "ok", "detail"])
    if any(r["ok"] != "ok" for r in rows):
        raise SystemExit(1)
