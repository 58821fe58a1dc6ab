"""The browser stage's lifecycle: one Chromium, a context per host, bounded pages in flight.

Built to hold for tens of thousands of checks: contexts are recycled every N checks (memory is
released when a context closes), every whole check sits under asyncio.wait_for (page.evaluate
has no timeout of its own), a timed-out check's context is thrown away, and a browser that
crashes is relaunched while its in-flight jobs go back to pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from crawler.browser import jobs
from crawler.browser.audit import audit_page, render_catalogue
from crawler.browser.chromium import launch_options
from crawler.browser.citizen import citizen_link
from crawler.browser.safety import NO_SUBMIT_JS, guard
from crawler.browser.walk import walk_service
from crawler.core import store
from crawler.crawl_store import rendered_audits
from crawler.criteria import judge_rendered, registry
from crawler.criteria.observed import Seen


class BrowserPool:
    def __init__(
        self,
        playwright,
        *,
        recycle_every: int = 100,
        blocked: list | None = None,
        keep_idle: int = 4,
    ):
        self.playwright = playwright
        self.recycle_every = recycle_every
        self.browser = None
        self.contexts: dict[tuple, list] = {}
        # Pages kept open between checks, oldest first: (context key, page), at most keep_idle.
        self.idle: list[tuple[tuple, object]] = []
        self.keep_idle = keep_idle
        self.blocked = blocked if blocked is not None else []
        self.launches = 0
        self._lock = asyncio.Lock()

    async def ensure_browser(self):
        async with self._lock:
            if self.browser is None or not self.browser.is_connected():
                self.contexts.clear()
                self.idle.clear()
                self.browser = await self.playwright.chromium.launch(**launch_options())
                self.launches += 1
            return self.browser

    async def context(self, host: str, allow_private: bool, *, width: int = 1280):
        """The host's context, recycled after `recycle_every` uses."""
        browser = await self.ensure_browser()
        key = (host, width)
        entry = self.contexts.get(key)
        if entry and entry[1] >= self.recycle_every:
            await self.drop(key)
            entry = None
        if entry is None:
            ctx = await browser.new_context(
                ignore_https_errors=True,
                viewport={"width": width, "height": 900},
                user_agent=None,
                locale="vi-VN",
            )
            await ctx.add_init_script(NO_SUBMIT_JS)
            await ctx.route("**/*", guard(allow_private, self.blocked))
            entry = self.contexts[key] = [ctx, 0]
        entry[1] += 1
        return entry[0], key

    async def page(self, ctx, key):
        """An idle page of this context, else a new one. Opening a fresh page for every check
        cost about as much as loading a page (profiled on the browser benchmark)."""
        for i, (k, page) in enumerate(self.idle):
            if k == key:
                del self.idle[i]
                if not page.is_closed():
                    return page
                break
        return await ctx.new_page()

    async def release(self, key, page) -> None:
        """Keep a page whose check ended cleanly for the context's next check; close the oldest
        idle pages beyond keep_idle (a finished host's pages must not pile up)."""
        if key in self.contexts and not page.is_closed():
            self.idle.append((key, page))
        while len(self.idle) > self.keep_idle:
            _, old = self.idle.pop(0)
            with contextlib.suppress(PlaywrightError):
                await old.close()

    async def drop(self, key) -> None:
        self.idle = [(k, p) for k, p in self.idle if k != key]
        entry = self.contexts.pop(key, None)
        if entry:
            with contextlib.suppress(PlaywrightError):
                await entry[0].close()

    async def close(self):
        for key in list(self.contexts):
            await self.drop(key)
        if self.browser and self.browser.is_connected():
            await self.browser.close()


async def run_checks(
    db,
    quarter: str,
    entities: dict[str, dict],
    *,
    sample: int | None = None,
    concurrency: int = 4,
    timeout_s: float = 45.0,
    evidence_root: str = "output/evidence",
    audits: bool = True,
    recycle_every: int = 100,
    log: Callable[[str], None] = print,
    steps: tuple[str, ...] = ("catalogues", "services", "audits"),
) -> dict:
    """Render JS catalogues, walk every pending service, audit a few pages per entity.

    `steps` lets the cluster coordinator run the catalogues and the audits here while the
    service walks go to the queue (crawler/cluster/checks.py); the plan is always made."""
    blocked: list = []
    stats = {"checks": 0, "timeouts": 0, "crashes": 0, "catalogue_services": 0, "audits": 0}
    count = getattr(log, "count", None)  # a live bar, when stderr is a terminal
    async with async_playwright() as p:
        pool = BrowserPool(p, recycle_every=recycle_every, blocked=blocked, keep_idle=concurrency)
        await pool.ensure_browser()
        log(f"check {quarter}: Chromium {pool.browser.version}")
        timeout_ms = int(timeout_s * 1000 * 0.6)

        for eid, e in entities.items() if "catalogues" in steps else ():
            for url in _js_catalogues(db, quarter, eid):
                ctx, _ = await pool.context(urlsplit(url).netloc, e["allow_private"])
                found = await render_catalogue(ctx, url, timeout_ms=timeout_ms)
                _save_rendered(db, quarter, eid, url, found)
                stats["catalogue_services"] += len(found)

        jobs.plan(db, quarter, list(entities), sample)
        todo = jobs.pending(db, quarter, list(entities))
        if "services" in steps:
            log(f"check {quarter}: {len(todo)} services to check, {concurrency} in flight")
        sem = asyncio.Semaphore(concurrency)
        started = time.monotonic()

        async def one(job):
            async with sem:
                e = entities[job["entity_id"]]
                host = urlsplit(job["url"]).netloc
                jobs.claim(db, quarter, job["url"])
                ctx = page = None
                try:
                    ctx, key = await pool.context(host, e["allow_private"])
                    page = await pool.page(ctx, key)
                    service = {
                        "url": job["url"],
                        "entity_id": job["entity_id"],
                        "citizen_url": citizen_link(db, quarter, job["entity_id"], job["url"]),
                    }
                    result = await asyncio.wait_for(
                        walk_service(
                            ctx,
                            service,
                            quarter=quarter,
                            evidence_root=evidence_root,
                            timeout_ms=timeout_ms,
                            page=page,
                        ),
                        timeout_s,
                    )
                    if not ctx.browser.is_connected():
                        # The browser died under this check: its "error" is not the site's.
                        raise PlaywrightError("browser closed during the check")
                    jobs.finish(db, quarter, job["url"], result)
                    stats["timeouts"] += result["status"] == "timeout"  # a step's own time limit
                    await pool.release(key, page)
                except TimeoutError:
                    if not ctx.browser.is_connected():
                        stats["crashes"] += 1
                        jobs.fail(db, quarter, job["url"], "browser closed during the check")
                    else:
                        stats["timeouts"] += 1
                        await pool.drop(key)
                        jobs.finish(db, quarter, job["url"], timed_out(job["url"]))
                except PlaywrightError as exc:
                    if ctx is None or not ctx.browser.is_connected():
                        stats["crashes"] += 1
                    elif page is not None:  # not reused: it may be left in any state
                        with contextlib.suppress(PlaywrightError):
                            await page.close()
                    jobs.fail(db, quarter, job["url"], str(exc).splitlines()[0])
                stats["checks"] += 1
                if count:
                    count(stats["checks"], len(todo))
                if stats["checks"] % 25 == 0:
                    rate = stats["checks"] / (time.monotonic() - started)
                    log(f"  {stats['checks']}/{len(todo)} checks ({rate:.1f}/s)")

        for _ in range(jobs.MAX_ATTEMPTS if "services" in steps else 0):
            await asyncio.gather(*(one(j) for j in todo))
            todo = jobs.pending(db, quarter, list(entities))  # retries after a crash
            if not todo:
                break

        if audits and "audits" in steps:
            for eid, e in entities.items():
                for url in _audit_urls(db, quarter, eid, e):
                    ctx, _ = await pool.context(urlsplit(url).netloc, e["allow_private"], width=375)
                    try:
                        audit = await asyncio.wait_for(
                            audit_page(ctx, url, timeout_ms=timeout_ms), timeout_s
                        )
                    except TimeoutError:
                        audit = {"url": url, "status": "timeout"}
                    _save_audit(db, quarter, eid, audit)
                    stats["audits"] += 1
                _audit_findings(db, quarter, eid)
        stats["browser_launches"] = pool.launches
        await pool.close()
    stats["blocked_requests"] = len(blocked)
    stats["samples"] = jobs.summarise(db, quarter, list(entities))
    return stats


def timed_out(url: str) -> dict:
    return {"observed": "unknown", "status": "timeout", "steps": [], "final_url": url}


def _js_catalogues(db, quarter, eid) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            "select evidence_url from findings where quarter = ? and entity_id = ? "
            "and criterion = ? and status = 'needs_browser'",
            [quarter, eid, registry.catalogue_id()],
        ).fetchall()
        if r[0]
    ]


def _save_rendered(db, quarter, eid, url, services) -> None:
    stamp = store.now()
    with store.transaction(db):
        db["services"].insert_all(
            [
                {
                    "quarter": quarter,
                    "entity_id": eid,
                    "catalogue_url": url,
                    "source": "browser",
                    "found_at": stamp,
                    **s,
                }
                for s in services
            ],
            pk=("quarter", "url"),
            ignore=True,
        )
        from crawler.crawl_store import record_conflicts

        record_conflicts(db, quarter, eid)  # rendered badges against the national rows
        if services:
            db["findings"].update(
                (quarter, eid, registry.catalogue_id()),
                {
                    "value": "present",
                    "status": "ok",
                    "numeric": len(services),
                    "source": "browser",
                    "excerpt": f"{len(services)} services rendered by the browser",
                },
            )


def _audit_urls(db, quarter, eid, e) -> list[str]:
    urls = [e["portal_url"]] if e.get("portal_url") else []
    row = db.execute(
        "select url from service_checks where quarter = ? and entity_id = ? and state = 'done' "
        "order by url limit 1",
        [quarter, eid],
    ).fetchone()
    if row:
        urls.append(row[0])
    home_ok = db.execute(
        "select 1 from pages where quarter = ? and entity_id = ? and depth = 0 and site = 'portal' "
        "and fetch_status = 'ok'",
        [quarter, eid],
    ).fetchone()
    return urls if home_ok else urls[1:]


def _save_audit(db, quarter, eid, audit) -> None:
    with store.transaction(db):
        db["page_audits"].upsert(
            {"quarter": quarter, "entity_id": eid, "audited_at": store.now(), **audit},
            pk=("quarter", "url"),
        )


def _audit_findings(db, quarter, eid) -> None:
    """tech.accessibility and tech.mobile judged again with the rendered audits, by the same
    rules the crawl uses (crawler/criteria/technical.py)."""
    audits = rendered_audits(db, quarter, eid)
    if not any(a["status"] == "ok" for a in audits):
        return
    stamp = store.now()
    with store.transaction(db):
        for f in judge_rendered(Seen([], date.today(), "", audits=audits)):
            db["findings"].upsert(
                {
                    **f,
                    "quarter": quarter,
                    "entity_id": eid,
                    "observed_at": stamp,
                    "detail": json.dumps(f["detail"], ensure_ascii=False, default=str),
                },
                pk=("quarter", "entity_id", "criterion"),
            )
