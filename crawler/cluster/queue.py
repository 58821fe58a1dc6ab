"""The browser stage on a PostgreSQL-backed queue (procrastinate): one job per browser job.

Three kinds of job, one task each: a service walk (`egovrank.check_service`), a JS catalogue
rendered (`egovrank.render_catalogue`) and a page audit (`egovrank.audit_page`).
- Per-host concurrency across every node: a host's jobs get `lock=host#slot` with `per_host`
  slots, and procrastinate runs jobs sharing a lock one after another, whichever worker takes
  them. `queueing_lock=quarter:kind:url` stops a second copy being queued.
- A crashed job (the browser died, the worker raised) is retried by procrastinate; a site that
  fails is a result (status error/timeout, a catalogue that did not render), stored like any other.
- A killed worker leaves its job `doing`, holding its lock: stalled jobs (no worker heartbeat for
  `stalled_after_s`) are retried by a periodic task every minute and by the waiting coordinator.
- Results go to `egovrank_results`, keyed by (quarter, kind, url): a job that runs twice only
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
TASKS = {
    "walk": "egovrank.check_service",
    "catalogue": "egovrank.render_catalogue",
    "audit": "egovrank.audit_page",
}

RESULTS_DDL = """
CREATE TABLE IF NOT EXISTS egovrank_results (
    quarter TEXT NOT NULL,
    kind TEXT NOT NULL,  -- walk, catalogue or audit
    url TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    result TEXT NOT NULL,  -- JSON as written (JSONB would reorder keys of `steps`)
    worker TEXT NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (quarter, kind, url)
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

    retry = procrastinate.RetryStrategy(max_attempts=max_attempts - 1, wait=1)
    for kind, name in TASKS.items():
        app.task(name=name, queue=QUEUE, pass_context=True, retry=retry)(_runner(kind))

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
    n = 0
    for name in TASKS.values():
        stalled = await app.job_manager.get_stalled_jobs(
            queue=QUEUE, task_name=name, seconds_since_heartbeat=stalled_after_s
        )
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


async def defer(app, kind: str, jobs: list[dict], *, per_host: int) -> int:
    """Queue one job of this kind per item; returns how many were newly queued (others already
    were)."""
    task = app.tasks[TASKS[kind]]
    queued = 0
    for job, lock in zip(jobs, host_locks(jobs, per_host), strict=True):
        try:
            await task.configure(
                lock=lock, queueing_lock=f"{job['quarter']}:{kind}:{job['url']}"
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


def _runner(kind: str):
    async def run(context, **job) -> None:
        await _run_job(context, kind, job)

    return run


async def _run_job(context, kind: str, job: dict) -> None:
    """Run one browser job in this worker's Chromium and store its result; raise CheckCrashed
    when the browser, not the site, failed (procrastinate then retries the job)."""
    from playwright.async_api import Error as PlaywrightError

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
    host = urlsplit(job["url"]).netloc
    ctx, key = await pool.context(
        host, bool(job["allow_private"]), width=375 if kind == "audit" else 1280
    )
    try:
        result = await JOBS[kind](pool, ctx, key, job)
    except PlaywrightError as exc:
        raise CheckCrashed(str(exc).splitlines()[0]) from None
    if not ctx.browser.is_connected():
        raise CheckCrashed("browser closed during the job")
    await conn.execute_query_async(
        "INSERT INTO egovrank_results (quarter, kind, url, entity_id, result, worker) "
        "VALUES (%(q)s, %(k)s, %(u)s, %(e)s, %(r)s, %(w)s) "
        "ON CONFLICT (quarter, kind, url) DO UPDATE "
        "SET result = EXCLUDED.result, worker = EXCLUDED.worker, finished_at = now()",
        q=job["quarter"],
        k=kind,
        u=job["url"],
        e=job["entity_id"],
        r=json.dumps(result, ensure_ascii=False, default=str),
        w=worker,
    )


async def _walk(pool, ctx, key, job: dict) -> dict:
    from crawler.browser.stage import walk_pooled

    service = {k: job.get(k) for k in ("url", "entity_id", "citizen_url")}
    return await walk_pooled(pool, ctx, key, service, quarter=job["quarter"],
                             evidence_root=job["evidence_root"], timeout_s=job["timeout_s"])  # fmt: skip


async def _catalogue(pool, ctx, key, job: dict) -> dict:
    from crawler.browser.audit import render_catalogue
    from crawler.browser.stage import step_ms

    timeout_ms = step_ms(job["timeout_s"])
    return {"services": await render_catalogue(ctx, job["url"], timeout_ms=timeout_ms)}


async def _audit(pool, ctx, key, job: dict) -> dict:
    from crawler.browser.stage import audit_within

    return await audit_within(ctx, job["url"], timeout_s=job["timeout_s"])


JOBS = {"walk": _walk, "catalogue": _catalogue, "audit": _audit}
