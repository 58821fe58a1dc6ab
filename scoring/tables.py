"""Scoring's tables: each criterion's score, each pillar's, the rankings, and reported indicators.

Listed under the `egovrank.tables` entry points (pyproject.toml), so the store creates them in
every database without crawler code importing scoring.
"""

from __future__ import annotations

from crawler.core import status as st
from crawler.core.schema import ENTITY, MODEL_VERSION, QUARTER, Column, MigrationSet, Table

SCORING = MigrationSet("scoring")

CRITERION_SCORES = SCORING.table(
    Table(
        "criterion_scores",
        "Score of each criterion for each entity under a model version.",
        [
            QUARTER,
            MODEL_VERSION,
            ENTITY,
            Column("criterion", str, "Criterion id."),
            Column("pillar", str, "info, func, svc, tech or reported."),
            Column("raw_value", str, "Observed (or overridden) value scored."),
            Column("score", float, "0..1; empty when the criterion was excluded."),
            Column(
                "weight",
                float,
                "Weight within the pillar, as in the model (re-weighting "
                "divides by the sum of the weights scored).",
            ),
            Column(
                "status",
                str,
                "ok, or why the value is missing (a finding's status, or scoring's own reason).",
                values=st.ScoreStatus,
            ),
            Column(
                "policy",
                str,
                "scored; or, for a missing value, what the model's on_unknown did and why, as "
                "text: exclude (re-weighted, or nothing earlier to carry), zero, carry (the "
                "previous quarter's score). Free text behind the keyword, not a status.",
            ),
            Column("override_id", int, "Override applied, if any (overrides.id)."),
            Column("reported", int, "1 for reported indicators."),
            Column("model_hash", str, "Hash of the model file."),
            Column(
                "margin",
                float,
                "Half-width of the 95% interval of a sampled share (0 if not sampled).",
                added="m002_score_detail",
            ),
            Column(
                "source",
                str,
                "crawl, browser, derived, reported or override.",
                added="m002_score_detail",
            ),
        ],
        pk=("quarter", "model_version", "entity_id", "criterion"),
    )
)

PILLAR_SCORES = SCORING.table(
    Table(
        "pillar_scores",
        "Score of each pillar for each entity.",
        [
            QUARTER,
            MODEL_VERSION,
            ENTITY,
            Column("pillar", str, "Pillar id."),
            Column("score", float, "0..1."),
            Column("weight", float, "Pillar weight in the index."),
            Column("coverage", float, "Share of the pillar's weight with real data."),
        ],
        pk=("quarter", "model_version", "entity_id", "pillar"),
    )
)

RANKINGS = SCORING.table(
    Table(
        "rankings",
        "The index and rank of each entity within its group.",
        [
            QUARTER,
            MODEL_VERSION,
            ENTITY,
            Column("entity_group", str, "Ranking group."),
            Column("index_value", float, "The 0..1 index."),
            Column(
                "rank",
                int,
                "Competition rank in the group (1, 2, 2, 4) among the assessed; "
                "NULL when not assessed.",
            ),
            Column("prev_rank", int, "Rank in the previous quarter."),
            Column("movement", int, "prev_rank - rank (positive: moved up)."),
            Column(
                "significant", int, "0 when the previous rank lies inside [rank_best, rank_worst]."
            ),
            Column("uncertainty", float, "Half-width of the index's uncertainty interval."),
            Column("coverage", float, "Share of criteria weight with real data."),
            Column("overrides_used", int, "Overrides applied."),
            Column("model_hash", str, "Hash of the model file."),
            Column("scored_at", str, "When (UTC)."),
            Column(
                "rank_best",
                int,
                "Best rank the entity could hold within its uncertainty.",
                added="m002_score_detail",
            ),
            Column(
                "rank_worst",
                int,
                "Worst rank the entity could hold within its uncertainty.",
                added="m002_score_detail",
            ),
            Column(
                "assessed",
                int,
                "1 when coverage reaches the model's min_coverage, else 0 (kept out of the ranks).",
                added="m003_coverage",
            ),
            Column(
                "not_assessed_reason",
                str,
                "Why not assessed (e.g. portal unreachable on every attempt); NULL when assessed.",
                added="m003_coverage",
            ),
        ],
        pk=("quarter", "model_version", "entity_id"),
    )
)

REPORTED = SCORING.table(
    Table(
        "reported",
        "Indicators agencies report (IT infrastructure, internal IT use, policy, human resources).",
        [
            QUARTER,
            ENTITY,
            Column("indicator", str, "Indicator id (reported.*)."),
            Column("value", float, "Reported value."),
            Column("source_document", str, "Document it comes from."),
            Column("source_file", str, "CSV it was imported from."),
            Column("source_line", int, "Line in that CSV."),
            Column("imported_at", str, "When (UTC)."),
        ],
        pk=("quarter", "entity_id", "indicator"),
    )
)


@SCORING.migration(legacy=1)
def m001_scores(db) -> None:
    for table in (REPORTED, CRITERION_SCORES, PILLAR_SCORES, RANKINGS):
        table.create(db)


@SCORING.migration(legacy=3)
def m002_score_detail(db) -> None:
    """Sampling margin and source of each criterion score; the rank interval behind significance."""
    CRITERION_SCORES.add_columns(db, "m002_score_detail")
    RANKINGS.add_columns(db, "m002_score_detail")


@SCORING.migration(legacy=4)
def m003_coverage(db) -> None:
    """The coverage policy: whether an entity was assessed, and why not (its rank is then NULL)."""
    RANKINGS.add_columns(db, "m003_coverage")
    getattr(db, "conn", db).execute("update rankings set assessed = 1 where assessed is null")
