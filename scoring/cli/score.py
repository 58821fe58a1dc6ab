"""`egovrank score` and `egovrank rankings`: the index per entity and the ranking per group."""

from __future__ import annotations

import click

from crawler.core import store
from crawler.core.registry import base_group
from scoring.cli.common import (
    db_option,
    emit,
    entities_option,
    format_option,
    progress,
    quarter_option,
)

model_option = click.option(
    "--model",
    "model_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Scoring model (default: see `egovrank config show`).",
)


@click.command()
@quarter_option()
@model_option
@entities_option
@db_option
def score(quarter, model_path, entities_path, db_path):
    """Score and rank a quarter from stored observations (re-scoring replaces that model's rows)."""
    from scoring.stage import score as score_stage

    result = score_stage(db_path, quarter, model_path=model_path, entities_path=entities_path)
    s = result.summary
    progress(
        f"score {quarter}: {s['entities']} entities, {s['ranked']} ranked under model "
        f"{s['model_version']} ({s['model_hash']}), {s['not_assessed']} not assessed (coverage "
        f"below {s['min_coverage']:.0%}), {s['overrides_used']} overrides applied"
    )


@click.command()
@quarter_option(required=False)
@click.option(
    "--group",
    type=click.Choice(["ministry", "gov_agency", "province", "commune"]),
    default=None,
    help="Only this group; `commune` lists every province's communes (group commune:<province>).",
)
@click.option("--model-version", default=None, help="Default: the newest version scored.")
@click.option(
    "--history",
    is_flag=True,
    help="Index and rank in every stored quarter (up to --quarter if given), plus group means.",
)
@db_option
@format_option("table", "json", "csv")
def rankings(quarter, group, model_version, history, db_path, fmt):
    """Print the ranking of each group (rank, index, movement and whether it is significant)."""
    db = store.connect(db_path, create=False)
    if history:
        from scoring.export.tables import group_history
        from scoring.export.tables import history as history_rows

        rows = history_rows(db, up_to=str(quarter) if quarter else None)
        rows = [r for r in rows if group is None or base_group(r["group"]) == group]
        means = [
            {"quarter": g["quarter"], "group": g["group"], "entity_id": "", "name_vi": "(mean)",
             "rank": None, "index": g["mean_index"], "movement": None, "model_version": ""}
            for g in group_history(rows)
        ]  # fmt: skip
        rows = sorted(rows + means, key=lambda r: (r["group"], r["entity_id"], r["quarter"]))
        for r in rows:
            r["index"] = None if r["index"] is None else round(r["index"], 3)
        emit(rows, fmt)
        return
    if quarter is None:
        raise click.UsageError("--quarter is required (or pass --history)")
    q = str(quarter)
    if model_version is None:
        row = db.execute(
            "select model_version from rankings where quarter = ? order by scored_at desc limit 1",
            [q],
        ).fetchone()
        if row is None:
            raise click.ClickException(
                f"nothing scored for {q}; run `egovrank score --quarter {q}`"
            )
        model_version = row[0]
    rows = db.query(
        "select r.entity_group as 'group', r.rank, e.name_vi as entity, r.entity_id, "
        "round(r.index_value, 3) as 'index', r.prev_rank, r.movement, r.significant, "
        "round(r.uncertainty, 3) as uncertainty, round(r.coverage, 2) as coverage, "
        "r.overrides_used as overrides, coalesce(r.assessed, 1) as assessed, "
        "r.not_assessed_reason from rankings r "
        "join quarter_entities e on e.quarter = r.quarter and e.entity_id = r.entity_id "
        "where r.quarter = ? and r.model_version = ? and (? is null or r.entity_group = ? "
        "or (? = 'commune' and r.entity_group like 'commune:%')) "
        "order by coalesce(r.assessed, 1) desc, r.entity_group, r.rank is null, r.rank, e.name_vi",
        [q, model_version, group, group, group],
    )
    rows = list(rows)
    if fmt != "table":
        emit(rows, fmt)
        return
    ranked = [r for r in rows if r["assessed"]]
    emit(
        ranked,
        fmt,
        [k for k in ranked[0] if k not in ("assessed", "not_assessed_reason")] if ranked else None,
    )
    apart = [r for r in rows if not r["assessed"]]
    if apart:
        click.echo(f"\nnot assessed ({len(apart)}): kept out of the ranks")
        emit(apart, fmt, ["group", "entity", "entity_id", "coverage", "not_assessed_reason"])
