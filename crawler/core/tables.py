"""The kernel's tables: entities, runs, the crawl's frontier, pages and findings, the run lock.

Each column's meaning is declared beside it; `egovrank db dictionary` prints them. Append a
migration to CORE for a change, and declare a new column with `added="<migration name>"`.
"""

from __future__ import annotations

from crawler.core import status as st
from crawler.core.locks import LOCKS
from crawler.core.schema import ENTITY, QUARTER, Column, MigrationSet, Table

CORE = MigrationSet("core")

MIGRATIONS_TABLE = CORE.table(
    Table(
        "_sqlite_migrations",
        "Which migration of which owner's set has been applied (crawler/core/schema.py).",
        [
            Column(
                "migration_set",
                str,
                "Owner of the migration: core, services, checks, "
                "scoring, review, campaign (or _legacy: the old user_version it upgraded from).",
            ),
            Column("name", str, "Migration name (its function name)."),
            Column(
                "applied_at",
                str,
                "When it was applied (UTC); marked, not run, when the "
                "database already held it under the old numbered list.",
            ),
        ],
        pk=("migration_set", "name"),
    )
)

ENTITIES = CORE.table(
    Table(
        "entities",
        "Every entity ever synced from the registry (names are the latest seen).",
        [
            Column("id", str, ENTITY.meaning),
            Column("name_vi", str, "Vietnamese name."),
            Column("name_en", str, "English name."),
            Column(
                "entity_group",
                str,
                "Ranking group: ministry, gov_agency, province, or commune:<province id> "
                "(a commune is ranked among its province's communes).",
            ),
            Column("updated_at", str, "When the registry was last synced (UTC, ISO 8601)."),
        ],
        pk=("id",),
    )
)

QUARTER_ENTITIES = CORE.table(
    Table(
        "quarter_entities",
        "The entities a quarter assesses, with the portal URLs of that quarter.",
        [
            QUARTER,
            ENTITY,
            Column("entity_group", str, "Ranking group."),
            Column("name_vi", str, "Vietnamese name."),
            Column("name_en", str, "English name."),
            Column("portal_url", str, "Main portal URL assessed."),
            Column("dvc_url", str, "Public-service (DVC) portal URL assessed, if any."),
            Column(
                "allow_private",
                int,
                "1 when the entity may be on private/loopback addresses (the demo only).",
            ),
            Column("registry_hash", str, "Hash of the registry files the set came from."),
        ],
        pk=("quarter", "entity_id"),
        foreign_keys=[("entity_id", "entities", "id")],
    )
)

RUNS = CORE.table(
    Table(
        "runs",
        "One row per stage run: what ran, with which config, and how it ended.",
        [
            Column("id", int, "Run number."),
            QUARTER,
            Column("stage", str, "crawl, check, score, report or run."),
            Column(
                "status",
                str,
                "How the run ended (a killed run stays running).",
                values=st.RunStatus,
            ),
            Column("started_at", str, "Start (UTC)."),
            Column("ended_at", str, "End (UTC)."),
            Column("pid", int, "Process id."),
            Column("hostname", str, "Machine."),
            Column("tool_version", str, "egovrank version."),
            Column("config_hash", str, "Hash of the crawl config used."),
            Column("model_version", str, "Scoring model version, for score runs."),
            Column("args", str, "Arguments (JSON)."),
            Column("summary", str, "Figures of the run (JSON)."),
            Column("log_path", str, "Log file of an `egovrank run`."),
            Column("error", str, "Why it failed."),
        ],
        pk=("id",),
        indexes=[("quarter", "stage")],
    )
)

FRONTIER = CORE.table(
    Table(
        "frontier",
        "URLs the crawl scheduled, so a killed crawl resumes where it stopped.",
        [
            QUARTER,
            Column("url", str, "Canonical URL."),
            ENTITY,
            Column(
                "site",
                str,
                "portal, dvc (service portal), robots, sitemap or api "
                "(a catalogue's JSON endpoint).",
            ),
            Column("depth", int, "Links from the home page."),
            Column("priority", int, "Best-first priority (higher first)."),
            Column("state", str, "Whether it was fetched yet.", values=st.FrontierState),
            Column("found_on", str, "Page the link was found on."),
            Column("link_text", str, "Text of the link."),
        ],
        pk=("quarter", "url"),
        indexes=[("quarter", "entity_id", "state")],
    )
)

PAGES = CORE.table(
    Table(
        "pages",
        "Every page fetched (or that failed), with its raw observations.",
        [
            QUARTER,
            Column("url", str, "Canonical URL requested."),
            ENTITY,
            Column("site", str, "As in frontier."),
            Column("host", str, "Host and port."),
            Column("depth", int, "Links from the home page."),
            Column("fetched_at", str, "When (UTC)."),
            Column("http_status", int, "HTTP status of the final response."),
            Column("fetch_status", str, "ok, or why the fetch failed.", values=st.FetchStatus),
            Column("error", str, "Error text of a failed fetch."),
            Column("final_url", str, "URL after redirects."),
            Column("content_type", str, "Content-Type header."),
            Column("bytes", int, "Body size."),
            Column("elapsed_ms", float, "Download latency in milliseconds."),
            Column("title", str, "Page title."),
            Column("lang", str, "html lang attribute."),
            Column("facts", str, "What the detectors read from the page (JSON)."),
            Column(
                "headers",
                str,
                "Security headers of the response (JSON, lower-case names).",
                added="m002_page_headers",
            ),
        ],
        pk=("quarter", "url"),
        indexes=[("quarter", "entity_id")],
    )
)

FINDINGS = CORE.table(
    Table(
        "findings",
        "One judgement per entity and criterion, with the evidence behind it.",
        [
            QUARTER,
            ENTITY,
            Column("criterion", str, "Criterion id (see the criteria catalogue)."),
            Column(
                "value",
                str,
                "present, absent, linked_broken or unknown for sections; pass, "
                "partial, fail or unknown for technical criteria; a readable number otherwise.",
            ),
            Column(
                "numeric",
                float,
                "The number behind the value (days, ms, share), when there is one.",
            ),
            Column(
                "status",
                str,
                "ok, or why the criterion could not be tested.",
                values=st.FindingStatus,
            ),
            Column("evidence_url", str, "The page that shows it."),
            Column("http_status", int, "That page's HTTP status."),
            Column("link_text", str, "Text of the link that led to it."),
            Column("excerpt", str, "What the page says (heading, block, dates)."),
            Column("selector", str, "Where on the page."),
            Column("detail", str, "More evidence (JSON)."),
            Column("source", str, "crawl or browser."),
            Column("observed_at", str, "When (UTC)."),
        ],
        pk=("quarter", "entity_id", "criterion"),
    )
)

CORE.table(LOCKS)


@CORE.migration(legacy=1)
def m001_core(db) -> None:
    for table in (ENTITIES, QUARTER_ENTITIES, RUNS, FRONTIER, PAGES, FINDINGS):
        table.create(db)


@CORE.migration(legacy=2)
def m002_page_headers(db) -> None:
    """Security headers of each page, for tech.headers."""
    PAGES.add_columns(db, "m002_page_headers")


@CORE.migration()
def m003_locks(db) -> None:
    """The run lock's table (older databases got it from crawler/core/locks.py on first use)."""
    LOCKS.create(db, if_not_exists=True)
