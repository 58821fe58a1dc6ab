"""A national quarter in miniature, end to end through `egovrank run`: 56 entities (17
ministries, 5 agencies, 34 provinces) x 300 pages x 100 services, 30 services checked per
entity. Wall time, CPU time, peak memory of the whole process tree, and database size; and how
well each group's index orders the entities by the demo's latent quality (Spearman).

The demo keeps its faults (a hanging page, a slow host, a Crawl-delay, a dead host...): a real
quarter has them too. Quick mode runs a scaled-down quarter without them and says so.
"""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from crawler.demo.agreement import compare, compare_checks, compare_ranking
from tests.benchmarks.harness import (
    QUICK,
    ROOT,
    record,
    run_cli,
    served_demo,
    steady_entities,
    target,
)

pytestmark = [pytest.mark.bench, pytest.mark.timeout(7200)]

GROUPS, PAGES, SERVICES, SAMPLE = ((3, 2, 5), 60, 20, 5) if QUICK else ((17, 5, 34), 300, 100, 30)
QUARTER = "2026Q4"


def test_national_quarter_in_miniature(tmp_path):
    db = tmp_path / "egovrank.db"
    # `egovrank run` writes evidence and reports under ./output: run it from tmp_path.
    os.symlink(ROOT / "config", tmp_path / "config")
    with served_demo(tmp_path / "demo", groups=GROUPS, pages=PAGES, services=SERVICES) as demo:
        run_cli(
            "import",
            *("reported", str(demo.root / "reported.csv"), "--quarter", QUARTER),
            *("--db", str(db), "--entities", demo.registry),
        )
        # Quick mode leaves out the entities whose faults only cost waiting (a minute of
        # timeouts on a hanging page, at the shipped limits).
        ids = steady_entities(demo.truth) if QUICK else list(demo.truth["entities"])
        only = ("--only", ",".join(ids)) if QUICK else ()
        done = run_cli(
            "run",
            *("--quarter", QUARTER, "--entities", demo.registry, "--db", str(db), *only),
            *("--no-politeness", "--sample", str(SAMPLE), "--as-of", demo.truth["as_of"]),
            cwd=tmp_path,
            timeout=3 * 3600,
        )
        submissions = (demo.root / "submissions.jsonl").read_text().splitlines()
    stages = json.loads(done.stdout)["stages"]
    shots = [f.stat().st_size for f in (tmp_path / "output" / "evidence").rglob("*.png")]

    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    q = [QUARTER]
    rankings = [
        dict(r)
        for r in conn.execute("select * from rankings where quarter = ?", q)
        if r["entity_id"] in ids
    ]
    findings = [dict(r) for r in conn.execute("select * from findings where quarter = ?", q)]
    checks = [dict(r) for r in conn.execute("select * from service_checks where quarter = ?", q)]
    pages = conn.execute("select count(*) from pages where quarter = ?", q).fetchone()[0]
    services = conn.execute("select count(*) from services where quarter = ?", q).fetchone()[0]
    conn.close()
    truth = {**demo.truth, "entities": {i: demo.truth["entities"][i] for i in ids}}
    crawl_agree, check_agree = compare(truth, findings), compare_checks(truth, checks)

    minutes = done.wall_s / 60
    data = {
        "what": "egovrank run --no-politeness --sample N: crawl, check, score, report",
        "scaled_down": QUICK,
        "sizes": {
            "groups": dict(zip(("ministry", "gov_agency", "province"), GROUPS, strict=True)),
            "pages_per_portal": PAGES,
            "services_per_entity": SERVICES,
            "sample": SAMPLE,
        },
        "wall_s": round(done.wall_s, 1),
        "cpu_s": round(done.cpu_s, 1),
        "stages_s": {s["stage"]: s.get("seconds") for s in stages},
        "peak_mib": done.memory["peak_mib"],
        "database_mib": round(db.stat().st_size / 2**20, 1),
        "evidence": {"files": len(shots), "mib": round(sum(shots) / 2**20, 1)},
        "pages": pages,
        "services_listed": services,
        "checks": len(checks),
        "crawl_agreement": round(crawl_agree["share"], 3),
        "check_agreement": round(check_agree["share"], 3),
        "spearman_index_vs_quality": compare_ranking(truth, rankings),
        "submissions": len(submissions),
    }
    print("\nnational:", data)
    headline = {
        "wall time, min": f"{minutes:.1f}{' (scaled down)' if QUICK else ''}",
        "CPU time, min": f"{done.cpu_s / 60:.1f}",
        "stages, s": ", ".join(f"{k} {v}" for k, v in data["stages_s"].items()),
        "peak RSS of the process tree, MiB": data["peak_mib"],
        "database, MiB": data["database_mib"],
        "screenshots": f"{len(shots)} files, {data['evidence']['mib']} MiB",
        "Spearman index vs quality": ", ".join(
            f"{k} {v}" for k, v in data["spearman_index_vs_quality"].items()
        ),
        "sizes": f"{len(ids)} of {sum(GROUPS)} entities {GROUPS} x {PAGES} pages x "
        f"{SERVICES} services, "
        f"{SAMPLE} checked each: {pages} pages, {len(checks)} checks",
    }
    record("national", data, {"national_minutes": target(minutes, 30, at_least=False)}, headline)
    assert all(s["status"] == "done" for s in stages), stages
    assert not submissions, submissions[:3]
