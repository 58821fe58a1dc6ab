"""The check stage: render the JS catalogues the crawl handed over, walk the sampled services in
Chromium, audit a few pages per entity, grade the audits.

`check()` is the stage as `egovrank check` runs it (lock, runs row, entities: crawler/core/
stage.py); `run_checks` is its body, which the cluster coordinator also drives step by step.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from crawler.browser import jobs, persist
from crawler.browser.audit import audit_page, render_catalogue
from crawler.browser.citizen import citizen_link
from crawler.browser.pool import BrowserPool
from crawler.browser.walk import walk_service
from crawler.core.stage import Entities, Outcome, Stage, StageResult, run_stage
from crawler.core.status import AuditStatus


def check(
    db_path: str,
    quarter,
    *,
    entities_path: str | None = None,
    only: list[str] | None = None,
    sample: int | None = None,
    concurrency: int = 4,
    timeout_s: float = 45.0,
    evidence_root: str = "output/evidence",
    audits: bool = True,
    recheck: bool = False,
    cluster=None,
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> StageResult:
    """The check stage over the quarter's entities (those recorded by the crawl, or --entities).

    `cluster` (a loaded cluster.yaml) queues the service walks for `egovrank worker` nodes."""

    def body(stage: Stage) -> Outcome:
        q, db, entities = str(stage.quarter), stage.db, stage.rows
        if recheck:
            jobs.plan(db, q, stage.entity_ids, sample, recheck=True)
            persist.reopen(db, q, stage.entity_ids)
        if cluster is not None:
            from crawler.cluster.checks import run_cluster_checks

            stats = asyncio.run(
                run_cluster_checks(
                    cluster, db, q, entities, sample=sample, timeout_s=timeout_s,
                    audits=audits, recheck=recheck, log=log,
                )
            )  # fmt: skip
        else:
            stats = asyncio.run(
                run_checks(
                    db, q, entities, sample=sample, concurrency=concurrency,
                    timeout_s=timeout_s, evidence_root=evidence_root, audits=audits, log=log,
                )
            )  # fmt: skip
        return Outcome(stats, record={k: v for k, v in stats.items() if k != "samples"})

    return run_stage(
        "check",
        quarter,
        db_path,
        body,
        entities=Entities.stored(entities_path, only),
        args={"sample": sample},
        log=log,
    )


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
    steps: tuple[str, ...] = ("catalogues", "national", "services", "audits"),
) -> dict:
    """Render JS catalogues, read refused national rows, walk every pending service, audit a
    few pages per entity.

    `steps` lets the cluster coordinator read the national rows here while the other browser
    jobs go to the queue (crawler/cluster/checks.py); the plan is always made."""
    blocked: list = []
    stats = {"checks": 0, "timeouts": 0, "crashes": 0, "catalogue_services": 0, "audits": 0}
    count = getattr(log, "count", None)  # a live bar, when stderr is a terminal
    async with async_playwright() as p:
        pool = BrowserPool(p, recycle_every=recycle_every, blocked=blocked, keep_idle=concurrency)
        await pool.ensure_browser()
        log(f"check {quarter}: Chromium {pool.browser.version}")
        timeout_ms = step_ms(timeout_s)

        for eid, e in entities.items() if "catalogues" in steps else ():
            for url in persist.work(db, quarter, eid, "catalogue"):
                ctx, _ = await pool.context(urlsplit(url).netloc, e["allow_private"])
                found = await render_catalogue(ctx, url, timeout_ms=timeout_ms)
                persist.save_rendered(db, quarter, eid, url, found)
                stats["catalogue_services"] += len(found or [])

        if "national" in steps:  # national rows the API refused the crawler, read in Chromium
            from crawler.browser.national import national_fallback

            stats["national_fallback_rows"] = await national_fallback(
                pool.browser, db, quarter, entities, blocked=blocked, timeout_ms=timeout_ms, log=log
            )

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
                ctx = None
                try:
                    ctx, key = await pool.context(host, e["allow_private"])
                    service = {
                        "url": job["url"],
                        "entity_id": job["entity_id"],
                        "citizen_url": citizen_link(db, quarter, job["entity_id"], job["url"]),
                    }
                    result = await walk_pooled(
                        pool, ctx, key, service, quarter=quarter, evidence_root=evidence_root,
                        timeout_s=timeout_s,
                    )  # fmt: skip
                    jobs.finish(db, quarter, job["url"], result)
                    stats["timeouts"] += result["status"] == "timeout"
                except PlaywrightError as exc:
                    stats["crashes"] += ctx is None or not ctx.browser.is_connected()
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
                for url in persist.audit_urls(db, quarter, eid):
                    ctx, _ = await pool.context(urlsplit(url).netloc, e["allow_private"], width=375)
                    audit = await audit_within(ctx, url, timeout_s=timeout_s)
                    persist.save_audit(db, quarter, eid, audit)
                    stats["audits"] += 1
                persist.save_audit_findings(db, quarter, eid)
        stats["browser_launches"] = pool.launches
        await pool.close()
    stats["blocked_requests"] = len(blocked)
    stats["samples"] = jobs.summarise(db, quarter, list(entities))
    return stats


def timed_out(url: str) -> dict:
    return {"observed": "unknown", "status": "timeout", "steps": [], "final_url": url}


def step_ms(timeout_s: float) -> int:
    """A page step's own limit inside a whole job's limit (the rest is the job's margin)."""
    return int(timeout_s * 1000 * 0.6)


class BrowserClosed(PlaywrightError):
    """The browser died under a job: its error is not the site's."""


async def walk_pooled(pool, ctx, key, service: dict, *, quarter: str, evidence_root: str,
                      timeout_s: float) -> dict:  # fmt: skip
    """One service walk on a pooled page under the whole-check limit, here and on a cluster
    worker. A walk over the limit gives its timed-out result (its context is dropped: it may be
    left in any state); a browser that died raises BrowserClosed; any other browser error
    closes the page (not reused) and is raised."""
    page = await pool.page(ctx, key)
    try:
        result = await asyncio.wait_for(
            walk_service(ctx, service, quarter=quarter, evidence_root=evidence_root,
                         timeout_ms=step_ms(timeout_s), page=page),
            timeout_s,
        )  # fmt: skip
    except TimeoutError:
        if not ctx.browser.is_connected():
            raise BrowserClosed("browser closed during the check") from None
        await pool.drop(key)
        return timed_out(service["url"])
    except PlaywrightError:
        if ctx.browser.is_connected():
            with contextlib.suppress(PlaywrightError):
                await page.close()
        raise
    if not ctx.browser.is_connected():
        raise BrowserClosed("browser closed during the check")
    await pool.release(key, page)
    return result


async def audit_within(ctx, url: str, *, timeout_s: float) -> dict:
    """One page audit under the whole-job limit (page.evaluate has no timeout of its own)."""
    try:
        return await asyncio.wait_for(
            audit_page(ctx, url, timeout_ms=step_ms(timeout_s)), timeout_s
        )
    except TimeoutError:
        return {"url": url, "status": AuditStatus.TIMEOUT}
