"""`egovrank campaign`: a quarter's states (open, retest, frozen, published) and its editions."""

from __future__ import annotations

import shlex
import subprocess
import sys
from datetime import date
from pathlib import Path

import click

from crawler.core import store
from crawler.core.errors import InputError
from scoring.cli.common import (
    db_option,
    emit,
    entities_option,
    format_option,
    progress,
    quarter_option,
)
from scoring.cli.report import lang_option
from scoring.cli.score import model_option


@click.group()
def campaign():
    """Re-test what could not be tested, freeze, publish; a published quarter never changes."""


@campaign.command("status")
@quarter_option()
@db_option
@format_option("table", "json")
def status_command(quarter, db_path, fmt):
    """Show the quarter's state, its editions and what could not be tested."""
    from scoring.campaign import status

    db = store.connect(db_path, create=False)
    s = status(db, str(quarter))
    if fmt == "json":
        emit([s], "json")
        return
    u = s["untested"]
    click.echo(
        f"{quarter}: {s['state']}"
        + (f", re-test until {s['retest_until']}" if s.get("retest_until") else "")
    )
    click.echo(
        f"could not test: findings {_counts(u['findings'])}, checks {_counts(u['checks'])}, "
        f"entities {len(u['entities'])}"
    )
    for e in s["editions"]:
        click.echo(
            f"edition {e['number']} ({e['kind']}) {e['created_at']} by {e['created_by']}: {e['out']}"
        )


def _counts(by_reason: dict) -> str:
    total = sum(by_reason.values())
    detail = ", ".join(f"{k} {v}" for k, v in sorted(by_reason.items()))
    return f"{total} ({detail})" if detail else "0"


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--until {value!r} is not a date: write YYYY-MM-DD") from None


@campaign.command("retest")
@quarter_option()
@db_option
@entities_option
@click.option(
    "--until", callback=_date, metavar="DATE", help="End of the window (default: in 14 days)."
)
@click.option("--crawl-args", default="", help='Extra crawl options, e.g. "--no-politeness".')
@click.option("--check-args", default="", help='Extra check options, e.g. "--evidence DIR".')
@model_option
def retest_command(quarter, db_path, entities_path, until, crawl_args, check_args, model_path):
    """Re-crawl and re-check only what could not be tested, then re-score."""
    from scoring.campaign import open_retest, requeue_untested, untested
    from scoring.stage import score

    q = str(quarter)
    db = store.connect(db_path, create=False)
    window = open_retest(db, q, until)
    before = untested(db, q)
    ids = before["entities"]
    progress(f"retest {q}: window until {window['retest_until']}; {len(ids)} entities to re-test")
    if ids:
        from crawler.core.stage import held_lock_env, stage_lock

        # the stages run under this command's quarter lock (crawler/core/stage.py)
        with stage_lock(db, q, "campaign retest", on_takeover=progress) as held:
            queued = requeue_untested(db, q, ids)
            progress(
                f"retest {q}: {queued['pages']} pages and {queued['checks']} checks queued again"
            )
            base = ["--quarter", q, "--db", db_path, "--only", ",".join(ids)]
            if entities_path:
                base += ["--entities", entities_path]
            env = held_lock_env(db, q, held["token"])
            for stage, extra in (("crawl", crawl_args), ("check", check_args)):
                cmd = [sys.executable, "-m", "scoring", stage, *base, *shlex.split(extra)]
                code = subprocess.run(cmd, stdout=subprocess.DEVNULL, env=env).returncode
                if code != 0:
                    raise click.ClickException(f"retest {q}: {stage} exited with {code}")
            score(db_path, quarter, model_path=model_path)
    after = untested(db, q)
    emit(
        [
            {"": "before", "findings": sum(before["findings"].values()), "checks": sum(before["checks"].values()), "entities": len(before["entities"])},
            {"": "after", "findings": sum(after["findings"].values()), "checks": sum(after["checks"].values()), "entities": len(after["entities"])},
        ],
        "table",
    )  # fmt: skip


@campaign.command("freeze")
@quarter_option()
@db_option
def freeze_command(quarter, db_path):
    """End observation: crawl and check refuse; corrections and score still run."""
    from scoring.campaign import freeze

    row = freeze(store.connect(db_path, create=False), str(quarter))
    progress(f"{quarter}: frozen at {row['frozen_at']}")


@campaign.command("publish")
@quarter_option()
@db_option
@click.option("--by", "author", required=True, help="Who publishes.")
@click.option("--out", type=click.Path(file_okay=False), help="Default: output/<quarter>/.")
@lang_option
@click.option("--pdf/--no-pdf", default=True, show_default=True)
def publish_command(quarter, db_path, author, out, lang, pdf):
    """Publish edition 1 (OUT/edition-1/); from then on the quarter is immutable."""
    from scoring.campaign import publish
    from scoring.export.pdf import print_pdf

    db = store.connect(db_path, create=False)
    out = Path(out or Path("output") / str(quarter))
    e = publish(db, str(quarter), author, out, lang=lang, pdf=print_pdf if pdf else None)
    progress(f"{quarter}: published, edition {e['number']} in {e['out']}/")
    click.echo(e["out"])
