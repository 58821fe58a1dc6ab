"""Crawl throughput: what every detector and the SQLite storage cost against a hand-written
Scrapy spider that follows the same links and stores nothing (bare_spider.py).

Both crawl the same portals of one served demo with the same concurrency, timeouts and per-host
page budgets (egovrank's `--no-politeness` settings), alternately, in the same run. Entities with
waiting faults (a hanging page, a slow host, a Crawl-delay) are left out: they measure timers.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
import yaml

from tests.benchmarks.harness import (
    QUICK,
    ROOT,
    crawl_demo,
    fmt,
    record,
    run,
    served_demo,
    steady_entities,
    summary,
    target,
)

pytestmark = [pytest.mark.bench, pytest.mark.timeout(3600)]

PORTALS, PAGES, REPEATS = (10, 50, 2) if QUICK else (100, 200, 3)
BARE = str(Path(__file__).with_name("bare_spider.py"))


def test_crawl_against_bare_scrapy(tmp_path):
    with served_demo(tmp_path / "demo", entities=PORTALS + 12, pages=PAGES, services=20) as demo:
        ids = steady_entities(demo.truth, PORTALS)
        assert len(ids) == PORTALS
        cfg = yaml.safe_load((ROOT / "config" / "crawl.yaml").read_text(encoding="utf-8"))
        seeds = tmp_path / "seeds.txt"
        seeds.write_text(
            "".join(
                f"{demo.truth['entities'][i]['portal_url']} {PAGES}\n"
                f"{demo.truth['entities'][i]['dvc_url']} {cfg['budget']['dvc_max_pages']}\n"
                for i in ids
            )
        )
        ours, bare = [], []
        for n in range(REPEATS):
            db = tmp_path / f"crawl-{n}.db"
            done = crawl_demo(
                demo, db, "--only", ",".join(ids), "--no-politeness", "--max-pages", str(PAGES)
            )
            with sqlite3.connect(db) as conn:
                pages = conn.execute("select count(*) from pages").fetchone()[0]
            ours.append(
                {"pages": pages, "seconds": done.wall_s, "pages_per_s": pages / done.wall_s}
            )

            done = run(
                [sys.executable, "-m", "scrapy", "runspider", BARE, "-a", f"seeds={seeds}"]
                + [f"-s{k}={v}" for k, v in bare_settings(cfg).items()],
                cwd=tmp_path,  # away from scrapy.cfg: none of egovrank's settings
            )
            pages = int(done.stderr.rsplit("bare spider: ", 1)[1].split()[0])
            bare.append(
                {"pages": pages, "seconds": done.wall_s, "pages_per_s": pages / done.wall_s}
            )

    ratio = [o["pages_per_s"] / b["pages_per_s"] for o, b in zip(ours, bare, strict=True)]
    data = {
        "what": "egovrank crawl --no-politeness (all detectors, SQLite) vs a bare Scrapy spider",
        "sizes": {"portals": PORTALS, "pages_per_portal": PAGES, "repeats": REPEATS},
        "egovrank": {
            "pages": [o["pages"] for o in ours],
            "pages_per_s": summary([o["pages_per_s"] for o in ours]),
        },
        "bare_scrapy": {
            "pages": [b["pages"] for b in bare],
            "pages_per_s": summary([b["pages_per_s"] for b in bare]),
        },
        "ratio": summary(ratio),
    }
    print("\ncrawl:", data)
    headline = {
        "egovrank crawl, pages/s": fmt(data["egovrank"]["pages_per_s"]),
        "bare Scrapy spider, pages/s": fmt(data["bare_scrapy"]["pages_per_s"]),
        "ratio": fmt(data["ratio"], 2),
        "sizes": f"{PORTALS} portals x {PAGES} pages (+ service portals); "
        f"{ours[0]['pages']} vs {bare[0]['pages']} pages a run",
    }
    record("crawl", data, {"crawl": target(data["ratio"]["median"], 0.7, at_least=True)}, headline)
    # Both sides crawled comparable amounts (egovrank skips traps and caps procedure pages).
    for o, b in zip(ours, bare, strict=True):
        assert 0.5 < o["pages"] / b["pages"] < 1.5, (o, b)


def bare_settings(cfg: dict) -> dict:
    """The same concurrency, timeouts and retries as `egovrank crawl --no-politeness`."""
    relaxed, limits = cfg["politeness"]["relaxed"], cfg["limits"]
    return {
        "CONCURRENT_REQUESTS": relaxed["concurrent_total"],
        "CONCURRENT_REQUESTS_PER_DOMAIN": relaxed["concurrent_per_host"],
        "DOWNLOAD_DELAY": relaxed["delay_s"],
        "DOWNLOAD_TIMEOUT": limits["download_timeout_s"],
        "RETRY_TIMES": limits["retries"],
        "REDIRECT_MAX_TIMES": limits["max_redirects"],
        "DOWNLOAD_MAXSIZE": int(limits["max_size_mb"] * 2**20),
    }
