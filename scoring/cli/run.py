"""`egovrank run`: crawl, check, score and report a quarter, resumable, one log per run."""

from __future__ import annotations

import json

import click

from crawler.core.paths import output_dir
from scoring.cli.common import (
    db_option,
    entities_option,
    only_option,
    progress,
    quarter_option,
    require_browser,
)


@click.command()
@quarter_option()
@entities_option
@only_option
@db_option
@click.option("--force", is_flag=True, help="Run stages already done for this quarter again.")
@click.option("--sample", default=None, metavar="N|all", help="Passed to check.")
@click.option("--as-of", default=None, metavar="DATE", help="Passed to crawl.")
@click.option("--no-politeness", is_flag=True, help="Passed to crawl (local demo only).")
@click.option(
    "--log-dir",
    default=lambda: str(output_dir() / "logs"),
    show_default="output/logs",
    type=click.Path(file_okay=False),
)
def run(quarter, entities_path, only, db_path, force, sample, as_of, no_politeness, log_dir):
    """All stages in order; stages done for the quarter are skipped unless --force."""
    from scoring.pipeline import run_quarter

    require_browser()  # the check stage needs it: stop before the crawl stores anything
    stage_args = {"crawl": [], "check": []}
    if as_of:
        stage_args["crawl"] += ["--as-of", as_of]
    if no_politeness:
        stage_args["crawl"].append("--no-politeness")
    if sample:
        stage_args["check"] += ["--sample", sample]
    summary = run_quarter(
        quarter,
        db_path=db_path,
        entities_path=entities_path,
        only=only,
        force=force,
        stage_args=stage_args,
        log_dir=log_dir,
        echo=progress,
    )
    click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    if not summary["ok"]:
        failed = next(s for s in summary["stages"] if s["status"] == "failed")
        progress(
            f"run {quarter}: FAILED at {failed['stage']} (exit {failed['exit']}); see {summary['log']}"
        )
        raise SystemExit(1)
