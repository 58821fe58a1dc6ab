"""Scoring and reporting: `egovrank score` and `egovrank report` for 100 entities over 12
quarters (three years of history, which movements and the `carry` policy read).

Observations are real: the demo is crawled and a sample of services checked once, for 2026Q4,
then that quarter's rows are copied to the 11 quarters before it. Each quarter is then scored and
reported in order, as the CLI does it (a process per command, start-up included).
"""

from __future__ import annotations

import sqlite3

import pytest

from crawler.core.quarters import Quarter
from tests.benchmarks.harness import (
    QUICK,
    ROOT,
    crawl_config,
    crawl_demo,
    fmt,
    record,
    run_cli,
    served_demo,
    summary,
)

pytestmark = [pytest.mark.bench, pytest.mark.timeout(1800)]

ENTITIES, QUARTERS, SAMPLE = (10, 12, 2) if QUICK else (100, 12, 3)
SOURCE = Quarter.parse("2026Q4")
# Every table whose rows belong to one quarter: what score and report read.
PER_QUARTER = (
    "quarter_entities",
    "pages",
    "findings",
    "services",
    "service_checks",
    "check_samples",
    "page_audits",
    "reported",
)


def test_score_and_report_twelve_quarters(tmp_path):
    db = tmp_path / "egovrank.db"
    quarters = [SOURCE]
    while len(quarters) < QUARTERS:
        quarters.insert(0, quarters[0].previous())
    with served_demo(tmp_path / "demo", entities=ENTITIES, pages=30, services=8) as demo:
        cfg = crawl_config(tmp_path / "crawl.yaml", limits={"download_timeout_s": 3, "retries": 1})
        common = ("--quarter", str(SOURCE), "--db", str(db))
        reported = str(demo.root / "reported.csv")
        run_cli("import", "reported", reported, *common, "--entities", demo.registry)
        crawl = crawl_demo(
            demo, db, "--no-politeness", "--config", cfg, "--max-pages", "30", quarter=str(SOURCE)
        )
        check = run_cli(
            "check",
            *(*common, "--sample", str(SAMPLE), "--no-audits"),
            *("--evidence", str(tmp_path / "evidence")),
        )
    copy_quarter(db, SOURCE, quarters[:-1])

    model = str(ROOT / "config" / "criteria.yaml")
    score_s, report_s = [], []
    for q in quarters:
        score_s.append(run_cli("score", "--quarter", str(q), "--db", str(db), "--model", model))
        report_s.append(
            run_cli("report", "--quarter", str(q), "--db", str(db), "--out", str(tmp_path / str(q)))
        )
    with sqlite3.connect(db) as conn:
        ranked = conn.execute("select count(*) from rankings").fetchone()[0]
        rows = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in PER_QUARTER}

    data = {
        "what": "egovrank score + egovrank report per quarter (CLI, process start included)",
        "sizes": {
            "entities": ENTITIES,
            "quarters": QUARTERS,
            "services_checked_per_entity": SAMPLE,
            "rows": rows,
        },
        "score_s": summary([r.wall_s for r in score_s]),
        "report_s": summary([r.wall_s for r in report_s]),
        "total_s": round(sum(r.wall_s for r in score_s + report_s), 1),
        "peak_mib": max(r.memory.get("peak_mib", 0) for r in score_s + report_s),
        "database_mib": round(db.stat().st_size / 2**20, 1),
        "setup_s": {"crawl": round(crawl.wall_s, 1), "check": round(check.wall_s, 1)},
    }
    print("\nscoring:", data)
    headline = {
        "score, s per quarter": fmt(data["score_s"], 2),
        "report, s per quarter": fmt(data["report_s"], 2),
        f"{ENTITIES} entities x {QUARTERS} quarters, s": data["total_s"],
    }
    record("scoring", data, headline=headline)
    assert ranked == ENTITIES * QUARTERS


def copy_quarter(db, source: Quarter, targets: list[Quarter]) -> None:
    """Copy source's per-quarter rows to each target quarter (same observations, new quarter)."""
    with sqlite3.connect(db) as conn:
        for table in PER_QUARTER:
            cols = [r[1] for r in conn.execute(f"pragma table_info('{table}')")]
            names = ", ".join(f'"{c}"' for c in cols)
            picks = ", ".join("?" if c == "quarter" else f'"{c}"' for c in cols)
            for q in targets:
                conn.execute(
                    f"insert into {table} ({names}) select {picks} from {table} where quarter = ?",
                    [str(q), str(source)],
                )
