"""`egovrank check --cluster`: the browser stage with its browser jobs on the queue.

Three rounds, each one procrastinate job per item, run by whichever `egovrank worker` takes it:
the JS catalogues the crawl handed over, then the service walks of the sample (planned here,
the same seeded sample as one machine, once the rendered services are in), then the page
audits (they audit one walked service page). The coordinator itself only reads the national
rows the API refused the crawler (one host: one browser, here). Each round waits (bounded),
reclaiming stalled jobs as it polls, and imports every result as it lands, so a re-run imports
what is already done and waits for the rest.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from crawler.browser import jobs, persist
from crawler.browser.citizen import citizen_link
from crawler.browser.stage import run_checks
from crawler.cluster import queue
from crawler.cluster.config import Cluster
from crawler.core.errors import InputError
from crawler.core.status import AuditStatus

FINISHED = ("succeeded", "failed", "cancelled", "aborted")


@dataclass
class Round:
    """One kind of browser job through the queue: what to queue, and how a result lands in the
    quarter database (`None`: the job crashed on every attempt)."""

    kind: str
    items: list[dict]  # each {"url", "entity_id", ...}: the job's own arguments
    land: Callable[[dict, dict | None], None]


def land_walk(db, quarter: str) -> Callable[[dict, dict | None], None]:
    def land(item: dict, result: dict | None) -> None:
        jobs.claim(db, quarter, item["url"])  # counts the attempt, as on one machine
        if result is None:
            jobs.fail(db, quarter, item["url"], "check crashed on every attempt", final=True)
        else:
            jobs.finish(db, quarter, item["url"], result)

    return land


def land_catalogue(db, quarter: str, found: list[int]) -> Callable[[dict, dict | None], None]:
    def land(item: dict, result: dict | None) -> None:
        services = (result or {}).get("services")  # None: the page did not render
        persist.save_rendered(db, quarter, item["entity_id"], item["url"], services)
        found.append(len(services or []))

    return land


def land_audit(db, quarter: str) -> Callable[[dict, dict | None], None]:
    def land(item: dict, result: dict | None) -> None:
        audit = result or {"url": item["url"], "status": AuditStatus.ERROR,
                           "axe": json.dumps({"error": "audit crashed on every attempt"})}  # fmt: skip
        persist.save_audit(db, quarter, item["entity_id"], audit)

    return land


async def _states(app, quarter: str, kind: str, urls: set[str]) -> dict[str, str]:
    """The newest procrastinate job status of each of these jobs (only those: the coordinator
    asks every poll, and a commune quarter has thousands)."""
    rows = await app.connector.execute_query_all_async(
        "SELECT args->>'url' AS url, status FROM procrastinate_jobs "
        "WHERE task_name = %(t)s AND args->>'quarter' = %(q)s AND args->>'url' = ANY(%(u)s) "
        "ORDER BY id",
        t=queue.TASKS[kind],
        q=quarter,
        u=sorted(urls),
    )
    return {r["url"]: str(r["status"]) for r in rows}


async def _results(app, quarter: str, kind: str, urls: set[str]) -> dict[str, dict]:
    """The stored results of these jobs (only those: a walk's result is several kB)."""
    if not urls:
        return {}
    rows = await app.connector.execute_query_all_async(
        "SELECT url, result FROM egovrank_results "
        "WHERE quarter = %(q)s AND kind = %(k)s AND url = ANY(%(u)s)",
        q=quarter,
        k=kind,
        u=sorted(urls),
    )
    return {r["url"]: json.loads(r["result"]) for r in rows}


async def through_queue(app, cluster: Cluster, quarter: str, rnd: Round, *, recheck: bool,
                        wait_s: float, log: Callable[[str], None]) -> dict:  # fmt: skip
    """Queue the round's jobs, land each result as it arrives; returns the round's counts.

    One job per URL: entities sharing a service portal may hand over the same catalogue page,
    and its one result lands for each of them."""
    by_url: dict[str, list[dict]] = {}
    for i in rnd.items:
        by_url.setdefault(i["url"], []).append(i)

    def land(url: str, result: dict | None) -> None:
        for i in by_url[url]:
            rnd.land(i, result)

    if recheck:  # --recheck: results of an earlier run must not be imported again
        await app.connector.execute_query_async(
            "DELETE FROM egovrank_results WHERE quarter = %(q)s AND kind = %(k)s "
            "AND url = ANY(%(u)s)",
            q=quarter,
            k=rnd.kind,
            u=sorted(by_url),
        )
    have = await _results(app, quarter, rnd.kind, set(by_url))  # a re-run imports what is done
    for url, result in have.items():
        land(url, result)
    todo = [{**i[0], "quarter": quarter} for url, i in by_url.items() if url not in have]
    queued = await queue.defer(app, rnd.kind, todo, per_host=cluster.per_host)
    log(f"check {quarter}: {len(todo)} {rnd.kind} jobs on the queue ({queued} new), "
        f"{cluster.per_host} per host across all workers")  # fmt: skip
    waiting = {j["url"] for j in todo}
    reclaimed, deadline, last_reclaim = 0, time.monotonic() + wait_s, 0.0
    while waiting:
        if time.monotonic() > deadline:
            raise InputError(
                f"check {quarter}: {len(waiting)} {rnd.kind} jobs still queued after "
                f"{wait_s:.0f} s; are `egovrank worker` processes running? Re-run to resume"
            )
        if time.monotonic() - last_reclaim >= min(cluster.stalled_after_s / 2, 30):
            reclaimed += await queue.reclaim_stalled(app, cluster.stalled_after_s)
            last_reclaim = time.monotonic()
        states = await _states(app, quarter, rnd.kind, waiting)
        finished = {u for u, s in states.items() if s in FINISHED}
        landed = await _results(app, quarter, rnd.kind, finished)
        for url in sorted(finished):
            land(url, landed.get(url))  # no result: retries exhausted
        waiting -= finished
        if waiting:
            await asyncio.sleep(cluster.poll_s)
    return {"jobs": len(rnd.items), "queued": queued, "imported_done": len(have),
            "reclaimed_stalled": reclaimed}  # fmt: skip


async def run_cluster_checks(
    cluster: Cluster,
    db,
    quarter: str,
    entities: dict[str, dict],
    *,
    sample: int | None = None,
    timeout_s: float = 45.0,
    audits: bool = True,
    recheck: bool = False,
    wait_s: float = 6 * 3600,
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> dict:
    app = queue.make_app(
        cluster.dsn, max_attempts=cluster.max_attempts, stalled_after_s=cluster.stalled_after_s
    )
    ids = list(entities)

    def item(eid: str, url: str, **extra) -> dict:
        return {"url": url, "entity_id": eid, "timeout_s": timeout_s,
                "allow_private": bool(entities[eid]["allow_private"]), **extra}  # fmt: skip

    rounds: dict[str, dict] = {}
    rendered: list[int] = []  # services found per JS catalogue
    started = time.monotonic()
    async with app.open_async():
        await queue.ensure_schema(cluster.dsn)

        async def go(rnd: Round) -> None:
            rounds[rnd.kind] = await through_queue(
                app, cluster, quarter, rnd, recheck=recheck, wait_s=wait_s, log=log
            )

        await go(Round("catalogue", [item(e, u) for e in ids
                                     for u in persist.work(db, quarter, e, "catalogue")],
                       land_catalogue(db, quarter, rendered)))  # fmt: skip
        # the national rows (one host) and the sample's plan, here, as on one machine
        before = await run_checks(
            db, quarter, entities, sample=sample, timeout_s=timeout_s,
            evidence_root=cluster.evidence, audits=False, log=log, steps=("national",),
        )  # fmt: skip
        walks = [
            item(j["entity_id"], j["url"], evidence_root=cluster.evidence,
                 citizen_url=citizen_link(db, quarter, j["entity_id"], j["url"]))
            for j in jobs.pending(db, quarter, ids)
        ]  # fmt: skip
        await go(Round("walk", walks, land_walk(db, quarter)))
        walked = time.monotonic()
        if audits:
            await go(Round("audit", [item(e, u) for e in ids
                                     for u in persist.audit_urls(db, quarter, e)],
                           land_audit(db, quarter)))  # fmt: skip
            for eid in ids:
                persist.save_audit_findings(db, quarter, eid)
    urls = [w["url"] for w in walks]
    marks = ",".join("?" * len(urls)) or "''"
    timeouts, crashes = db.execute(
        f"select sum(status = 'timeout'), sum(state = 'failed') from service_checks "
        f"where quarter = ? and url in ({marks})",
        [quarter, *urls],
    ).fetchone()
    return {
        "checks": rounds["walk"]["jobs"],
        "queued": rounds["walk"]["queued"],
        "imported_done": rounds["walk"]["imported_done"],
        "reclaimed_stalled": sum(r["reclaimed_stalled"] for r in rounds.values()),
        "rounds": rounds,
        "timeouts": timeouts or 0,
        "crashes": crashes or 0,
        "catalogue_services": sum(rendered),
        "national_fallback_rows": before.get("national_fallback_rows", 0),
        "audits": rounds["audit"]["jobs"] if audits else 0,
        "blocked_requests": before["blocked_requests"],
        "walk_s": round(walked - started, 2),
        "samples": jobs.summarise(db, quarter, ids),
    }
