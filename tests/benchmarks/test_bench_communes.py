"""A commune-scale quarter through the cluster path against one process, on the same 2 cores.

The demo's 56 national-level entities (17 ministries, 5 agencies, 34 provinces) plus 3,300
commune portals of 30 pages and 3 services each (`demo build --communes 3300`), politeness off,
crawled (`--max-pages 30`) and checked (`--sample 2 --no-audits`) once by one process and once
through 3 Scrapyd nodes and 2 `egovrank worker` processes, in the same run and on the same
machine, so other jobs on it weigh on both sides alike. Stages alternate (crawl one, crawl
cluster, check one, check cluster). Each stage records its wall time and the CPU seconds it
cost on this machine (so a side bounded by requests in flight, not CPU, shows as such). Writes
output/bench/communes-<national>+<communes>[-crawl]-p<max pages>.json.

It runs only when EGOVRANK_BENCH_COMMUNES names the number of communes (too long for `make
bench`). Full size (`make bench-communes`; about two hours here with checks):
  EGOVRANK_BENCH_COMMUNES=3300 .venv/bin/python -m pytest -q -m "bench and cluster" \
    tests/benchmarks/test_bench_communes.py -s
Quicker (about 15 minutes): EGOVRANK_BENCH_QUICK=1 EGOVRANK_BENCH_COMMUNES=300 (8 national-level
entities instead of 56); EGOVRANK_BENCH_SAMPLE=K the services
checked per portal (default 2; 0 measures the crawl only), EGOVRANK_BENCH_MAX_PAGES=M the crawl's
page budget per site (default 30, every page of a commune portal).
"""

from __future__ import annotations

import json
import math
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import ExitStack, suppress
from pathlib import Path

import pytest
import yaml

from crawler.cluster.testing import postgres_cluster, scrapyd_node

pytestmark = [pytest.mark.bench, pytest.mark.cluster, pytest.mark.timeout(6 * 3600)]
ROOT = Path(__file__).resolve().parents[2]
EG = [sys.executable, "-m", "scoring"]
Q = "2026Q4"
QUICK = os.environ.get("EGOVRANK_BENCH_QUICK") == "1"
GROUPS = (3, 1, 4) if QUICK else (17, 5, 34)
COMMUNES = int(os.environ.get("EGOVRANK_BENCH_COMMUNES") or 0)
SAMPLE = int(os.environ.get("EGOVRANK_BENCH_SAMPLE") or 2)  # 0: crawl only, no checks
PAGES, SERVICES, NODES, WORKERS = 30, 3, 3, 2
# the crawl's page budget per site (--max-pages); below PAGES a portal is crawled in part
MAX_PAGES = int(os.environ.get("EGOVRANK_BENCH_MAX_PAGES") or PAGES)


def run(*args, log: Path):
    t = time.monotonic()
    with log.open("wb") as fh:
        done = subprocess.run([*EG, *args], stdout=fh, stderr=subprocess.STDOUT, timeout=4 * 3600)
    assert done.returncode == 0, log.read_text(encoding="utf-8", errors="replace")[-2000:]
    return time.monotonic() - t


def proc_cpu(pids: list[int]) -> float:
    """CPU seconds of these live processes and of the children they have reaped."""
    total = 0
    for pid in pids:
        with suppress(FileNotFoundError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU seconds of this process's reaped children (the stage commands, the workers)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def daemon_pids(tmp_path: Path, dsn: str) -> list[int]:
    """The Scrapyd daemons (our children, run from node folders) and the PostgreSQL postmaster
    (the one process whose command line still names its port): their shard crawls and backends
    are reaped into them."""
    port = dsn.rsplit(":", 1)[1].split("/")[0]
    out = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        with suppress(OSError):
            argv = (p / "cmdline").read_bytes().split(b"\0")
            ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            in_node = os.readlink(p / "cwd").startswith(str(tmp_path / "node"))
            if (in_node and ppid == os.getpid()) or (b"-p" in argv and port.encode() in argv):
                out.append(int(p.name))
    return out


class CpuMeter:
    """CPU seconds a stage cost on this machine: its command and workers, plus (cluster
    stages) the daemons; the demo server apart, the same work on both sides."""

    def __init__(self, server_pid: int, daemons: list[int]):
        self.server, self.daemons = server_pid, daemons

    def read(self) -> tuple[float, float, float]:
        return children_cpu(), proc_cpu(self.daemons), proc_cpu([self.server])

    def stage(self, before, *, cluster: bool) -> dict:
        after = self.read()
        d = [round(a - b, 1) for a, b in zip(after, before, strict=True)]
        own = d[0] + (d[1] if cluster else 0.0)
        return {"cpu_s": round(own, 1), "daemons_cpu_s": d[1] if cluster else 0.0,
                "server_cpu_s": d[2], "load_avg_5min": round(os.getloadavg()[1], 2)}  # fmt: skip


def node_gaps(tmp_path: Path, coordinator: tuple[str, str]) -> dict:
    """What the nodes spent outside their shards' own crawl runs: each node's share of the
    coordinator's crawl wall time less the durations of the shard runs it held (Scrapyd's poll,
    a Scrapy process start, the publish), per shard."""
    from datetime import datetime

    def t(x):
        return datetime.fromisoformat(x).timestamp()

    wall = t(coordinator[1]) - t(coordinator[0])
    busy, shards = 0.0, 0
    for i in range(NODES):
        for db in sorted((tmp_path / f"local{i}").glob("*/*.db")):
            with sqlite3.connect(db) as conn:
                row = conn.execute(
                    "select started_at, ended_at from runs where stage = 'crawl' "
                    "and status = 'done' order by id desc"
                ).fetchone()
            busy += t(row[1]) - t(row[0])
            shards += 1
    return {"node_idle_s": round(NODES * wall - busy, 1),
            "per_shard_s": round((NODES * wall - busy) / shards, 2)}  # fmt: skip


def walk_span(db: Path) -> dict:
    """The check stage split: before the first walk (JS catalogues, the sample; on the
    coordinator in a cluster) and from the first walk started to the last finished."""
    from datetime import datetime

    with sqlite3.connect(db) as conn:
        run = conn.execute(
            "select started_at, ended_at from runs where stage = 'check' order by id desc"
        ).fetchone()
        first, last = conn.execute(
            "select min(started_at), max(finished_at) from service_checks"
        ).fetchone()
    t = [datetime.fromisoformat(x).timestamp() for x in (run[0], first, last)]
    return {"before_walks_s": round(t[1] - t[0]), "walks_s": round(t[2] - t[1])}


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608


def test_commune_quarter_throughput(tmp_path):
    if not COMMUNES:
        pytest.skip("set EGOVRANK_BENCH_COMMUNES=3300 (make bench-communes) to run it")
    from crawler.demo.build import build_demo
    from crawler.demo.testing import free_port, running_demo

    demo = tmp_path / "demo"
    t = time.monotonic()
    truth = build_demo(demo, groups=GROUPS, pages=PAGES, services=SERVICES, seed=5,
                       port=free_port(), communes=COMMUNES, commune_pages=PAGES,
                       commune_services=SERVICES)  # fmt: skip
    build_s = time.monotonic() - t
    portals = len(truth["entities"])
    cfg = yaml.safe_load((ROOT / "config" / "crawl.yaml").read_text(encoding="utf-8"))
    cfg["limits"].update(download_timeout_s=3, retries=1)
    cfg["national_api"]["base"] = None  # shard jobs do not read it: neither side does here
    (tmp_path / "crawl.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    common = ["--quarter", Q, "--entities", str(demo / "entities.yaml"), "--as-of", "2026-12-31",
              "--no-politeness", "--config", str(tmp_path / "crawl.yaml"),
              "--ca-file", str(demo / "certs" / "demo-ca.pem"), "--max-pages", str(MAX_PAGES)]  # fmt: skip
    check = ["--quarter", Q, "--sample", str(SAMPLE), "--no-audits"]
    # about 9 shards a node at full size, at least 3 a node at the quick one
    shard_size = max(10, math.ceil(portals / (NODES * (3 if QUICK else 9))))
    one, cl = tmp_path / "one.db", tmp_path / "cl.db"
    logs = tmp_path / "logs"
    logs.mkdir()
    with ExitStack() as st:
        t = time.monotonic()
        server = st.enter_context(running_demo(demo, timeout=600))
        serve_s = time.monotonic() - t
        nodes = [st.enter_context(scrapyd_node(tmp_path / f"node{i}")) for i in range(NODES)]
        dsn = st.enter_context(postgres_cluster())
        spec = {"nodes": [{"url": u, "shard_dir": str(tmp_path / f"local{i}")}
                          for i, u in enumerate(nodes)],
                "queue": {"dsn": dsn, "per_host": 1, "stalled_after_s": 60},
                "shard_size": shard_size, "evidence": str(tmp_path / "ev2"), "poll_s": 0.5}  # fmt: skip
        cluster = tmp_path / "cluster.yaml"
        cluster.write_text(yaml.safe_dump(spec), encoding="utf-8")
        meter = CpuMeter(server.pid, daemon_pids(tmp_path, dsn))
        cpu, at = {}, meter.read()
        crawl_one = run("crawl", *common, "--db", str(one), log=logs / "crawl-one.log")
        cpu["crawl_one"], at = meter.stage(at, cluster=False), meter.read()
        crawl_cl = run("crawl", *common, "--db", str(cl), "--cluster", str(cluster),
                       log=logs / "crawl-cluster.log")  # fmt: skip
        cpu["crawl_cluster"], at = meter.stage(at, cluster=True), meter.read()
        check_one = check_cl = None
        if SAMPLE:
            check_one = run("check", *check, "--db", str(one), "--evidence",
                            str(tmp_path / "ev1"), log=logs / "check-one.log")  # fmt: skip
            cpu["check_one"], at = meter.stage(at, cluster=False), meter.read()
            workers = [
                subprocess.Popen([*EG, "worker", "--cluster", str(cluster), "--concurrency", "2"],
                                 stdout=(logs / f"worker{i}.log").open("wb"),
                                 stderr=subprocess.STDOUT, start_new_session=True)
                for i in range(WORKERS)
            ]  # fmt: skip
            try:
                check_cl = run("check", *check, "--db", str(cl), "--cluster", str(cluster),
                               log=logs / "check-cluster.log")  # fmt: skip
            finally:
                for w in workers:
                    with suppress(ProcessLookupError):
                        os.killpg(w.pid, signal.SIGTERM)
                for w in workers:
                    w.wait(timeout=120)
            cpu["check_cluster"] = meter.stage(at, cluster=True)
    pages = {"one": count(one, "pages"), "cluster": count(cl, "pages")}
    checks = {"one": count(one, "service_checks"), "cluster": count(cl, "service_checks")}
    with sqlite3.connect(cl) as conn:
        summary_text, *span = conn.execute(
            "select summary, started_at, ended_at from runs where stage='crawl' order by id desc"
        ).fetchone()
    summary = json.loads(summary_text)
    shards = len(summary["shards"])
    out = {
        "demo": {"portals": portals, "national_level": sum(GROUPS), "communes": COMMUNES,
                 "pages_per_portal": PAGES, "max_pages": MAX_PAGES,
                 "services_per_portal": SERVICES, "sample": SAMPLE,
                 "build_s": round(build_s, 1), "serve_start_s": round(serve_s, 1)},
        "cluster_setup": {"scrapyd_nodes": NODES, "max_proc": 1, "workers": WORKERS,
                          "worker_concurrency": 2, "per_host": 1, "shard_size": shard_size,
                          "shards": shards},
        "pages": pages,
        "checks": checks,
        "one": {"crawl_s": round(crawl_one, 1),
                "pages_per_s": round(pages["one"] / crawl_one, 2)},
        "cluster": {"crawl_s": round(crawl_cl, 1), "merge_s": summary.get("merge_s"),
                    "pages_per_s": round(pages["cluster"] / crawl_cl, 2)},
        "cores": os.cpu_count(),
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
    }  # fmt: skip
    out["crawl_share"] = round(out["cluster"]["pages_per_s"] / out["one"]["pages_per_s"], 2)
    # per CPU second: what distribution costs whatever bounds the wall time (requests in flight)
    out["cpu"] = cpu
    for side in ("one", "cluster"):
        out[side]["pages_per_cpu_s"] = round(pages[side] / cpu[f"crawl_{side}"]["cpu_s"], 2)
    out["crawl_cpu_share"] = round(
        out["cluster"]["pages_per_cpu_s"] / out["one"]["pages_per_cpu_s"], 2
    )
    if SAMPLE:
        out["one"].update(check_s=round(check_one, 1),
                          checks_per_s=round(checks["one"] / check_one, 2))  # fmt: skip
        out["cluster"].update(check_s=round(check_cl, 1),
                              checks_per_s=round(checks["cluster"] / check_cl, 2))  # fmt: skip
        out["check_share"] = round(out["cluster"]["checks_per_s"] / out["one"]["checks_per_s"], 2)
        for side in ("one", "cluster"):
            out[side]["checks_per_cpu_s"] = round(checks[side] / cpu[f"check_{side}"]["cpu_s"], 3)
        out["check_cpu_share"] = round(
            out["cluster"]["checks_per_cpu_s"] / out["one"]["checks_per_cpu_s"], 2
        )
        for side, db in (("one", one), ("cluster", cl)):
            out[side].update(walk_span(db))
            out[side]["walks_per_s"] = round(checks[side] / max(1, out[side]["walks_s"]), 2)
    out["overhead_per_shard_s"] = round((crawl_cl - crawl_one) / shards, 2)
    out["node_gaps"] = node_gaps(tmp_path, tuple(span))
    dest = ROOT / "output" / "bench"
    dest.mkdir(parents=True, exist_ok=True)
    name = f"communes-{sum(GROUPS)}+{COMMUNES}{'' if SAMPLE else '-crawl'}-p{MAX_PAGES}.json"
    (dest / name).write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(json.dumps(out, indent=2))
    # the same portals were assessed both ways (a lost shard would show here, not as speed)
    assert pages["cluster"] > 0.95 * pages["one"]
    assert checks["cluster"] == checks["one"]
