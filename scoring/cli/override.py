"""`egovrank override`: evaluators' corrections, with a reason and an author, never deleted."""

from __future__ import annotations

import click

from crawler.core import store
from scoring.cli.common import db_option, emit, format_option, progress, quarter_option
from scoring.cli.score import model_option


@click.group()
def override():
    """Record, list and revoke evaluator corrections (applied by the next `egovrank score`)."""


@override.command("set")
@click.argument("entity")
@click.argument("criterion")
@click.argument("value")
@click.option("--reason", required=True, help="Why the observation is wrong.")
@click.option("--by", "author", required=True, help="Who decides (name of the evaluator).")
@click.option(
    "--erratum",
    is_flag=True,
    help="After publication: record an erratum, re-score and write the next report edition.",
)
@quarter_option()
@model_option
@db_option
def set_command(entity, criterion, value, reason, author, erratum, quarter, model_path, db_path):
    """Replace the observation of CRITERION for ENTITY by VALUE (e.g. present, 0.8)."""
    from scoring.model import load_model
    from scoring.overrides import set_override

    model = load_model(model_path)
    db = store.connect(db_path, create=False)
    if erratum:
        from scoring.campaign import record_erratum
        from scoring.export.pdf import print_pdf

        e = record_erratum(
            db, model, str(quarter), entity, criterion, value, reason, author, pdf=print_pdf
        )
        c = e["changes"][0]
        progress(
            f"erratum #{c['override_id']}: {entity} {criterion} = {c['value']}; "
            f"edition {e['number']} in {e['out']}/"
        )
        click.echo(e["out"])
        return
    oid = set_override(db, model, str(quarter), entity, criterion, value, reason, author)
    progress(
        f"override #{oid}: {entity} {criterion} = {value} ({quarter}); re-run `egovrank score`"
    )
    click.echo(oid)


@override.command("list")
@quarter_option(required=False)
@click.option("--entity", default=None)
@click.option("--active", is_flag=True, help="Hide revoked overrides.")
@db_option
@format_option("table", "json", "csv")
def list_command(quarter, entity, active, db_path, fmt):
    """List overrides, revoked ones included unless --active."""
    from scoring.overrides import list_overrides

    db = store.connect(db_path, create=False)
    rows = list_overrides(db, str(quarter) if quarter else None, entity, not active)
    emit(rows, fmt)


@override.command("revoke")
@click.argument("override_id", type=int)
@click.option("--reason", required=True)
@click.option("--by", "author", default="", help="Who revokes it.")
@db_option
def revoke_command(override_id, reason, author, db_path):
    """Revoke an override (the row stays, with who revoked it and why)."""
    from scoring.overrides import revoke_override

    db = store.connect(db_path, create=False)
    row = revoke_override(db, override_id, reason, author)
    progress(f"override #{override_id} revoked at {row['revoked_at']}; re-run `egovrank score`")
