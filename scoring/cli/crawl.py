"""`egovrank crawl`: the Scrapy stage."""

from __future__ import annotations

from datetime import date

import click

from crawler.core.errors import InputError
from scoring.cli.common import (
    LiveProgress,
    db_option,
    emit,
    entities_option,
    only_option,
    progress,
    quarter_option,
)


def _as_of(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--as-of {value!r} is not a date: write YYYY-MM-DD") from None


@click.command()
@quarter_option()
@entities_option
@only_option
@db_option
@click.option(
    "--as-of", callback=_as_of, metavar="DATE", help="Freshness reference date (default: today)."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(),
    help="Crawl config (default: see `egovrank config show`).",
)
@click.option(
    "--no-politeness",
    is_flag=True,
    help="No delays or AutoThrottle (local demo only; robots.txt still obeyed).",
)
@click.option("--max-pages", type=int, help="Page budget per entity portal (overrides config).")
@click.option(
    "--ca-file", type=click.Path(exists=True), help="Extra CA bundle for the certificate probe."
)
@click.option(
    "--national-api",
    metavar="URL",
    help="National public service portal to read declared levels from (default: crawl.yaml).",
)
@click.option(
    "--cluster",
    "cluster_path",
    type=click.Path(),
    help=(
        "cluster.yaml: crawl in shards on its Scrapyd nodes, merge, then read the national "
        "rows here (docs/operations.md)."
    ),
)
def crawl(
    quarter,
    entities_path,
    only,
    db_path,
    as_of,
    config_path,
    no_politeness,
    max_pages,
    ca_file,
    national_api,
    cluster_path,
):
    """Crawl every entity's portal and service portal for a quarter (resumable)."""
    from crawler.crawl import crawl as crawl_stage

    cluster = None
    if cluster_path:
        from crawler.cluster.config import load_cluster

        cluster = load_cluster(cluster_path)
    live = LiveProgress("entities")
    try:
        result = crawl_stage(
            db_path,
            quarter,
            entities_path=entities_path,
            only=only,
            as_of=as_of,
            config_path=config_path,
            polite=not no_politeness,
            max_pages=max_pages,
            ca_file=ca_file,
            national_api=national_api,
            cluster=cluster,
            log=live,
        )
    finally:
        live.close()
    emit(result.summary["entities"], "table")
    progress(f"crawl {quarter}: {result.status} ({result.summary['finish_reason']})")
    if result.exit_code:
        raise SystemExit(result.exit_code)
