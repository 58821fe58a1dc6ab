"""`egovrank check`: the Playwright stage (after the crawl)."""

from __future__ import annotations

import click

from crawler.core.errors import InputError
from crawler.core.paths import output_dir
from scoring.cli.common import (
    LiveProgress,
    db_option,
    emit,
    entities_option,
    only_option,
    progress,
    quarter_option,
    require_browser,
)


def _sample(ctx, param, value):
    if value in (None, "all"):
        return None
    if not value.isdigit() or int(value) < 1:
        raise InputError(f"--sample {value!r}: give a positive number per entity, or 'all'")
    return int(value)


@click.command()
@quarter_option()
@entities_option
@only_option
@db_option
@click.option(
    "--sample",
    default="all",
    callback=_sample,
    metavar="N|all",
    show_default=True,
    help="Services checked per entity, stratified by declared level.",
)
@click.option("--concurrency", default=4, show_default=True, help="Pages in flight.")
@click.option(
    "--timeout", "timeout_s", default=45.0, show_default=True, help="Hard limit per check, seconds."
)
@click.option(
    "--evidence",
    "evidence_root",
    default=lambda: str(output_dir() / "evidence"),
    show_default="output/evidence",
    type=click.Path(file_okay=False),
    help="Screenshot folder.",
)
@click.option("--no-audits", is_flag=True, help="Skip the axe/overflow page audits.")
@click.option("--recheck", is_flag=True, help="Check again services already checked this quarter.")
@click.option(
    "--cluster",
    "cluster_path",
    type=click.Path(),
    help="cluster.yaml: queue each service walk for `egovrank worker` nodes (docs/operations.md).",
)
def check(
    quarter,
    entities_path,
    only,
    db_path,
    sample,
    concurrency,
    timeout_s,
    evidence_root,
    no_audits,
    recheck,
    cluster_path,
):
    """Verify online services in Chromium, audit pages, render JS catalogues (resumable)."""
    from crawler.browser.stage import check as check_stage

    cluster = None
    if cluster_path:
        from crawler.cluster.config import load_cluster

        cluster = load_cluster(cluster_path)
    require_browser()
    live = LiveProgress("checks")
    try:
        result = check_stage(
            db_path,
            quarter,
            entities_path=entities_path,
            only=only,
            sample=sample,
            concurrency=concurrency,
            timeout_s=timeout_s,
            evidence_root=evidence_root,
            audits=not no_audits,
            recheck=recheck,
            cluster=cluster,
            log=live,
        )
    finally:
        live.close()
    stats = result.summary
    emit(
        stats["samples"],
        "table",
        ["entity_id", "population", "checked", "verified", "verified_share", "ci_low", "ci_high"],
    )
    progress(
        f"check {quarter}: {stats['checks']} checks, {stats['timeouts']} timeouts, "
        f"{stats['crashes']} crashes, {stats['audits']} page audits, "
        f"{stats['catalogue_services']} services from JS catalogues, "
        f"{stats['blocked_requests']} requests blocked by the safety guard"
    )
