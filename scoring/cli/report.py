"""`egovrank report`: rankings.xlsx, CSV/JSON, report.html(+pdf) and audit pages for a quarter."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.core import store
from crawler.core.paths import output_dir
from scoring.cli.common import db_option, progress, quarter_option

lang_option = click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default="vi",
    show_default=True,
    help="Language of the report, audit pages and workbook headings.",
)


@click.command()
@quarter_option()
@db_option
@click.option(
    "--out", type=click.Path(file_okay=False), help="Output folder (default: output/<quarter>/)."
)
@lang_option
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also print report.pdf.")
def report(quarter, db_path, out, lang, pdf):
    """Write the quarter's report files (Vietnamese unless --lang en)."""
    from scoring.export.report import write_report

    db = store.connect(db_path, create=False)
    out = Path(out or output_dir() / str(quarter))
    run_id = store.start_run(db, quarter, "report", args={"out": str(out), "lang": lang})
    try:
        result = write_report(db, str(quarter), out, lang=lang)
        if pdf:
            from scoring.export.pdf import print_pdf

            print_pdf(out / "report.html", out / "report.pdf")
            result["files"].append("report.pdf")
    except BaseException as exc:
        store.finish_run(db, run_id, "failed", error=str(exc)[:500])
        raise
    store.finish_run(db, run_id, "done", result | {"files": len(result["files"])})
    progress(
        f"report {quarter}: {len(result['files'])} files for {result['entities']} entities in {out}/"
    )
    click.echo(str(out / "report.html"))
