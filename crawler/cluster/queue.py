"""Browser checks on a PostgreSQL-backed queue (procrastinate): one job per service check.

- Per-host concurrency across every node: a host's checks get `lock=host#slot` with
  `per_host` slots, and procrastinate runs jobs sharing a lock one after another, whichever
  worker takes them. `queueing_lock=quarter:url` stops a second copy being queued.
- A crashed check (the browser died, the worker raised) is retried by procrastinate; a site
  that fails is a result (status error/timeout), stored like any other.
- A killed worker leaves its job `doing`, holding its lock: stalled jobs (no worker heartbeat for
  `stalled_after_s`) are retried by a periodic task every minute and by the waiting coordinator.
- Results go to `egovrank_check_results`, keyed by (quarter, url): a job that runs twice only
  overwrites. The coordinator imports them into the quarter database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
from urllib.parse import urlsplit

import procrastinate
from procrastinate import exceptions as pexc
from procrastinate.schema import SchemaManager

QUEUE = "checks"
TASK = "egovrank.check_service"

RESULTS_DDL = """
CREATE TABLE IF NOT EXISTS egovrank_check_results (
    quarter TEXT NOT NULL,
    url TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    result TEXT NOT NULL,  -- JSON as written (JSONB would reorder keys of `steps`)
    worker TEXT NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (quarter, url)
);
CREATE TABLE IF NOT EXISTS egovrank_check_running (
    quarter TEXT NOT NULL,
    url TEXT NOT NULL,
    worker TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (quarter, url, pid)
);
"""


class CheckCrashed(RuntimeError):
    """The check itself crashed (not the site): procrastinate retries it."""


def make_app(
    dsn: str, *, max_attempts: int = 3, stalled_after_s: float = 60.0
) -> procrastinate.App:
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=dsn))
    _worker_state["stalled_after_s"] = stalled_after_s

    @app.task(
        name=TASK,
        queue=QUEUE,
        pass_context=True,
        retry=procrastinate.RetryStrategy(max_attempts=max_attempts - 1, wait=1),
    )
    async def check_service(context, **job) -> None:
        await _check_one(context, job)

    @app.periodic(cron="* * * * *", periodic_id="reclaim")
    @app.task(name="egovrank.reclaim_stalled", queue=QUEUE, queueing_lock="reclaim_stalled")
    async def reclaim(timestamp: int) -> None:
        await reclaim_stalled(app, stalled_after_s)

    return app


async def ensure_schema(dsn: str) -> None:
    """procrastinate's schema once, then our tables, on one connection under an advisory lock
    (a pooled connection could take the lock and another release it: nodes would hang)."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(4217017)")
        try:
            cur = await conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
            if not (await cur.fetchone())[0]:
                await conn.execute(SchemaManager.get_schema())
            await conn.execute(RESULTS_DDL)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(4217017)")


async def reclaim_stalled(app: procrastinate.App, stalled_after_s: float) -> int:
    """Retry the jobs whose worker stopped sending heartbeats (killed, or its machine died)."""
    stalled = await app.job_manager.get_stalled_jobs(
        queue=QUEUE, task_name=TASK, seconds_since_heartbeat=stalled_after_s
    )
    n = 0
    for job in stalled:
        await app.job_manager.retry_job(job)
        n += 1
    return n


def host_locks(jobs: list[dict], per_host: int) -> list[str]:
    """lock names `host#slot`, the slots of each host dealt round-robin in job order."""
    seen: dict[str, int] = {}
    out = []
    for j in jobs:
        host = urlsplit(j["url"]).netloc.lower()
        slot = seen.get(host, 0)
        seen[host] = slot + 1
        out.append(f"{host}#{slot % per_host}")
    return out


async def defer_checks(app, jobs: list[dict], *, per_host: int) -> int:
    """Queue one job per check; returns how many were newly queued (others already were)."""
    task = app.tasks[TASK]
    queued = 0
    for job, lock in zip(jobs, host_locks(jobs, per_host), strict=True):
        try:
            await task.configure(
                lock=lock, queueing_lock=f"{job['quarter']}:{job['url']}"
            ).defer_async(**job)
            queued += 1
        except pexc.AlreadyEnqueued:
            continue
    return queued


# -- the worker side --------------------------------------------------------------------------
_worker_state: dict = {}


async def _pool():
    """One Chromium per worker process, started on first use (BrowserPool relaunches it)."""
    if "pool" not in _worker_state:
        from playwright.async_api import async_playwright

        from crawler.browser.pool import BrowserPool

        pw = await async_playwright().start()
        _worker_state["playwright"] = pw
        _worker_state["pool"] = BrowserPool(pw, keep_idle=4)
        _worker_state["mutex"] = asyncio.Lock()
    return _worker_state["pool"]


async def close_worker_browser() -> None:
    pool = _worker_state.pop("pool", None)
    if pool is not None:
        with contextlib.suppress(Exception):
            await pool.close()
    pw = _worker_state.pop("playwright", None)
    if pw is not None:
        with contextlib.suppress(Exception):
            await pw.stop()


async def _check_one(context, job: dict) -> None:
    from playwright.async_api import Error as PlaywrightError

    from crawler.browser.stage import timed_out
    from crawler.browser.walk import walk_service

    conn = context.app.connector
    worker = f"{socket.gethostname()}:{os.getpid()}"
    await conn.execute_query_async(
        "INSERT INTO egovrank_check_running (quarter, url, worker, pid) "
        "VALUES (%(q)s, %(u)s, %(w)s, %(p)s) ON CONFLICT DO NOTHING",
        q=job["quarter"],
        u=job["url"],
        w=worker,
        p=os.getpid(),
    )
    pool = await _pool()
    timeout_s = float(job["timeout_s"])
    timeout_ms = int(timeout_s * 1000 * 0.6)
    host = urlsplit(job["url"]).netloc
    ctx, key = await pool.context(host, bool(job["allow_private"]))
    page = await pool.page(ctx, key)
    service = {"url": job["url"], "entity_id": job["entity_id"]}
    try:
        result = await asyncio.wait_for(
            walk_service(
                ctx,
                service,
                quarter=job["quarter"],
                evidence_root=job["evidence_root"],
                timeout_ms=timeout_ms,
                page=page,
            ),
            timeout_s,
        )
        if not ctx.browser.is_connected():
            raise CheckCrashed("browser closed during the check")
        await pool.release(key, page)
    except TimeoutError:
        if not ctx.browser.is_connected():
            raise CheckCrashed("browser closed during the check") from None
        await pool.drop(key)
        result = timed_out(job["url"])
    except PlaywrightError as exc:
        with contextlib.suppress(PlaywrightError):
            await page.close()
        raise CheckCrashed(str(exc).splitlines()[0]) from None
    result = {k: v for k, v in result.items() if k != "elapsed_s"}
    await conn.execute_query_async(
        "INSERT INTO egovrank_check_results (quarter, url, entity_id, result, worker) "
        "VALUES (%(q)s, %(u)s, %(e)s, %(r)s, %(w)s) ON CONFLICT (quarter, url) DO UPDATE "
        "SET result = EXCLUDED.result, worker = EXCLUDED.worker, finished_at = now()",
        q=job["quarter"],
        u=job["url"],
        e=job["entity_id"],
        r=json.dumps(result, ensure_ascii=False, default=str),
        w=worker,
    )
