"""Options every stage command shares, and one way to print tables, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable

import click

from crawler.core.paths import output_dir
from crawler.core.quarters import Quarter
from crawler.core.store import DEFAULT_DB


def _parse_quarter(ctx, param, value):
    return None if value is None else Quarter.parse(value)


def quarter_option(required: bool = True):
    return click.option(
        "--quarter",
        callback=_parse_quarter,
        required=required,
        metavar="YYYYQn",
        help="The quarter assessed, e.g. 2026Q4.",
    )


db_option = click.option(
    "--db",
    "db_path",
    default=lambda: str(output_dir() / DEFAULT_DB.name),
    show_default="output/egovrank.db, under the workspace if any",
    type=click.Path(dir_okay=False),
    help="SQLite database file.",
)
entities_option = click.option(
    "--entities",
    "entities_path",
    default=None,
    type=click.Path(),
    help="Entity registry file or folder (default: see `egovrank config show`).",
)
only_option = click.option(
    "--only",
    default=None,
    metavar="ID,ID",
    help="Only these entity ids.",
    callback=lambda ctx, p, v: [i for i in v.split(",") if i.strip()] if v else None,
)


def format_option(*choices: str, default: str = "table"):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


def emit(rows: Iterable[dict], fmt: str, columns: list[str] | None = None) -> None:
    """Print rows as an aligned table, a JSON list or CSV, on stdout."""
    rows = list(rows)
    columns = columns or (list(rows[0].keys()) if rows else [])
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        cells = [[_cell(r.get(c)) for c in columns] for r in rows]
        widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
        click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
        for row in cells:
            click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        if not rows:
            click.echo("(no rows)", err=True)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def progress(message: str) -> None:
    """Progress goes to stderr so stdout stays machine-readable."""
    click.echo(message, err=True)
    sys.stderr.flush()


class LiveProgress:
    """A stage's progress: the plain lines on stderr (logs, cron), or a live tqdm bar when stderr
    is a terminal. Callable like `progress`; stages that know their counts call `.count`."""

    def __init__(self, unit: str, stream=None):
        self.unit = unit
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.bar = None

    def __call__(self, message: str) -> None:
        if self.bar is None:
            click.echo(message, err=True)
            self.stream.flush()
        elif message.startswith("  "):  # a periodic progress line: the bar shows it instead
            self.bar.set_postfix_str(message.strip(), refresh=True)
        else:
            self.bar.write(message, file=self.stream)

    def count(self, done: int, total: int) -> None:
        if not self.live:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=self.unit, file=self.stream, dynamic_ncols=True)
        self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def require_browser() -> None:
    """Stop a command that needs Chromium before it stores anything: one line, exit 2."""
    from crawler.browser import chromium
    from crawler.core.errors import InputError

    try:
        chromium.require()
    except chromium.NoBrowser as exc:
        raise InputError(str(exc)) from None


def sync_entities(db, quarter, entities_path) -> None:
    """Record the quarter's entities from a registry, for stages that may run before the crawl."""
    from crawler.core import store
    from crawler.core.registry import load_registry

    registry = load_registry(entities_path)
    store.sync_quarter_entities(db, quarter, registry.select(quarter), registry.content_hash)
