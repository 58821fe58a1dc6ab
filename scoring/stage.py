"""The score and report stages. Score: read a quarter's observations, score and rank them,
write it all at once.

Re-running replaces the quarter's rows for that model version in one transaction, so a past
quarter can be re-scored under a new model from what is stored, and a kill leaves either the old
scores or the new ones, never a mix.
"""

from __future__ import annotations

from pathlib import Path

from crawler.core import store
from crawler.core.errors import InputError
from crawler.core.quarters import Quarter
from crawler.core.stage import NO_ENTITIES, Entities, Outcome, Stage, StageResult, run_stage
from scoring import coverage, observe, rank
from scoring.model import Model
from scoring.score import EntityScore, score_all


def quarter_entities(db, quarter: str) -> dict[str, str]:
    rows = db.query(
        "select entity_id, entity_group from quarter_entities where quarter = ? order by 1",
        [quarter],
    )
    entities = {r["entity_id"]: r["entity_group"] for r in rows}
    if not entities:
        raise InputError(
            f"no entities recorded for {quarter}; run `egovrank crawl --quarter {quarter}` first "
            "or pass --entities"
        )
    return entities


def previous_scores(db, quarter: Quarter, model: Model) -> dict[tuple[str, str], tuple[str, float]]:
    """Last quarter's criterion scores, this model version first, for the `carry` policy."""
    prev = str(quarter.previous())
    rows = db.query(
        "select entity_id, criterion, score, model_version = ? as same from criterion_scores "
        "where quarter = ? and score is not null order by same",
        [model.version, prev],
    )
    return {(r["entity_id"], r["criterion"]): (prev, r["score"]) for r in rows}


def previous_ranks(db, quarter: Quarter, model: Model) -> dict[str, int]:
    """Last quarter's ranks under this model version, else under the newest one scored."""
    prev = str(quarter.previous())
    rows = db.query(
        "select entity_id, rank, model_version = ? as same, scored_at from rankings "
        "where quarter = ? order by same, scored_at",
        [model.version, prev],
    )
    return {r["entity_id"]: r["rank"] for r in rows}


def portal_statuses(db, quarter: str) -> dict[str, list[str]]:
    """Fetch status of every request to each entity's portal (not its service portal)."""
    out: dict[str, list[str]] = {}
    for r in db.query(
        "select entity_id, fetch_status from pages where quarter = ? and site != 'dvc'", [quarter]
    ):
        out.setdefault(r["entity_id"], []).append(r["fetch_status"] or "unknown")
    return out


def ranking_rows(
    model: Model,
    scores: list[EntityScore],
    prev_ranks: dict[str, int],
    statuses: dict[str, list[str]] | None = None,
) -> list[dict]:
    """Ranks within each group among the assessed entities; the others get rank None and why."""
    statuses = statuses or {}
    rows = []
    groups: dict[str, list[EntityScore]] = {}
    for s in scores:
        groups.setdefault(s.group, []).append(s)
    for group, members in sorted(groups.items()):
        assessed = {
            s.entity_id: coverage.is_assessed(s.index, s.coverage, model.min_coverage)
            for s in members
        }
        indexes = {s.entity_id: s.index if assessed[s.entity_id] else None for s in members}
        uncertainty = {s.entity_id: s.uncertainty for s in members}
        ranks = rank.competition_ranks(indexes, model.rank_decimals)
        for s in members:
            interval = rank.rank_interval(s.entity_id, indexes, uncertainty)
            prev = prev_ranks.get(s.entity_id)
            sig = rank.significant(prev, interval)
            rows.append(
                {
                    "entity_id": s.entity_id,
                    "entity_group": group,
                    "index_value": s.index,
                    "rank": ranks[s.entity_id],
                    "prev_rank": prev,
                    "movement": rank.movement(ranks[s.entity_id], prev),
                    "significant": None if sig is None else int(sig),
                    "uncertainty": s.uncertainty,
                    "coverage": s.coverage,
                    "overrides_used": s.overrides_used,
                    "rank_best": interval[0] if interval else None,
                    "rank_worst": interval[1] if interval else None,
                    "assessed": int(assessed[s.entity_id]),
                    "not_assessed_reason": None
                    if assessed[s.entity_id]
                    else coverage.reason(
                        s.coverage, model.min_coverage, statuses.get(s.entity_id, [])
                    ),
                }
            )
    return rows


def score_quarter(db, model: Model, quarter: Quarter) -> dict:
    """Score and rank every entity of the quarter; return a summary for the operator."""
    q = str(quarter)
    entities = quarter_entities(db, q)
    observations = observe.load(db, q, list(entities), list(model.criteria))
    scores = score_all(model, entities, observations, previous_scores(db, quarter, model))
    rankings = ranking_rows(
        model, scores, previous_ranks(db, quarter, model), portal_statuses(db, q)
    )
    key = {"quarter": q, "model_version": model.version}
    stamp = store.now()
    with store.transaction(db):
        for table in ("criterion_scores", "pillar_scores", "rankings"):
            db.execute(
                f"delete from {table} where quarter = ? and model_version = ?", [q, model.version]
            )
        db["criterion_scores"].insert_all(
            {**key, "entity_id": s.entity_id, "model_hash": model.hash, **row}
            for s in scores
            for row in s.criteria
        )
        db["pillar_scores"].insert_all(
            {**key, "entity_id": s.entity_id, **row} for s in scores for row in s.pillars
        )
        db["rankings"].insert_all(
            {**key, "model_hash": model.hash, "scored_at": stamp, **row} for row in rankings
        )
    return {
        "quarter": q,
        "model_version": model.version,
        "model_hash": model.hash,
        "entities": len(scores),
        "ranked": sum(r["rank"] is not None for r in rankings),
        "not_assessed": sum(not r["assessed"] for r in rankings),
        "overrides_used": sum(s.overrides_used for s in scores),
    }


def score(
    db_path: str, quarter, *, model_path: str | None = None, entities_path: str | None = None
) -> StageResult:
    """The score stage (`egovrank score`): the lock, the runs row, then score_quarter."""
    from scoring.model import load_model

    model = load_model(model_path)  # a bad model: one line, nothing stored

    def body(stage: Stage) -> Outcome:
        summary = score_quarter(stage.db, model, stage.quarter)
        return Outcome(summary | {"min_coverage": model.min_coverage})

    return run_stage(
        "score",
        quarter,
        db_path,
        body,
        entities=Entities.stored(entities_path) if entities_path else NO_ENTITIES,
        create=False,
        args={"model": model.path},
        model_version=model.version,
    )


def report(
    db_path: str, quarter, out: str | Path, *, lang: str = "vi", pdf: bool = True
) -> StageResult:
    """The report stage (`egovrank report`): the quarter's files in `out`, report.pdf too."""
    from scoring.export.report import write_report

    out = Path(out)

    def body(stage: Stage) -> Outcome:
        result = write_report(stage.db, str(stage.quarter), out, lang=lang)
        if pdf:
            from scoring.export.pdf import print_pdf

            print_pdf(out / "report.html", out / "report.pdf")
            result["files"].append("report.pdf")
        return Outcome(result, record=result | {"files": len(result["files"])})

    return run_stage(
        "report", quarter, db_path, body, create=False, args={"out": str(out), "lang": lang}
    )
