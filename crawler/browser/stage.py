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
from crawler.browser.audit import audit_page, audit_timed_out, render_catalogue
from crawler.browser.citizen import citizen_link
from crawler.browser.pool import BrowserPool
from crawler.browser.walk import walk_service
from crawler.core.stage import Entities, Outcome, Stage, StageResult, run_stage


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
        timeout_ms = int(timeout_s * 1000 * 0.6)

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
                for url in persist.audit_urls(db, quarter, eid):
                    ctx, _ = await pool.context(urlsplit(url).netloc, e["allow_private"], width=375)
                    try:
                        audit = await asyncio.wait_for(
                            audit_page(ctx, url, timeout_ms=timeout_ms), timeout_s
                        )
                    except TimeoutError:
                        audit = audit_timed_out(url)
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
