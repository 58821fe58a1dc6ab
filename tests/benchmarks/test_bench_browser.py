"""Browser checks: page loads per second of `egovrank check` against a plain Playwright loop that
opens the same pages in one Chromium and does nothing else (plain_playwright.py), and the memory
of the whole process tree (Python, Playwright's driver, every Chromium process) over a long run.

The demo is crawled once; each repeat checks every online service on a fresh copy of that
database (`--sample all --no-audits`, 4 pages in flight as by default), then the plain loop
opens the pages that check opened (each step's URL, and the JS catalogues it rendered), 4 at a
time. Memory growth = RSS in the ninth tenth of the run over RSS in the second tenth (the first
holds start-up; the last, shutdown); no growth means at most 1.2.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import sys
from pathlib import Path

import pytest

from tests.benchmarks.harness import (
    QUICK,
    crawl_config,
    crawl_demo,
    fmt,
    record,
    run,
    run_cli,
    served_demo,
    summary,
    target,
)

pytestmark = [pytest.mark.bench, pytest.mark.timeout(3600)]

ENTITIES, SERVICES, REPEATS = (8, 24, 1) if QUICK else (48, 30, 3)
CONCURRENCY = 4
GROWTH_BOUND = 1.2
PLAIN = str(Path(__file__).with_name("plain_playwright.py"))


def test_check_against_plain_playwright(tmp_path):
    with served_demo(tmp_path / "demo", entities=ENTITIES, pages=30, services=SERVICES) as demo:
        crawled = tmp_path / "crawled.db"
        cfg = crawl_config(tmp_path / "crawl.yaml", limits={"download_timeout_s": 3, "retries": 1})
        crawl_demo(demo, crawled, "--no-politeness", "--config", cfg, "--max-pages", "30")
        catalogues = catalogue_urls(crawled)
        ours, plain = [], []
        for n in range(REPEATS):
            db = tmp_path / f"check-{n}.db"
            shutil.copy(crawled, db)
            done = run_cli(
                "check",
                *("--quarter", "2026Q4", "--db", str(db), "--sample", "all"),
                *("--concurrency", str(CONCURRENCY), "--no-audits"),
                *("--evidence", str(tmp_path / f"evidence-{n}")),
            )
            checks, urls = opened_pages(db)
            loads = len(urls) + len(catalogues)
            start, end = window(done.samples, 0.1, 0.2), window(done.samples, 0.8, 0.9)
            ours.append(
                {
                    "checks": checks,
                    "page_loads": loads,
                    "seconds": round(done.wall_s, 1),
                    "loads_per_s": loads / done.wall_s,
                    "peak_mib": done.memory["peak_mib"],
                    "start_mib": start,
                    "end_mib": end,
                    "growth": end / start,
                }
            )

            listing = tmp_path / "urls.txt"
            listing.write_text("\n".join(catalogues + urls) + "\n", encoding="utf-8")
            done = run([sys.executable, PLAIN, str(listing), str(CONCURRENCY)])
            counts = json.loads(done.stdout)
            plain.append(
                {
                    **counts,
                    "seconds": round(done.wall_s, 1),
                    "loads_per_s": (counts["loads"] + counts["errors"]) / done.wall_s,
                    "peak_mib": done.memory["peak_mib"],
                }
            )
        submissions = (demo.root / "submissions.jsonl").read_text().splitlines()

    ratio = [o["loads_per_s"] / p["loads_per_s"] for o, p in zip(ours, plain, strict=True)]
    growth = summary([o["growth"] for o in ours])
    data = {
        "what": "egovrank check --sample all --no-audits vs a plain Playwright loop, same pages",
        "sizes": {
            "entities": ENTITIES,
            "services_per_entity": SERVICES,
            "checks": [o["checks"] for o in ours],
            "concurrency": CONCURRENCY,
            "repeats": REPEATS,
        },
        "egovrank": {
            "runs": ours,
            "loads_per_s": summary([o["loads_per_s"] for o in ours]),
            "peak_mib": summary([o["peak_mib"] for o in ours]),
        },
        "plain_playwright": {
            "runs": plain,
            "loads_per_s": summary([p["loads_per_s"] for p in plain]),
            "peak_mib": summary([p["peak_mib"] for p in plain]),
        },
        "ratio": summary(ratio),
        "memory_growth": growth
        | {"definition": f"RSS over 80-90% of the run / RSS over 10-20%; <= {GROWTH_BOUND}"},
        "submissions": len(submissions),
    }
    print("\nbrowser:", data)
    headline = {
        "egovrank check, page loads/s": fmt(data["egovrank"]["loads_per_s"], 2),
        "plain Playwright loop, page loads/s": fmt(data["plain_playwright"]["loads_per_s"], 2),
        "ratio": fmt(data["ratio"], 2),
        "peak RSS of the process tree, MiB": fmt(data["egovrank"]["peak_mib"], 0),
        "RSS second tenth -> ninth tenth, MiB": ", ".join(
            f"{o['start_mib']:.0f} -> {o['end_mib']:.0f}" for o in ours
        ),
        "sizes": f"{ours[0]['checks']} checks ({ours[0]['page_loads']} page loads) a run, "
        f"{CONCURRENCY} in flight",
    }
    record(
        "browser",
        data,
        {
            "browser_throughput": target(data["ratio"]["median"], 0.8, at_least=True),
            "browser_memory_growth": target(growth["max"], GROWTH_BOUND, at_least=False),
        },
        headline,
    )
    assert not submissions, submissions[:3]
    assert all(o["checks"] >= (100 if QUICK else 1000) for o in ours), ours


def catalogue_urls(db: Path) -> list[str]:
    """JS catalogues the check stage renders before it walks services."""
    with sqlite3.connect(db) as conn:
        return [
            r[0]
            for r in conn.execute(
                "select url from browser_work where kind = 'catalogue' order by created_at, url"
            )
        ]


def opened_pages(db: Path) -> tuple[int, list[str]]:
    """How many checks finished, and the URL of every page they opened, in order."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select steps from service_checks where state = 'done' order by url"
        ).fetchall()
    urls = [s["url"] for (steps,) in rows for s in json.loads(steps) if s.get("url")]
    return len(rows), urls


def window(samples: list[tuple[float, int]], lo: float, hi: float) -> float:
    """Median RSS (MiB) of the samples taken between lo and hi of the run's length."""
    end = samples[-1][0]
    inside = [rss for t, rss in samples if lo * end <= t <= hi * end]
    return round(statistics.median(inside) / 2**20, 1)
