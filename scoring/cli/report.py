"""`egovrank report`: rankings.xlsx, CSV/JSON, report.html and audit pages for a quarter."""

from __future__ import annotations

from pathlib import Path

import click

from crawler import store
from crawler.paths import output_dir
from scoring.cli.common import db_option, progress, quarter_option


@click.command()
@quarter_option()
@db_option
@click.option(
    "--out", type=click.Path(file_okay=False), help="Output folder (default: output/<quarter>/)."
)
def report(quarter, db_path, out):
    """Write the quarter's report files."""
    from scoring.export.report import write_report

    db = store.connect(db_path, create=False)
    out = Path(out or output_dir() / str(quarter))
    run_id = store.start_run(db, quarter, "report", args={"out": str(out)})
    try:
        result = write_report(db, str(quarter), out)
    except BaseException as exc:
        store.finish_run(db, run_id, "failed", error=str(exc)[:500])
        raise
    store.finish_run(db, run_id, "done", result | {"files": len(result["files"])})
    progress(
        f"report {quarter}: {len(result['files'])} files for {result['entities']} entities in {out}/"
    )
    click.echo(str(out / "report.html"))
