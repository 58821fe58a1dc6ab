"""`egovrank check --cluster`: the browser stage with its service walks on the queue.

The coordinator plans the sample in the quarter database (the same seeded sample as one
machine), renders the JS catalogues and, once the walks are in, runs the page audits itself;
every service walk is one procrastinate job run by whichever `egovrank worker` takes it. It
waits (bounded), reclaiming stalled jobs as it polls, then imports the results.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable

from crawler.browser import jobs
from crawler.browser.stage import run_checks
from crawler.cluster import queue
from crawler.cluster.config import Cluster
from crawler.core import store
from crawler.core.errors import InputError

RESULT_COLUMNS = (
    "observed",
    "status",
    "reached",
    "identity_provider",
    "access",
    "has_form",
    "has_upload",
    "has_submit",
    "payment",
    "delivery",
    "final_url",
    "entry_text",
    "steps",
    "screenshot",
    "error",
)


async def _states(app, quarter: str, urls: set[str]) -> dict[str, str]:
    """The newest procrastinate job status of each of our checks."""
    rows = await app.connector.execute_query_all_async(
        "SELECT args->>'url' AS url, status FROM procrastinate_jobs "
        "WHERE task_name = %(t)s AND args->>'quarter' = %(q)s ORDER BY id",
        t=queue.TASK,
        q=quarter,
    )
    return {r["url"]: str(r["status"]) for r in rows if r["url"] in urls}


async def _results(app, quarter: str, urls: set[str]) -> dict[str, dict]:
    rows = await app.connector.execute_query_all_async(
        "SELECT url, result FROM egovrank_check_results WHERE quarter = %(q)s", q=quarter
    )
    out = {}
    for r in rows:
        if r["url"] in urls:
            res = r["result"]
            out[r["url"]] = json.loads(res) if isinstance(res, str) else res
    return out


def _import(db, quarter: str, url: str, result: dict) -> None:
    row = {k: result.get(k) for k in RESULT_COLUMNS if k in result}
    jobs.claim(db, quarter, url)  # counts the attempt, as on one machine
    jobs.finish(db, quarter, url, row)


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
    started = time.monotonic()
    async with app.open_async():
        await queue.ensure_schema(cluster.dsn)
        before = await run_checks(
            db, quarter, entities, sample=sample, timeout_s=timeout_s,
            evidence_root=cluster.evidence, audits=audits, log=log, steps=("catalogues",),
        )  # fmt: skip
        todo = jobs.pending(db, quarter, ids)
        urls = {j["url"] for j in todo}
        if recheck:  # --recheck: results of an earlier run must not be imported again
            await app.connector.execute_query_async(
                "DELETE FROM egovrank_check_results WHERE quarter = %(q)s AND url = ANY(%(u)s)",
                q=quarter,
                u=sorted(urls),
            )
        have = await _results(app, quarter, urls)  # a re-run imports what is already done
        for url, result in have.items():
            _import(db, quarter, url, result)
        to_queue = [
            {
                "quarter": quarter,
                "url": j["url"],
                "entity_id": j["entity_id"],
                "allow_private": bool(entities[j["entity_id"]]["allow_private"]),
                "evidence_root": cluster.evidence,
                "timeout_s": timeout_s,
            }
            for j in todo
            if j["url"] not in have
        ]
        queued = await queue.defer_checks(app, to_queue, per_host=cluster.per_host)
        log(
            f"check {quarter}: {len(to_queue)} checks on the queue ({queued} new), "
            f"{cluster.per_host} per host across all workers"
        )
        waiting = {j["url"] for j in to_queue}
        reclaimed, deadline = 0, time.monotonic() + wait_s
        last_reclaim = 0.0
        while waiting:
            if time.monotonic() > deadline:
                raise InputError(
                    f"check {quarter}: {len(waiting)} checks still queued after {wait_s:.0f} s; "
                    "are `egovrank worker` processes running? Re-run to resume"
                )
            if time.monotonic() - last_reclaim >= min(cluster.stalled_after_s / 2, 30):
                reclaimed += await queue.reclaim_stalled(app, cluster.stalled_after_s)
                last_reclaim = time.monotonic()
            states = await _states(app, quarter, waiting)
            finished = {
                u for u, s in states.items() if s in ("succeeded", "failed", "cancelled", "aborted")
            }
            landed = await _results(app, quarter, finished)
            for url in finished:
                if url in landed:
                    _import(db, quarter, url, landed[url])
                else:  # retries exhausted: recorded as a crashed check, as on one machine
                    jobs.claim(db, quarter, url)
                    with store.transaction(db):
                        db["service_checks"].update(
                            (quarter, url),
                            {"state": "failed", "status": "error", "observed": "unknown",
                             "error": "check crashed on every attempt", "finished_at": store.now()},
                        )  # fmt: skip
            waiting -= finished
            if waiting:
                await asyncio.sleep(cluster.poll_s)
        walked = time.monotonic()
        after = await run_checks(
            db, quarter, entities, sample=sample, timeout_s=timeout_s,
            evidence_root=cluster.evidence, audits=audits, log=log, steps=("audits",),
        )  # fmt: skip
    marks = ",".join("?" * len(urls)) or "''"
    timeouts, crashes = db.execute(
        f"select sum(status = 'timeout'), sum(state = 'failed') from service_checks "
        f"where quarter = ? and url in ({marks})",
        [quarter, *urls],
    ).fetchone()
    return {
        "checks": len(to_queue) + len(have),
        "queued": queued,
        "imported_done": len(have),
        "reclaimed_stalled": reclaimed,
        "timeouts": timeouts or 0,
        "crashes": crashes or 0,
        "catalogue_services": before["catalogue_services"],
        "audits": after["audits"],
        "blocked_requests": before["blocked_requests"] + after["blocked_requests"],
        "walk_s": round(walked - started, 2),
        "samples": after["samples"],
    }
