"""`egovrank worker`: a browser node taking browser jobs (catalogues, walks, audits) from the queue."""

from __future__ import annotations

import click

from scoring.cli.common import progress


@click.command()
@click.option(
    "--cluster",
    "cluster_path",
    required=True,
    type=click.Path(),
    help="cluster.yaml naming the PostgreSQL of the check queue.",
)
@click.option("--concurrency", default=2, show_default=True, help="Browser jobs in flight here.")
@click.option("--name", default=None, help="Worker name in procrastinate's logs.")
@click.option(
    "--once", is_flag=True, help="Stop when the queue is empty (default: run until stopped)."
)
def worker(cluster_path, concurrency, name, once):
    """Run browser jobs (JS catalogues, service walks, page audits) from the cluster queue until
    stopped (SIGTERM finishes the job in hand)."""
    import asyncio

    from crawler.cluster.config import load_cluster
    from crawler.cluster.worker import run_worker
    from scoring.cli.common import require_browser

    cluster = load_cluster(cluster_path)
    require_browser()
    progress(f"worker: browser jobs from {cluster.path}, {concurrency} in flight")
    asyncio.run(run_worker(cluster, concurrency=concurrency, name=name, wait=not once))
