"""The campaign's tables: each quarter's state and its published report editions."""

from __future__ import annotations

from crawler.core import status as st
from crawler.core.schema import QUARTER, Column, MigrationSet, Table

CAMPAIGN = MigrationSet("campaign")

CAMPAIGNS = CAMPAIGN.table(
    Table(
        "campaigns",
        "Each quarter's campaign state: open, retest (the correction window), frozen, published.",
        [
            QUARTER,
            Column("state", str, "Where the quarter's campaign is.", values=st.CampaignState),
            Column(
                "retest_until", str, "Deadline of the re-test and correction window (YYYY-MM-DD)."
            ),
            Column("frozen_at", str, "When observation ended (UTC)."),
            Column("published_at", str, "When edition 1 was published (UTC)."),
            Column("published_by", str, "Who published it."),
            Column("updated_at", str, "Last change of state (UTC)."),
        ],
        pk=("quarter",),
    )
)

EDITIONS = CAMPAIGN.table(
    Table(
        "editions",
        "Numbered report editions of a published quarter: 1 at publication, then one per erratum.",
        [
            QUARTER,
            Column("number", int, "Edition number (1 = the publication)."),
            Column("kind", str, "What the edition is.", values=st.EditionKind),
            Column("model_version", str, "Model version the edition was scored under."),
            Column("created_at", str, "When (UTC)."),
            Column("created_by", str, "Who."),
            Column(
                "changes", str, "What changed and why (JSON list of overrides with their reasons)."
            ),
            Column("out", str, "Folder the edition's report files were written to."),
        ],
        pk=("quarter", "number"),
    )
)


@CAMPAIGN.migration(legacy=5)
def m001_campaigns(db) -> None:
    """A quarter's campaign state and its published editions."""
    CAMPAIGNS.create(db)
    EDITIONS.create(db)
