"""The data dictionary: every table and column, in one place.

The xlsx data-dictionary sheet, the Datasette metadata and docs/data-dictionary.md are all made
from this; a test fails when a column of the schema is not described here.
"""

from __future__ import annotations

Q = "Quarter assessed, YYYYQn."
E = "Entity id (slug), as in config/entities."

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "entities": (
        "Every entity ever synced from the registry (names are the latest seen).",
        {
            "id": E,
            "name_vi": "Vietnamese name.",
            "name_en": "English name.",
            "entity_group": "Ranking group: ministry, gov_agency or province.",
            "updated_at": "When the registry was last synced (UTC, ISO 8601).",
        },
    ),
    "quarter_entities": (
        "The entities a quarter assesses, with the portal URLs of that quarter.",
        {
            "quarter": Q,
            "entity_id": E,
            "entity_group": "Ranking group.",
            "name_vi": "Vietnamese name.",
            "name_en": "English name.",
            "portal_url": "Main portal URL assessed.",
            "dvc_url": "Public-service (DVC) portal URL assessed, if any.",
            "allow_private": "1 when the entity may be on private/loopback addresses (the demo only).",
            "registry_hash": "Hash of the registry files the set came from.",
        },
    ),
    "runs": (
        "One row per stage run: what ran, with which config, and how it ended.",
        {
            "id": "Run number.",
            "quarter": Q,
            "stage": "crawl, check, score, report or run.",
            "status": "running, done or failed (a killed run stays running).",
            "started_at": "Start (UTC).",
            "ended_at": "End (UTC).",
            "pid": "Process id.",
            "hostname": "Machine.",
            "tool_version": "egovrank version.",
            "config_hash": "Hash of the crawl config used.",
            "model_version": "Scoring model version, for score runs.",
            "args": "Arguments (JSON).",
            "summary": "Figures of the run (JSON).",
            "log_path": "Log file of an `egovrank run`.",
            "error": "Why it failed.",
        },
    ),
    "frontier": (
        "URLs the crawl scheduled, so a killed crawl resumes where it stopped.",
        {
            "quarter": Q,
            "url": "Canonical URL.",
            "entity_id": E,
            "site": "portal, dvc (service portal), robots, sitemap or api (a catalogue's JSON endpoint).",
            "depth": "Links from the home page.",
            "priority": "Best-first priority (higher first).",
            "state": "queued or done.",
            "found_on": "Page the link was found on.",
            "link_text": "Text of the link.",
        },
    ),
    "pages": (
        "Every page fetched (or that failed), with its raw observations.",
        {
            "quarter": Q,
            "url": "Canonical URL requested.",
            "entity_id": E,
            "site": "As in frontier.",
            "host": "Host and port.",
            "depth": "Links from the home page.",
            "fetched_at": "When (UTC).",
            "http_status": "HTTP status of the final response.",
            "fetch_status": "ok, or the failure: dns_error, connect_error, timeout, tls_error, http_4xx, "
            "http_5xx, too_many_redirects, robots_disallowed, too_large, blocked, refused_unsafe.",
            "error": "Error text of a failed fetch.",
            "final_url": "URL after redirects.",
            "content_type": "Content-Type header.",
            "bytes": "Body size.",
            "elapsed_ms": "Download latency in milliseconds.",
            "title": "Page title.",
            "lang": "html lang attribute.",
            "facts": "What the detectors read from the page (JSON).",
            "headers": "Security headers of the response (JSON).",
        },
    ),
    "findings": (
        "One judgement per entity and criterion, with the evidence behind it.",
        {
            "quarter": Q,
            "entity_id": E,
            "criterion": "Criterion id (see the criteria catalogue).",
            "value": "present, absent, linked_broken or unknown for sections; pass, partial, fail or unknown "
            "for technical criteria; a readable number otherwise.",
            "numeric": "The number behind the value (days, ms, share), when there is one.",
            "status": "ok, or why the criterion could not be tested (a failure reason, needs_browser, not_checked).",
            "evidence_url": "The page that shows it.",
            "http_status": "That page's HTTP status.",
            "link_text": "Text of the link that led to it.",
            "excerpt": "What the page says (heading, block, dates).",
            "selector": "Where on the page.",
            "detail": "More evidence (JSON).",
            "source": "crawl or browser.",
            "observed_at": "When (UTC).",
        },
    ),
    "services": (
        "The online public services each entity's catalogue lists.",
        {
            "quarter": Q,
            "url": "Procedure page URL as the catalogue lists it.",
            "entity_id": E,
            "name": "Procedure name.",
            "code": "Procedure code (mã TTHC).",
            "declared": "Declared level: full (toàn trình, level 4), partial (một phần, level 3), info_only, none, unknown.",
            "declared_raw": "The badge text or number as shown.",
            "source": "static (HTML list), json (API) or browser (rendered).",
            "catalogue_url": "Catalogue page or endpoint.",
            "tt32_fields": "TT32 fields the procedure page shows (JSON list).",
            "found_at": "When (UTC).",
        },
    ),
    "declared_services": (
        "Declared level of each service at each agency, from the national portal's per-agency rows (the reference declared level).",
        {
            "quarter": Q,
            "entity_id": E,
            "service_code": "Service code on the national portal (mã DVC, e.g. 1.004222.01).",
            "agency_code": "National code of the agency that provides it (e.g. H26.105).",
            "agency_name": "Agency name as the national portal writes it.",
            "name": "Service name.",
            "declared": "Declared level: full, partial, info_only, none, unknown.",
            "declared_raw": "The level as the answer gives it (FULL, Toàn trình, MUC_DO_4 ...).",
            "status": "in_service (chính thức), testing (đang thử nghiệm) or unknown.",
            "status_raw": "The status as the answer gives it.",
            "citizen_url": "Where Nộp trực tuyến sends the citizen (deep link with the national codes).",
            "family": "Platform family of the citizen URL (nps_apply, muc_do_server, opencps ...).",
            "sign_in": "vneid / vnconnect when the link asks for the national sign-in first.",
            "adapter": "Catalogue adapter that read the row (crawler/catalogues).",
            "catalogue_url": "API endpoint or saved answer the row came from.",
            "found_at": "When (UTC).",
        },
    ),
    "service_conflicts": (
        "Services whose level on the entity's own portal differs from the national row (both kept).",
        {
            "quarter": Q,
            "entity_id": E,
            "service_code": "Service code (procedure code on the portal matched to the national row).",
            "agency_code": "Agency of the national row.",
            "national": "Level on the national portal.",
            "national_raw": "Its raw value.",
            "portal": "Level the entity's own portal shows.",
            "portal_raw": "Its badge text.",
            "portal_url": "The portal's procedure page.",
            "found_at": "When (UTC).",
        },
    ),
    "service_checks": (
        "The browser's walk of each sampled service (also its job table).",
        {
            "quarter": Q,
            "url": "Procedure page URL.",
            "entity_id": E,
            "state": "pending, running, done or failed.",
            "attempts": "Tries so far.",
            "stratum": "Declared level it was sampled from.",
            "declared": "Declared level.",
            "observed": "Observed level: full, partial, info_only, broken, maintenance or unknown.",
            "status": "ok, timeout, entry_error, form_not_rendered, no_form or error.",
            "reached": "What the online entry led to: form, login, maintenance, error, loading, other, none.",
            "identity_provider": "Login provider reached (VNeID, national_dvc, other).",
            "has_form": "1 when an e-form was reached.",
            "has_upload": "1 when it takes file uploads.",
            "has_submit": "1 when it has a submit control (never clicked).",
            "payment": "1 when an online fee payment step is offered.",
            "delivery": "Online or postal result delivery options found.",
            "final_url": "Last URL reached.",
            "entry_text": "Text of the online entry link.",
            "steps": "Step log (JSON).",
            "screenshot": "Screenshot of the last step (PNG path).",
            "error": "Why a check crashed.",
            "started_at": "Start (UTC).",
            "finished_at": "End (UTC).",
        },
    ),
    "check_samples": (
        "Per entity: how many services were checked and how sure the verified share is.",
        {
            "quarter": Q,
            "entity_id": E,
            "population": "Services declared full or partial.",
            "sample_size": "Services sampled.",
            "seed": "Sampling seed (quarter:entity).",
            "verified": "Checked services whose online entry works.",
            "checked": "Services checked to the end.",
            "verified_share": "verified / checked.",
            "ci_low": "95% Wilson interval, low.",
            "ci_high": "95% Wilson interval, high.",
        },
    ),
    "page_audits": (
        "Rendered audits of a few pages per entity at a 375 px wide viewport.",
        {
            "quarter": Q,
            "url": "Page audited.",
            "entity_id": E,
            "status": "ok, error or timeout.",
            "violations_critical": "axe-core nodes with critical violations.",
            "violations_serious": "axe-core nodes with serious violations.",
            "violations_moderate": "axe-core nodes with moderate violations.",
            "violations_minor": "axe-core nodes with minor violations.",
            "axe": "Violations by rule (JSON).",
            "overflow_px": "Horizontal overflow at 375 px.",
            "viewport_meta": "1 when a meta viewport is present.",
            "screenshot": "Screenshot (PNG path).",
            "audited_at": "When (UTC).",
        },
    ),
    "overrides": (
        "Evaluators' corrections: never deleted, revoked with a reason.",
        {
            "id": "Override number.",
            "quarter": Q,
            "entity_id": E,
            "criterion": "Criterion corrected.",
            "value": "Value that replaces the observed one.",
            "reason": "Why.",
            "author": "Who.",
            "created_at": "When (UTC).",
            "revoked_at": "When revoked, if it was.",
            "revoked_by": "Who revoked it.",
            "revoke_reason": "Why it was revoked.",
            "erratum": "1 when recorded after the quarter was published (an erratum).",
            "edition": "The report edition that published this erratum.",
        },
    ),
    "campaigns": (
        "Each quarter's campaign state: open, retest (the correction window), frozen, published.",
        {
            "quarter": Q,
            "state": "open, retest, frozen or published.",
            "retest_until": "Deadline of the re-test and correction window (YYYY-MM-DD).",
            "frozen_at": "When observation ended (UTC).",
            "published_at": "When edition 1 was published (UTC).",
            "published_by": "Who published it.",
            "updated_at": "Last change of state (UTC).",
        },
    ),
    "review_tokens": (
        "Evaluators allowed to write corrections when the review UI is exposed beyond loopback.",
        {
            "name": "Evaluator the token belongs to (recorded as the author of corrections).",
            "token_hash": "SHA-256 of the token (the token itself is shown once, never stored).",
            "created_at": "When (UTC).",
            "revoked_at": "When revoked, if it was (the token stops working at once).",
        },
    ),
    "editions": (
        "Numbered report editions of a published quarter: 1 at publication, then one per erratum.",
        {
            "quarter": Q,
            "number": "Edition number (1 = the publication).",
            "kind": "publication or erratum.",
            "model_version": "Model version the edition was scored under.",
            "created_at": "When (UTC).",
            "created_by": "Who.",
            "changes": "What changed and why (JSON list of overrides with their reasons).",
            "out": "Folder the edition's report files were written to.",
        },
    ),
    "reported": (
        "Indicators agencies report (IT infrastructure, internal IT use, policy, human resources).",
        {
            "quarter": Q,
            "entity_id": E,
            "indicator": "Indicator id (reported.*).",
            "value": "Reported value.",
            "source_document": "Document it comes from.",
            "source_file": "CSV it was imported from.",
            "source_line": "Line in that CSV.",
            "imported_at": "When (UTC).",
        },
    ),
    "criterion_scores": (
        "Score of each criterion for each entity under a model version.",
        {
            "quarter": Q,
            "model_version": "Scoring model version.",
            "entity_id": E,
            "criterion": "Criterion id.",
            "pillar": "info, func, svc, tech or reported.",
            "raw_value": "Observed (or overridden) value scored.",
            "score": "0..1; empty when the criterion was excluded.",
            "weight": "Weight within the pillar, as in the model (re-weighting divides by the "
            "sum of the weights scored).",
            "status": "ok, or why the value is missing (connect_error, not_checked, ...).",
            "policy": "scored; or, for a missing value, what the model's on_unknown did: "
            "exclude (re-weighted), zero, carry (the previous quarter's score).",
            "override_id": "Override applied, if any (overrides.id).",
            "reported": "1 for reported indicators.",
            "model_hash": "Hash of the model file.",
            "margin": "Half-width of the 95% interval of a sampled share (0 if not sampled).",
            "source": "crawl, browser, derived, reported or override.",
        },
    ),
    "pillar_scores": (
        "Score of each pillar for each entity.",
        {
            "quarter": Q,
            "model_version": "Scoring model version.",
            "entity_id": E,
            "pillar": "Pillar id.",
            "score": "0..1.",
            "weight": "Pillar weight in the index.",
            "coverage": "Share of the pillar's weight with real data.",
        },
    ),
    "rankings": (
        "The index and rank of each entity within its group.",
        {
            "quarter": Q,
            "model_version": "Scoring model version.",
            "entity_id": E,
            "entity_group": "Ranking group.",
            "index_value": "The 0..1 index.",
            "rank": "Competition rank in the group (1, 2, 2, 4) among the assessed; NULL when not assessed.",
            "prev_rank": "Rank in the previous quarter.",
            "movement": "prev_rank - rank (positive: moved up).",
            "significant": "0 when the previous rank lies inside [rank_best, rank_worst].",
            "uncertainty": "Half-width of the index's uncertainty interval.",
            "coverage": "Share of criteria weight with real data.",
            "overrides_used": "Overrides applied.",
            "model_hash": "Hash of the model file.",
            "scored_at": "When (UTC).",
            "rank_best": "Best rank the entity could hold within its uncertainty.",
            "rank_worst": "Worst rank the entity could hold within its uncertainty.",
            "assessed": "1 when coverage reaches the model's min_coverage, else 0 (kept out of the ranks).",
            "not_assessed_reason": "Why not assessed (e.g. portal unreachable on every attempt); NULL when assessed.",
        },
    ),
    "locks": (
        "The run lock: one run per database and quarter (crawler/core/locks.py).",
        {
            "quarter": Q,
            "stage": "Stage holding the lock.",
            "pid": "Holder's process id.",
            "hostname": "Holder's machine.",
            "proc_start": "Holder's process start time (pid reuse check).",
            "token": "Lock token.",
            "started_at": "When taken (UTC).",
            "heartbeat_at": "Last heartbeat (UTC).",
            "heartbeat_epoch": "Last heartbeat (Unix time).",
        },
    ),
}


def describe(table: str, column: str) -> str:
    return TABLES.get(table, ("", {}))[1].get(column, "")


def rows() -> list[dict]:
    """The dictionary as rows (table, column, meaning), for the xlsx sheet and CSV."""
    return [
        {"table": t, "column": c, "meaning": m}
        for t, (_, cols) in TABLES.items()
        for c, m in cols.items()
    ]


def markdown() -> str:
    out = [
        "# Data dictionary",
        "",
        "Every table of the SQLite database (`output/egovrank.db` by default) and every column. "
        "Generated from `scoring/dictionary.py` by `egovrank db dictionary`.",
        "",
    ]
    for table, (what, cols) in TABLES.items():
        out += [f"## {table}", "", what, "", "| column | meaning |", "|---|---|"]
        out += [f"| `{c}` | {m} |" for c, m in cols.items()]
        out.append("")
    return "\n".join(out)
