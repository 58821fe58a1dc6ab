"""The browser stage's tables: the walk of each sampled service (also its job table), the
sample behind each entity's verified share, and the rendered page audits."""

from __future__ import annotations

from crawler.core import status as st
from crawler.core.schema import ENTITY, QUARTER, Column, MigrationSet, Table

CHECKS = MigrationSet("checks")

SERVICE_CHECKS = CHECKS.table(
    Table(
        "service_checks",
        "The browser's walk of each sampled service (also its job table).",
        [
            QUARTER,
            Column("url", str, "Procedure page URL."),
            ENTITY,
            Column("state", str, "The check's job state.", values=st.CheckState),
            Column("attempts", int, "Tries so far."),
            Column("stratum", str, "Declared level it was sampled from."),
            Column("declared", str, "Declared level."),
            Column(
                "observed",
                str,
                "Observed level: full, partial, info_only, broken, maintenance or unknown.",
            ),
            Column("status", str, "How the walk ended.", values=st.CheckStatus),
            Column(
                "reached",
                str,
                "What the online entry led to: form, login, maintenance, "
                "error, loading, other, none.",
            ),
            Column(
                "identity_provider",
                str,
                "Identity gateway the service is entered through (VNeID, national_dvc, other): "
                "the entry's sign-in, else the one the national citizen URL leads to.",
            ),
            Column("has_form", int, "1 when an e-form was reached."),
            Column("has_upload", int, "1 when it takes file uploads."),
            Column("has_submit", int, "1 when it has a submit control (never clicked)."),
            Column("payment", int, "1 when an online fee payment step is offered."),
            Column("delivery", str, "Online or postal result delivery options found."),
            Column("final_url", str, "Last URL reached."),
            Column("entry_text", str, "Text of the online entry link."),
            Column("steps", str, "Step log (JSON)."),
            Column("screenshot", str, "Screenshot of the last step (PNG path)."),
            Column("error", str, "Why a check crashed."),
            Column(
                "access",
                str,
                "What a citizen can do there: usable (a form), behind_login (a sign-in such as "
                "the VNeID gateway the national citizen URL leads to, nothing seen behind it), "
                "not_usable.",
                added="m002_check_access",
                values=st.CheckAccess,
            ),
            Column("started_at", str, "Start (UTC)."),
            Column("finished_at", str, "End (UTC)."),
        ],
        pk=("quarter", "url"),
        indexes=[("quarter", "entity_id", "state")],
    )
)

CHECK_SAMPLES = CHECKS.table(
    Table(
        "check_samples",
        "Per entity: how many services were checked and how sure the verified share is.",
        [
            QUARTER,
            ENTITY,
            Column("population", int, "Services declared full or partial."),
            Column("sample_size", int, "Services sampled."),
            Column("seed", str, "Sampling seed (quarter:entity)."),
            Column("verified", int, "Checked services whose online entry works."),
            Column("checked", int, "Services checked to the end."),
            Column("verified_share", float, "verified / checked."),
            Column("ci_low", float, "95% Wilson interval, low."),
            Column("ci_high", float, "95% Wilson interval, high."),
        ],
        pk=("quarter", "entity_id"),
    )
)

PAGE_AUDITS = CHECKS.table(
    Table(
        "page_audits",
        "Rendered audits of a few pages per entity at a 375 px wide viewport.",
        [
            QUARTER,
            Column("url", str, "Page audited."),
            ENTITY,
            Column("status", str, "How the audit ended.", values=st.AuditStatus),
            Column("violations_critical", int, "axe-core nodes with critical violations."),
            Column("violations_serious", int, "axe-core nodes with serious violations."),
            Column("violations_moderate", int, "axe-core nodes with moderate violations."),
            Column("violations_minor", int, "axe-core nodes with minor violations."),
            Column("axe", str, "Violations by rule (JSON)."),
            Column("overflow_px", int, "Horizontal overflow at 375 px."),
            Column("viewport_meta", int, "1 when a meta viewport is present."),
            Column("screenshot", str, "Screenshot (PNG path)."),
            Column("audited_at", str, "When (UTC)."),
        ],
        pk=("quarter", "url"),
    )
)


BROWSER_WORK = CHECKS.table(
    Table(
        "browser_work",
        "The crawl's hand-off to the check stage: pages only a browser can read (a JS catalogue "
        "shell) or should audit (the portal home).",
        [
            QUARTER,
            ENTITY,
            Column("kind", str, "catalogue (render it) or audit (render and audit it)."),
            Column("url", str, "Page to open."),
            Column("reason", str, "Why the crawl handed it over."),
            Column("state", str, "pending or done.", not_null=True, values=st.WorkState),
            Column("created_at", str, "When the crawl handed it over (UTC)."),
            Column("done_at", str, "When the check stage did it (UTC)."),
            Column("outcome", str, "What the check stage found."),
        ],
        pk=("quarter", "entity_id", "kind", "url"),
        indexes=[("quarter", "kind", "state")],
    )
)


@CHECKS.migration(legacy=1)
def m001_checks(db) -> None:
    for table in (SERVICE_CHECKS, CHECK_SAMPLES, PAGE_AUDITS):
        table.create(db)


@CHECKS.migration()
def m002_check_access(db) -> None:
    """What a check found a citizen can do, apart from the level it observed."""
    SERVICE_CHECKS.add_columns(db, "m002_check_access")


@CHECKS.migration()
def m003_browser_work(db) -> None:
    """The explicit crawl-to-check hand-off, instead of a `needs_browser` finding to rewrite."""
    BROWSER_WORK.create(db)
