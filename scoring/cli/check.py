"""`egovrank check`: the Playwright stage (after the crawl)."""

from __future__ import annotations

import asyncio
import json

import click

from crawler.core import store
from crawler.core.errors import InputError
from crawler.core.paths import output_dir
from crawler.core.registry import load_registry
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
    from crawler.browser import jobs
    from crawler.browser.pool import run_checks

    cluster = None
    if cluster_path:
        from crawler.cluster.config import load_cluster

        cluster = load_cluster(cluster_path)
    require_browser()
    db = store.connect(db_path)
    q = str(quarter)
    # first: a closed quarter refuses before anything is written
    run_id = store.start_run(db, quarter, "check", args={"sample": sample, "only": only})
    try:
        if entities_path:
            registry = load_registry(entities_path)
            chosen = registry.select(quarter, only)
            store.sync_quarter_entities(db, quarter, chosen, registry.content_hash)
            ids = [e.id for e in chosen]
        else:
            ids = [
                r["entity_id"]
                for r in db.query("select entity_id from quarter_entities where quarter = ?", [q])
            ]
            if only:
                unknown = sorted(set(only) - set(ids))
                if unknown:
                    raise InputError(
                        f"--only names {', '.join(unknown)}, not crawled in {q}; run `egovrank crawl` first"
                    )
                ids = [i for i in ids if i in only]
        if not ids:
            raise InputError(
                f"no entities for {q} in {db_path}: run `egovrank crawl --quarter {q}` first"
            )
        marks = ",".join("?" * len(ids))
        entities = {
            r["entity_id"]: {**r, "allow_private": bool(r["allow_private"])}
            for r in db.query(
                f"select * from quarter_entities where quarter = ? and entity_id in ({marks})",
                [q, *ids],
            )
        }
        if recheck:
            jobs.plan(db, q, ids, sample, recheck=True)
        db["runs"].update(run_id, {"args": json.dumps({"sample": sample, "entities": ids})})
    except BaseException as exc:
        store.finish_run(db, run_id, "failed", error=str(exc)[:500])
        raise
    live = LiveProgress("checks")
    try:
        if cluster is not None:
            from crawler.cluster.checks import run_cluster_checks

            stats = asyncio.run(
                run_cluster_checks(
                    cluster,
                    db,
                    q,
                    entities,
                    sample=sample,
                    timeout_s=timeout_s,
                    audits=not no_audits,
                    recheck=recheck,
                    log=live,
                )
            )
        else:
            stats = asyncio.run(
                run_checks(
                    db,
                    q,
                    entities,
                    sample=sample,
                    concurrency=concurrency,
                    timeout_s=timeout_s,
                    evidence_root=evidence_root,
                    audits=not no_audits,
                    log=live,
                )
            )
    except BaseException as exc:
        store.finish_run(db, run_id, "failed", error=str(exc)[:500])
        raise
    finally:
        live.close()
    store.finish_run(db, run_id, "done", {k: v for k, v in stats.items() if k != "samples"})
    emit(
        stats["samples"],
        "table",
        ["entity_id", "population", "checked", "verified", "verified_share", "ci_low", "ci_high"],
    )
    progress(
        f"check {q}: {stats['checks']} checks, {stats['timeouts']} timeouts, {stats['crashes']} crashes, "
        f"{stats['audits']} page audits, {stats['catalogue_services']} services from JS catalogues, "
        f"{stats['blocked_requests']} requests blocked by the safety guard"
    )
