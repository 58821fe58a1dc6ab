"""The cluster path against one machine: 3 real Scrapyd nodes, a real PostgreSQL, real workers.

A small demo is assessed (crawl + browser check) once in one process and once across the
cluster, then again with one shard killed mid-crawl (cancel.json signal KILL) and one worker
killed with kill -9 mid-check. Findings (less tech.response_time), services and observed service
levels must be equal each time; a merge of overlapping shards must be refused with nothing
changed. Figures go to output/cluster/results.json. Run with `make test-cluster`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import ExitStack, suppress
from pathlib import Path

import pytest
import yaml

from crawler.cluster import scrapyd
from crawler.cluster.merge import MergeRefused, merge_shards
from crawler.cluster.testing import postgres_cluster, scrapyd_node
from crawler.core import store

pytestmark = pytest.mark.cluster
ROOT = Path(__file__).resolve().parent.parent
EGOVRANK = [sys.executable, "-m", "scoring"]
Q = "2026Q4"
ENTITIES, PAGES, SERVICES, SAMPLE = 6, 30, 6, 4
STALLED_S = 8
# what must be equal on both sides: findings (less tech.response_time), services, walks,
# the national rows and the page audits
COMPARED = ("findings", "services", "checks", "declared", "audits")


def _need_postgres() -> None:
    if shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return
    if os.geteuid() != 0:
        pytest.skip("PostgreSQL is not installed and we are not root to apt-get it")
    subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True, timeout=600)


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    """The demo served, a fast crawl config, 3 Scrapyd nodes and PostgreSQL; all stopped after."""
    from crawler.demo.build import build_demo
    from crawler.demo.testing import free_port, running_demo

    _need_postgres()
    root = tmp_path_factory.mktemp("cluster")
    truth = build_demo(
        root / "demo", entities=ENTITIES, pages=PAGES, services=SERVICES, seed=7, port=free_port()
    )
    cfg = yaml.safe_load((ROOT / "config" / "crawl.yaml").read_text(encoding="utf-8"))
    cfg["limits"].update(download_timeout_s=3, retries=1)
    (root / "crawl.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    with ExitStack() as stack:
        started = time.monotonic()
        stack.enter_context(running_demo(root / "demo"))
        nodes = [stack.enter_context(scrapyd_node(root / f"node{i}")) for i in range(3)]
        dsn = stack.enter_context(postgres_cluster())
        yield {"root": root, "nodes": nodes, "dsn": dsn, "national_api": truth["national_api"],
               "setup_s": time.monotonic() - started}  # fmt: skip


def cli(*args, timeout=600):
    done = subprocess.run([*EGOVRANK, *args], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"egovrank {' '.join(args[:3])} failed: {done.stderr[-3000:]}"
    return done


def crawl_args(rig, db: Path) -> list[str]:
    demo = rig["root"] / "demo"
    return [
        "crawl", "--quarter", Q, "--entities", str(demo / "entities.yaml"), "--db", str(db),
        "--as-of", "2026-12-31", "--no-politeness", "--config", str(rig["root"] / "crawl.yaml"),
        "--ca-file", str(demo / "certs" / "demo-ca.pem"), "--max-pages", str(PAGES),
        "--national-api", rig["national_api"],
    ]  # fmt: skip


def cluster_file(rig, name: str) -> Path:
    """A cluster.yaml of its own (own shard dirs, evidence and queue database), so runs share
    neither shards nor results (a re-run would import the earlier run's results, by design)."""
    import psycopg

    base = rig["root"] / name
    with psycopg.connect(rig["dsn"], autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    dsn = rig["dsn"].rsplit("/", 1)[0] + f"/{name}"
    spec = {
        "nodes": [
            {"url": u, "shard_dir": str(base / f"local{i}")} for i, u in enumerate(rig["nodes"])
        ],
        "queue": {"dsn": dsn, "per_host": 1, "stalled_after_s": STALLED_S},
        "shard_size": 2,
        "evidence": str(base / "evidence"),
        "poll_s": 0.3,
    }
    path = rig["root"] / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


class Workers:
    """`egovrank worker` processes, each in its own process group (its Chromium included)."""

    def __init__(self, cluster: Path, n: int, logs: Path):
        self.procs = [
            subprocess.Popen(
                [*EGOVRANK, "worker", "--cluster", str(cluster), "--concurrency", "2"],
                stdout=(logs / f"worker{i}.log").open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            for i in range(n)
        ]

    def stop(self):
        for p in self.procs:
            with_suppress(os.killpg, p.pid, signal.SIGTERM)
        for p in self.procs:
            with suppress(subprocess.TimeoutExpired):
                p.wait(timeout=20)
            with_suppress(os.killpg, p.pid, signal.SIGKILL)
            p.wait(timeout=10)


def with_suppress(fn, *args):
    with suppress(ProcessLookupError, PermissionError):
        fn(*args)


def observations(db: Path) -> dict:
    conn = sqlite3.connect(db)
    q = lambda sql: sorted(tuple(r) for r in conn.execute(sql, [Q]))  # noqa: E731
    out = {
        "findings": q(
            "select entity_id, criterion, value, status, evidence_url, http_status from findings "
            "where quarter = ? and criterion != 'tech.response_time'"
        ),
        "services": q(
            "select url, entity_id, name, code, declared, source from services where quarter = ?"
        ),
        "checks": q(
            "select url, entity_id, state, observed, status, reached, identity_provider, has_form, "
            "has_upload, has_submit, payment, delivery, final_url from service_checks "
            "where quarter = ?"
        ),
        "declared": q(
            "select entity_id, service_code, agency_code, declared, citizen_url "
            "from declared_services where quarter = ?"
        ),
        "audits": q(
            "select url, entity_id, status, violations_critical, violations_serious, overflow_px, "
            "viewport_meta from page_audits where quarter = ?"
        ),
        "pages": conn.execute("select count(*) from pages where quarter = ?", [Q]).fetchone()[0],
    }
    conn.close()
    return out


def assess_cluster(rig, name: str, *, kill_shard=False, kill_worker=False) -> dict:
    """crawl --cluster then check --cluster, optionally killing a shard and a worker mid-run."""
    cluster = cluster_file(rig, name)
    db = rig["root"] / f"{name}.db"
    logs = rig["root"] / f"{name}-logs"
    logs.mkdir()
    kills, times = [], {}
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [*EGOVRANK, *crawl_args(rig, db), "--cluster", str(cluster)],
        stdout=(logs / "crawl.out").open("wb"),
        stderr=(logs / "crawl.err").open("wb"),
    )
    try:
        if kill_shard:
            kills.append(kill_running_shard(rig, cluster, proc))
        assert proc.wait(timeout=420) == 0, (logs / "crawl.err").read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    times["crawl_s"] = round(time.monotonic() - t0, 1)
    run = json.loads(
        sqlite3.connect(db)
        .execute("select summary from runs where stage = 'crawl' order by id desc")
        .fetchone()[0]
    )
    workers = Workers(cluster, 2, logs)
    t0 = time.monotonic()
    try:
        proc = subprocess.Popen(
            [*EGOVRANK, "check", "--quarter", Q, "--db", str(db), "--sample", str(SAMPLE),
             "--cluster", str(cluster)],
            stdout=(logs / "check.out").open("wb"),
            stderr=(logs / "check.err").open("wb"),
        )  # fmt: skip
        try:
            if kill_worker:
                dsn = yaml.safe_load(cluster.read_text(encoding="utf-8"))["queue"]["dsn"]
                kills.append(kill_busy_worker(dsn, workers))
            assert proc.wait(timeout=420) == 0, (logs / "check.err").read_text()[-3000:]
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    finally:
        workers.stop()
    times["check_s"] = round(time.monotonic() - t0, 1)
    shards = {
        s: {"attempts": r["attempts"], "entities": r["entities"]} for s, r in run["shards"].items()
    }
    return {"db": db, "cluster": cluster, "kills": kills, "times": times, "shards": shards}


def kill_running_shard(rig, cluster: Path, coordinator) -> dict:
    """Wait for a shard that has stored a few pages, then cancel it with signal KILL."""
    spec = yaml.safe_load(cluster.read_text(encoding="utf-8"))
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and coordinator.poll() is None:
        for node in spec["nodes"]:
            jobs = scrapyd.listjobs(node["url"], "default") or {}
            for job in jobs.get("running", []):
                shard = job["id"].rsplit("-", 1)[0]
                local = Path(node["shard_dir"]) / Q / f"{shard}.db"
                try:
                    conn = sqlite3.connect(f"file:{local}?mode=ro", uri=True, timeout=1)
                    pages = conn.execute("select count(*) from pages").fetchone()[0]
                    state = conn.execute(
                        "select status from runs where stage = 'crawl' order by id desc limit 1"
                    ).fetchone()
                    conn.close()
                except sqlite3.Error:
                    continue
                if pages >= 3 and state == ("running",):  # mid-crawl, not closing
                    prev = scrapyd.cancel(node["url"], "default", job["id"], signal="KILL")
                    return {"kind": "shard", "shard": shard, "job": job["id"], "pages_before": pages,
                            "prevstate": prev}  # fmt: skip
        time.sleep(0.2)
    raise AssertionError("no shard was caught mid-crawl to kill")


def kill_busy_worker(dsn: str, workers: Workers) -> dict:
    """kill -9 a worker while one of its checks is `doing` (it holds a host lock)."""
    import psycopg

    pids = {p.pid: p for p in workers.procs}
    deadline = time.monotonic() + 180
    with psycopg.connect(dsn, autocommit=True) as conn:
        while time.monotonic() < deadline:
            try:
                rows = conn.execute(
                    "SELECT r.pid, r.url FROM egovrank_check_running r JOIN procrastinate_jobs j "
                    "ON j.args->>'url' = r.url AND j.args->>'quarter' = r.quarter "
                    "WHERE j.status = 'doing' AND r.quarter = %s",
                    [Q],
                ).fetchall()
            except psycopg.errors.UndefinedTable:
                rows = []
            for pid, url in rows:
                if pid in pids and pids[pid].poll() is None:
                    os.kill(pid, signal.SIGKILL)
                    return {"kind": "worker", "pid": pid, "url": url}
            time.sleep(0.1)
    raise AssertionError("no worker was caught mid-check to kill")


def test_cluster_equals_one_machine(rig):
    results = {"nodes": rig["nodes"], "demo": {"entities": ENTITIES, "pages": PAGES,
               "services": SERVICES, "sample": SAMPLE}, "setup_s": round(rig["setup_s"], 1)}  # fmt: skip
    root = rig["root"]
    one = root / "one.db"
    t0 = time.monotonic()
    cli(*crawl_args(rig, one))
    t1 = time.monotonic()
    cli("check", "--quarter", Q, "--db", str(one), "--sample", str(SAMPLE),
        "--evidence", str(root / "one-evidence"))  # fmt: skip
    results["one_machine"] = {
        "crawl_s": round(t1 - t0, 1),
        "check_s": round(time.monotonic() - t1, 1),
    }
    base = observations(one)
    assert base["pages"] > 50 and len(base["checks"]) >= ENTITIES and base["services"]
    assert base["declared"] and base["audits"]  # the national rows and the audits are compared

    runs = {}
    for name, kill in (("cluster", False), ("cluster_killed", True)):
        run = assess_cluster(rig, name, kill_shard=kill, kill_worker=kill)
        got = observations(run["db"])
        eq = {k: got[k] == base[k] for k in COMPARED}
        runs[name] = {
            "shards": run["shards"],
            "kills": run["kills"],
            **run["times"],
            "pages": got["pages"],
            "pages_one": base["pages"],
            **{f"{k}_equal": v for k, v in eq.items()},
        }
        if not all(eq.values()):
            for k in COMPARED:
                for row in sorted(set(got[k]) ^ set(base[k]))[:10]:
                    print(name, k, "only in", "cluster" if row in got[k] else "one", row)
        runs[name]["_run"] = run
    killed = runs["cluster_killed"]
    assert len(killed["shards"]) >= 3
    assert {k["kind"] for k in killed["kills"]} == {"shard", "worker"}
    victim = next(k["shard"] for k in killed["kills"] if k["kind"] == "shard")
    assert killed["shards"][victim]["attempts"] >= 2  # the killed shard was scheduled again

    # A merge of overlapping shards is refused and changes nothing; the right merge re-runs.
    run = runs["cluster"].pop("_run")
    runs["cluster_killed"].pop("_run")
    shard_files = sorted(
        (Path(yaml.safe_load(run["cluster"].read_text())["evidence"]) / "shards" / Q).glob("*.db")
    )
    db = store.connect(run["db"])
    before = observations(run["db"])
    t0 = time.monotonic()
    with pytest.raises(MergeRefused, match="merge refused"):
        merge_shards(db, Q, [shard_files[0], *shard_files])
    assert observations(run["db"]) == before
    counts = merge_shards(db, Q, shard_files)
    results["remerge_s"] = round(time.monotonic() - t0, 2)
    # every page but the national portal's answers (read on the coordinator) is a shard's
    national = db.execute(
        "select count(*) from pages where quarter = ? and site = 'national'", [Q]
    ).fetchone()[0]
    assert counts["pages"] == before["pages"] - national and observations(run["db"]) == before
    results["overlap_refused"] = True

    results.update(runs)
    results["kills"] = killed["kills"]
    results["shards"] = len(killed["shards"])
    for key in COMPARED:
        results[f"{key}_equal"] = all(r[f"{key}_equal"] for r in runs.values())
    out = ROOT / "output" / "cluster"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(json.dumps(results, indent=2, default=str))
    assert all(results[f"{k}_equal"] for k in COMPARED)
