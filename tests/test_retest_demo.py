"""`egovrank campaign retest` on a served demo: a portal that is down for its first attempts
(demo fault `portal_heals`) leaves could-not-test findings after the crawl; the re-test, once the
fault has healed, turns them into findings that agree with the truth, and touches nothing else."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[1]
Q = "2026Q4"


def egovrank(*args):
    proc = subprocess.run(
        [sys.executable, "-m", "scoring", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


@pytest.fixture(scope="module")
def healing_demo(tmp_path_factory):
    from crawler.demo.build import build_demo
    from crawler.demo.testing import free_port, running_demo

    root = tmp_path_factory.mktemp("heal")
    build_demo(root, entities=4, pages=30, services=3, seed=7, port=free_port())
    site = json.loads((root / "site.json").read_text(encoding="utf-8"))
    reachable = [
        e for e in site["entities"] if e["reachable"] and "transient_503" not in e["faults"]
    ]
    sick, healthy = sorted(reachable, key=lambda e: len(e["faults"]))[:2]
    sick["faults"].append("portal_heals")
    (root / "site.json").write_text(json.dumps(site, ensure_ascii=False), encoding="utf-8")
    with running_demo(root):
        yield root, sick, healthy, site


def unknowns(db, eid):
    return dict(
        db.execute(
            "select status, count(*) from findings where quarter = ? and entity_id = ? "
            "and value = 'unknown' group by status",
            [Q, eid],
        ).fetchall()
    )


def test_retest_turns_could_not_test_into_findings(healing_demo, tmp_path):
    root, sick, healthy, site = healing_demo
    db_path = str(tmp_path / "heal.db")
    crawl_args = [
        "--as-of", site["as_of"], "--no-politeness", "--ca-file", str(root / "certs" / "demo-ca.pem"),
    ]  # fmt: skip
    common = ["--quarter", Q, "--db", db_path, "--entities", str(root / "entities.yaml")]
    only = ["--only", f"{sick['id']},{healthy['id']}"]
    egovrank("crawl", *common, *only, *crawl_args)
    egovrank("check", *common, *only, "--evidence", str(tmp_path / "evidence"))
    egovrank("score", "--quarter", Q, "--db", db_path)
    db = sqlite3.connect(db_path)
    before = unknowns(db, sick["id"])
    assert before.get("http_5xx", 0) >= 10, before  # the portal was down: nothing judged
    others = {
        r[0]: r[1:]
        for r in db.execute(
            "select url, fetch_status, fetched_at from pages where quarter = ? and entity_id != ?",
            [Q, sick["id"]],
        )
    }
    db.close()

    out = egovrank(
        "campaign", "retest", *common, "--until", "2027-01-15",
        "--crawl-args", " ".join(crawl_args), "--check-args", f"--evidence {tmp_path / 'evidence'}",
    )  # fmt: skip
    assert "before" in out.stdout and "after" in out.stdout

    db = sqlite3.connect(db_path)
    after = unknowns(db, sick["id"])
    assert not after.get("http_5xx"), after
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    expected = truth["entities"][sick["id"]]["criteria"]["info.about"]["value"]
    found = db.execute(
        "select value from findings where quarter = ? and entity_id = ? and criterion = 'info.about'",
        [Q, sick["id"]],
    ).fetchone()[0]
    assert found == expected
    # the healthy entity's pages were kept as they were, not fetched again
    kept = {
        r[0]: r[1:]
        for r in db.execute(
            "select url, fetch_status, fetched_at from pages where quarter = ? and entity_id != ?",
            [Q, sick["id"]],
        )
    }
    assert kept == others
    state = db.execute(
        "select state, retest_until from campaigns where quarter = ?", [Q]
    ).fetchone()
    assert state == ("retest", "2027-01-15")
    ranked = db.execute(
        "select index_value from rankings where quarter = ? and entity_id = ?", [Q, sick["id"]]
    ).fetchone()[0]
    assert ranked > 0
