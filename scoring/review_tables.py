"""Review's tables: evaluators' corrections (overrides) and their tokens for an exposed review UI."""

from __future__ import annotations

from crawler.core.schema import ENTITY, QUARTER, Column, MigrationSet, Table

REVIEW = MigrationSet("review")

OVERRIDES = REVIEW.table(
    Table(
        "overrides",
        "Evaluators' corrections: never deleted, revoked with a reason.",
        [
            Column("id", int, "Override number."),
            QUARTER,
            ENTITY,
            Column("criterion", str, "Criterion corrected."),
            Column("value", str, "Value that replaces the observed one."),
            Column("reason", str, "Why."),
            Column("author", str, "Who."),
            Column("created_at", str, "When (UTC)."),
            Column("revoked_at", str, "When revoked, if it was."),
            Column("revoked_by", str, "Who revoked it."),
            Column("revoke_reason", str, "Why it was revoked."),
            Column(
                "erratum",
                int,
                "1 when recorded after the quarter was published (an erratum).",
                added="m002_errata",
            ),
            Column(
                "edition",
                int,
                "The report edition that published this erratum.",
                added="m002_errata",
            ),
        ],
        pk=("id",),
        indexes=[("quarter", "entity_id", "criterion")],
    )
)

REVIEW_TOKENS = REVIEW.table(
    Table(
        "review_tokens",
        "Evaluators allowed to write corrections when the review UI is exposed beyond loopback.",
        [
            Column(
                "name",
                str,
                "Evaluator the token belongs to (recorded as the author of corrections).",
            ),
            Column(
                "token_hash",
                str,
                "SHA-256 of the token (the token itself is shown once, never stored).",
            ),
            Column("created_at", str, "When (UTC)."),
            Column("revoked_at", str, "When revoked, if it was (the token stops working at once)."),
        ],
        pk=("token_hash",),
    )
)


@REVIEW.migration(legacy=1)
def m001_overrides(db) -> None:
    OVERRIDES.create(db)


@REVIEW.migration(legacy=5)
def m002_errata(db) -> None:
    """Errata marked on overrides recorded after publication, with the edition that carried them."""
    OVERRIDES.add_columns(db, "m002_errata")


@REVIEW.migration(legacy=6)
def m003_review_tokens(db) -> None:
    """Evaluators' tokens for an exposed review UI (only a hash is stored; revoked, not deleted)."""
    REVIEW_TOKENS.create(db)
