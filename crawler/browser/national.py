"""The browser fallback for the national rows: when the API refused the crawler.

The national API sits behind a web application firewall. When the crawl's allowlisted POST was
answered 403/429/5xx, or never sent because the circuit breaker had opened, the entity has no
declared rows. This step opens the portal's own page for the agency (config/catalogues.yaml
`browser_page`) in Chromium, lets the page's scripts fetch the rows as any citizen's browser
does, and reads the answers it received. Nothing is spoofed: no header is set, the guard's
POST allowlist still applies, and the rows are recorded as read by the fallback.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import Error as PlaywrightError

from crawler import catalogues
from crawler.browser.safety import NO_SUBMIT_JS, guard
from crawler.catalogues.config import catalogues as catalogue_config
from crawler.catalogues.config import platform

ADAPTER = "national_new (browser fallback)"


# A host the crawl could not reach at all: the browser would not reach it either.
UNREACHABLE = ("dns_error", "connect_error", "tls_error")


def refused(db, quarter: str, entity_id: str) -> list[tuple[str, str]]:
    """(API base, agency code) of the national reads the crawl was refused and has no rows for."""
    if db.execute(
        "select 1 from declared_services where quarter = ? and entity_id = ? limit 1",
        [quarter, entity_id],
    ).fetchone():
        return []
    breaker = set(catalogue_config()["api_politeness"]["breaker_statuses"])
    rows_path = platform("national_new")["api"]["rows"]
    out = []
    for url, status, fetch in db.execute(
        "select url, http_status, fetch_status from pages where quarter = ? and entity_id = ? "
        "and site = 'national'",
        [quarter, entity_id],
    ).fetchall():
        unanswered = status is None and fetch != "ok"  # e.g. never sent: the circuit was open
        if status in breaker or (unanswered and fetch not in UNREACHABLE):
            parts = urlsplit(url)
            agency = parse_qs(parts.fragment).get("agency", [""])[0]
            if agency and parts.path == rows_path:
                out.append((f"{parts.scheme}://{parts.netloc}", agency))
    return sorted(set(out))


def own_rows(rows: list[dict], agency: str) -> list[dict]:
    """Rows of the agency asked for and the units below it, marked as read by the fallback."""
    return [
        {**r, "adapter": ADAPTER}
        for r in rows
        if r.get("code")
        and r.get("agency_code")
        and (r["agency_code"] == agency or r["agency_code"].startswith(agency + "."))
    ]


async def read_rows(browser, base: str, agency: str, *, allow_private: bool, blocked: list,
                    timeout_ms: int) -> tuple[str, list[dict]]:  # fmt: skip
    """Open the agency's page, let it fetch its rows, parse every rows answer it got."""
    page_url = base + platform("national_new")["browser_page"].format(agency=agency)
    rows_path = platform("national_new")["api"]["rows"]
    stand_ins = {"national_new": [urlsplit(base).netloc]}
    ctx = await browser.new_context(ignore_https_errors=True, locale="vi-VN")
    answers = []
    try:
        await ctx.add_init_script(NO_SUBMIT_JS)
        await ctx.route("**/*", guard(allow_private, blocked, stand_ins))
        page = await ctx.new_page()
        page.on(
            "response",
            lambda r: answers.append(r) if urlsplit(r.url).path == rows_path and r.ok else None,
        )
        await page.goto(page_url, wait_until="domcontentloaded", timeout=timeout_ms)
        with contextlib.suppress(PlaywrightError):
            await page.wait_for_load_state("networkidle", timeout=timeout_ms)
        rows = []
        for answer in answers:
            with contextlib.suppress(PlaywrightError, ValueError):
                doc = catalogues.load(await answer.body())
                rows += catalogues.parse(answer.url, doc, "national_new")["services"]
    finally:
        with contextlib.suppress(PlaywrightError):
            await ctx.close()
    return page_url, own_rows(rows, agency)


def save(db, quarter: str, entity_id: str, rows: list[dict], url: str) -> int:
    """The rows as the crawl would store them (crawler/crawl_store.py), conflicts recomputed."""
    from crawler.core import store
    from crawler.crawl_store import declared_row, record_conflicts

    if not rows:
        return 0
    stamp = store.now()
    with store.transaction(db):
        db["declared_services"].upsert_all(
            [declared_row(quarter, entity_id, r, url, stamp) for r in rows],
            pk=("quarter", "entity_id", "service_code", "agency_code"),
        )
        record_conflicts(db, quarter, entity_id)
    return len(rows)


async def national_fallback(browser, db, quarter: str, entities: dict[str, dict], *,
                            blocked: list, timeout_ms: int, log=print) -> int:  # fmt: skip
    """Read through the browser the national rows the crawl was refused; returns rows saved."""
    saved = 0
    for eid, e in entities.items():
        for base, agency in refused(db, quarter, eid):
            try:
                url, rows = await asyncio.wait_for(
                    read_rows(
                        browser,
                        base,
                        agency,
                        allow_private=bool(e.get("allow_private")),
                        blocked=blocked,
                        timeout_ms=timeout_ms,
                    ),  # fmt: skip
                    timeout_ms / 1000 * 2,
                )
            except (TimeoutError, PlaywrightError) as exc:
                log(f"  national rows of {eid} ({agency}): browser fallback failed: {exc}")
                continue
            saved += save(db, quarter, eid, rows, f"{url}#browser-fallback")
            log(f"  national rows of {eid} ({agency}): {len(rows)} read by the browser fallback")
    return saved
