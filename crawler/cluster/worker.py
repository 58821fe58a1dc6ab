"""A browser node: a procrastinate worker on the check queue, one Chromium per process."""

from __future__ import annotations

from crawler.cluster import queue
from crawler.cluster.config import Cluster


async def run_worker(
    cluster: Cluster, *, concurrency: int = 2, name: str | None = None, wait: bool = True
) -> None:
    app = queue.make_app(
        cluster.dsn, max_attempts=cluster.max_attempts, stalled_after_s=cluster.stalled_after_s
    )
    async with app.open_async():
        await queue.ensure_schema(cluster.dsn)
        try:
            await app.run_worker_async(
                queues=[queue.QUEUE],
                concurrency=concurrency,
                name=name,
                wait=wait,
                # heartbeats well inside the stalled window, so a live worker is never reclaimed
                update_heartbeat_interval=max(1.0, cluster.stalled_after_s / 4),
                stalled_worker_timeout=cluster.stalled_after_s,
                fetch_job_polling_interval=min(2.0, cluster.poll_s * 2),
            )
        finally:
            await queue.close_worker_browser()
