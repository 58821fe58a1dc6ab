"""Politeness efficiency: with a per-host delay, hosts must be crawled in parallel while each one
is throttled, so a crawl of many hosts takes about as long as its busiest host needs alone.

The real `egovrank crawl` with politeness on (config/crawl.yaml as shipped: per-host delay,
AutoThrottle, per-host and total concurrency), only the delay shortened so the benchmark is quick,
on demo entities without faults (a redirect loop's hops are requests the ideal would not count).
Ideal = the most requests any one host received x the delay; the measure is the whole process's
wall time (start-up and the TLS probe included) against it.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.benchmarks.harness import (
    QUICK,
    clean_entities,
    crawl_config,
    crawl_demo,
    fmt,
    record,
    served_demo,
    summary,
    target,
)

pytestmark = [pytest.mark.bench, pytest.mark.timeout(1800)]

# Each entity has two hosts (portal, service portal), both given the same page budget.
ENTITIES, PAGES, DELAY_S, REPEATS = (26, 20, 0.5, 1) if QUICK else (30, 50, 0.5, 3)


def test_politeness_against_ideal(tmp_path):
    cfg = crawl_config(
        tmp_path / "crawl.yaml",
        politeness={"delay_s": DELAY_S},
        budget={"max_pages": PAGES, "dvc_max_pages": PAGES, "procedure_pages": PAGES},
    )
    with served_demo(
        tmp_path / "demo", entities=3 * ENTITIES, pages=PAGES + 20, services=PAGES + 10
    ) as demo:
        # A static service catalogue links its procedure pages: both hosts have pages to spare.
        static = lambda i: demo.truth["entities"][i]["catalogue"]["kind"] == "static"  # noqa: E731
        ids = [i for i in clean_entities(demo.truth) if static(i)][:ENTITIES]
        assert len(ids) == ENTITIES
        runs = []
        for n in range(REPEATS):
            db = tmp_path / f"polite-{n}.db"
            done = crawl_demo(demo, db, "--only", ",".join(ids), "--config", cfg)
            # Requests per host: stored pages plus Scrapy's own robots.txt fetch of each host.
            with sqlite3.connect(db) as conn:
                per_host = [
                    r[0] + 1 for r in conn.execute("select count(*) from pages group by host")
                ]
            ideal = max(per_host) * DELAY_S
            runs.append(
                {
                    "seconds": round(done.wall_s, 2),
                    "ideal_s": ideal,
                    "ratio": done.wall_s / ideal,
                    "hosts": len(per_host),
                    "hosts_with_full_budget": sum(n >= PAGES for n in per_host),
                    "requests": sum(per_host),
                    "requests_per_host": {"max": max(per_host), "min": min(per_host)},
                }
            )

    data = {
        "what": "egovrank crawl, politeness on (delay, AutoThrottle), total wall time vs ideal",
        "sizes": {
            "entities": ENTITIES,
            "page_budget_per_host": PAGES,
            "delay_s": DELAY_S,
            "repeats": REPEATS,
        },
        "runs": runs,
        "seconds": summary([r["seconds"] for r in runs]),
        "ratio_to_ideal": summary([r["ratio"] for r in runs]),
        "serial_s": round(sum(r["requests"] for r in runs) / len(runs) * DELAY_S, 1),
    }
    print("\npoliteness:", data)
    first = runs[0]
    headline = {
        "wall time / ideal": fmt(data["ratio_to_ideal"], 2),
        "wall time, s": fmt(data["seconds"]),
        "sizes": f"{first['hosts']} hosts ({first['hosts_with_full_budget']} with {PAGES}+ "
        f"requests, at most {first['requests_per_host']['max']}), delay {DELAY_S} s: ideal "
        f"{first['ideal_s']:.1f} s, one host after another {data['serial_s']} s",
    }
    record(
        "politeness",
        data,
        {"politeness": target(data["ratio_to_ideal"]["median"], 1.2, at_least=False)},
        headline,
    )
    assert all(r["hosts_with_full_budget"] >= 50 for r in runs), runs
