"""`egovrank report`: rankings.xlsx, CSV/JSON, report.html(+pdf) and audit pages for a quarter."""

from __future__ import annotations

from pathlib import Path

import click

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
    from scoring.stage import report as report_stage

    out = Path(out or output_dir() / str(quarter))
    result = report_stage(db_path, quarter, out, lang=lang, pdf=pdf)
    progress(
        f"report {quarter}: {len(result.summary['files'])} files for "
        f"{result.summary['entities']} entities in {out}/"
    )
    click.echo(str(out / "report.html"))
