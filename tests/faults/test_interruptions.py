"""kill -9 at random moments of crawl, check and score (fixed seed); after re-running, the
database passes integrity_check, has no duplicate rows, and its results equal an uninterrupted
run's. Every kill is SIGKILL to the stage's whole process group (Chromium included)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.faults.conftest import ROOT, egovrank_cmd

pytestmark = pytest.mark.faults

QUARTER = "2026Q4"
SEED = 20261123
CRAWL_KILLS = 14
CHECK_KILLS = 6
SCORE_KILLS = 4
FIGURES = Path(__file__).resolve().parent / "figures"
TIMING = ("tech.response_time",)  # measured, so it differs from run to run by nature


def stage_args(stage: str, demo, db_path: Path, tmp: Path) -> list[str]:
    common = ["--quarter", QUARTER, "--db", db_path]
    if stage == "crawl":
        return egovrank_cmd(
            "crawl",
            *common,
            "--entities",
            demo.entities_path,
            "--no-politeness",
            "--as-of",
            "2026-12-31",
        )
    if stage == "check":
        return egovrank_cmd(
            "check",
            *common,
            "--entities",
            demo.entities_path,
            "--sample",
            "3",
            "--no-audits",
            "--evidence",
            tmp / "evidence",
        )
    return egovrank_cmd(stage, *common)


def run_to_end(args, timeout=600) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    # (Scrapy logs the tracebacks of failed downloads on stderr: only the exit code counts here)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-3000:])
    return proc


def kill_at(args, after: float) -> tuple[bool, float]:
    """Start the stage in its own process group, SIGKILL the group `after` seconds in.
    Returns (killed, seconds); killed is False when the stage finished first."""
    start = time.monotonic()
    proc = subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        proc.wait(timeout=after)
        return False, time.monotonic() - start
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        return True, time.monotonic() - start


def kill_after_progress(args, db_path: Path, extra: float, timeout: float = 180) -> bool:
    """Start the check, SIGKILL it `extra` seconds after it has finished one more service
    check than before: a resumed run has less left to do than the baseline had, so a kill
    timed on the baseline's duration can land after the run has already finished."""

    def done() -> int:
        conn = sqlite3.connect(db_path, timeout=30)
        try:
            return conn.execute(
                "select count(*) from service_checks where state = 'done'"
            ).fetchone()[0]
        except sqlite3.OperationalError:
            return 0
        finally:
            conn.close()

    before = done()
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, start_new_session=True
    )
    deadline = time.monotonic() + timeout
    while proc.poll() is None and done() <= before and time.monotonic() < deadline:
        time.sleep(0.2)
    try:
        proc.wait(timeout=extra)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        return True


def integrity(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for (table,) in conn.execute("select name from sqlite_master where type='table'"):
            if table.startswith("sqlite_") or table == "runs":
                continue
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')")]
            total = conn.execute(f"select count(*) from '{table}'").fetchone()[0]
            quoted = ", ".join('"' + c + '"' for c in cols)
            distinct = conn.execute(
                f"select count(*) from (select distinct {quoted} from '{table}')"
            ).fetchone()[0]
            assert total == distinct, f"{table}: duplicate rows"
    finally:
        conn.close()


RESULT_QUERIES = {
    "crawl": {
        "pages": "select url, entity_id, fetch_status, http_status from pages where quarter = ?",
        "findings": "select entity_id, criterion, case when criterion in ({t}) then null "
        "else value end, status, case when criterion in ({t}) then null else numeric end, "
        "evidence_url "
        "from findings where quarter = ? and source = 'crawl'",
        "services": "select url, entity_id, name, declared from services where quarter = ?",
    },
    "check": {
        "service_checks": "select url, entity_id, observed, status, reached, payment, delivery "
        "from service_checks where quarter = ?",
        "check_samples": "select entity_id, population, sample_size, verified, checked "
        "from check_samples where quarter = ?",
    },
    "score": {
        "criterion_scores": "select entity_id, criterion, score, status from criterion_scores "
        "where quarter = ?",
        "rankings": "select entity_id, rank, index_value from rankings where quarter = ?",
    },
}


def results(db_path: Path, stage: str) -> dict[str, list]:
    conn = sqlite3.connect(db_path)
    try:
        out = {}
        for name, sql in RESULT_QUERIES[stage].items():
            sql = sql.replace("{t}", ", ".join(f"'{c}'" for c in TIMING))
            out[name] = sorted(
                (
                    tuple("" if v is None else v for v in row)
                    for row in conn.execute(sql, [QUARTER])
                ),
                key=repr,
            )
        return out
    finally:
        conn.close()


def diff(a: dict, b: dict) -> dict:
    out = {}
    for name in a:
        only_a = set(a[name]) - set(b[name])
        only_b = set(b[name]) - set(a[name])
        if only_a or only_b:
            out[name] = {
                "only_uninterrupted": sorted(only_a, key=repr)[:5],
                "only_killed": sorted(only_b, key=repr)[:5],
            }
    return out


def record(name: str, data: dict) -> None:
    FIGURES.mkdir(exist_ok=True)
    (FIGURES / f"{name}.json").write_text(json.dumps(data, indent=2, default=str), "utf-8")


@pytest.fixture(scope="module")
def baseline(demo_site, tmp_path_factory):
    """Uninterrupted crawl (and check, when built) of the demo: the reference results."""
    tmp = tmp_path_factory.mktemp("baseline")
    db_path = tmp / "base.db"
    crawled = tmp / "crawled.db"
    timings = {}
    for stage in ("crawl", "check", "score"):
        t = time.monotonic()
        run_to_end(stage_args(stage, demo_site, db_path, tmp))
        timings[stage] = time.monotonic() - t
        if stage == "crawl":
            # The check adds rendered catalogues and browser findings to the crawl's tables:
            # the crawl is compared, and the check starts, from the database as the crawl left it.
            copy_db(db_path, crawled)
            crawl_results = results(db_path, "crawl")
    record("baseline", timings)
    integrity(db_path)
    return {"db": db_path, "timings": timings, "crawled": crawled, "crawl_results": crawl_results}


def copy_db(src_path: Path, dst_path: Path) -> None:
    src, dst = sqlite3.connect(src_path), sqlite3.connect(dst_path)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def interrupted(stage: str, kills: int, demo_site, baseline, tmp: Path, db_path: Path, rng):
    duration = baseline["timings"][stage]
    log = []
    # Kills land on the same database, so each run resumes what the last one left; a mean gap of
    # about duration/kills spreads the kills over the whole stage instead of its first minutes.
    for i in range(kills):
        args = stage_args(stage, demo_site, db_path, tmp)
        if stage == "check":  # mid-work: a moment after the run's next finished check
            after = rng.uniform(0.0, 2.0)
            killed = kill_after_progress(args, db_path, after)
        else:
            after = rng.uniform(0.4, max(2 * 0.95 * duration / kills, 1.0))
            killed, _secs = kill_at(args, after)
        log.append({"kill": i + 1, "after_s": round(after, 2), "killed": killed})
        integrity(db_path)
    run_to_end(stage_args(stage, demo_site, db_path, tmp))
    integrity(db_path)
    return log


def test_crawl_survives_random_kills(demo_site, baseline, tmp_path):
    rng = random.Random(SEED)
    db_path = tmp_path / "killed.db"
    log = interrupted("crawl", CRAWL_KILLS, demo_site, baseline, tmp_path, db_path, rng)
    killed = sum(1 for k in log if k["killed"])
    d = diff(baseline["crawl_results"], results(db_path, "crawl"))
    record("kills_crawl", {"baseline_s": baseline["timings"]["crawl"], "kills": log, "diff": d})
    assert killed >= CRAWL_KILLS - 2, log
    assert d == {}, json.dumps(d, default=str)[:3000]


def test_check_survives_random_kills(demo_site, baseline, tmp_path):
    rng = random.Random(SEED + 1)
    db_path = tmp_path / "killed.db"
    # the check reads the crawl's results: start from a copy of the uninterrupted crawl
    copy_db(baseline["crawled"], db_path)
    before = demo_site.submissions_path.read_text() if demo_site.submissions_path.exists() else ""
    log = interrupted("check", CHECK_KILLS, demo_site, baseline, tmp_path, db_path, rng)
    d = diff(results(baseline["db"], "check"), results(db_path, "check"))
    record("kills_check", {"baseline_s": baseline["timings"]["check"], "kills": log, "diff": d})
    after = demo_site.submissions_path.read_text() if demo_site.submissions_path.exists() else ""
    assert after == before == "", "the browser submitted something"
    assert sum(1 for k in log if k["killed"]) >= CHECK_KILLS - 2, log
    assert d == {}, json.dumps(d, default=str)[:3000]


def test_score_survives_random_kills(demo_site, baseline, tmp_path):
    rng = random.Random(SEED + 2)
    db_path = tmp_path / "killed.db"
    copy_db(baseline["db"], db_path)
    dst = sqlite3.connect(db_path)
    for table in ("criterion_scores", "pillar_scores", "rankings"):
        dst.execute(f"delete from {table}")
    dst.execute("delete from runs where stage = 'score'")
    dst.commit()
    dst.close()
    log = interrupted("score", SCORE_KILLS, demo_site, baseline, tmp_path, db_path, rng)
    d = diff(results(baseline["db"], "score"), results(db_path, "score"))
    record("kills_score", {"baseline_s": baseline["timings"]["score"], "kills": log, "diff": d})
    assert d == {}, json.dumps(d, default=str)[:3000]
