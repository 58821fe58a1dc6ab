"""Throughput through the cluster path against one process, on the same 2 cores.

One demo (24 entities x 100 pages x 10 services, politeness off), crawled and checked once by one
process and once through 3 Scrapyd nodes and 2 browser workers on this machine. Every node
shares the same cores, so this measures what distribution costs (scheduling, shard files,
merge, queue), not what more machines gain. Writes output/bench/cluster.json.
Run alone: `.venv/bin/python -m pytest -q -m "bench and cluster" tests/benchmarks/test_bench_cluster.py -s`.
"""

from __future__ import annotations

import json
import os
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

pytestmark = [pytest.mark.bench, pytest.mark.cluster]
ROOT = Path(__file__).resolve().parents[2]
EG = [sys.executable, "-m", "scoring"]
Q = "2026Q4"
ENTITIES, PAGES, SERVICES, SAMPLE = 24, 100, 10, 5


def run(*args):
    t = time.monotonic()
    done = subprocess.run([*EG, *args], capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    return time.monotonic() - t


def test_cluster_throughput(tmp_path):
    from crawler.demo.build import build_demo
    from crawler.demo.testing import free_port, running_demo

    demo = tmp_path / "demo"
    build_demo(demo, entities=ENTITIES, pages=PAGES, services=SERVICES, seed=3, port=free_port())
    cfg = yaml.safe_load((ROOT / "config" / "crawl.yaml").read_text(encoding="utf-8"))
    cfg["limits"].update(download_timeout_s=3, retries=1)
    (tmp_path / "crawl.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    common = ["--quarter", Q, "--entities", str(demo / "entities.yaml"), "--as-of", "2026-12-31",
              "--no-politeness", "--config", str(tmp_path / "crawl.yaml"),
              "--ca-file", str(demo / "certs" / "demo-ca.pem"), "--max-pages", str(PAGES)]  # fmt: skip
    out: dict = {"demo": {"entities": ENTITIES, "pages": PAGES, "sample": SAMPLE}}
    with ExitStack() as st:
        st.enter_context(running_demo(demo))
        one = tmp_path / "one.db"
        crawl_one = run("crawl", *common, "--db", str(one))
        check_one = run("check", "--quarter", Q, "--db", str(one), "--sample", str(SAMPLE),
                        "--no-audits", "--evidence", str(tmp_path / "ev1"))  # fmt: skip
        nodes = [st.enter_context(scrapyd_node(tmp_path / f"node{i}")) for i in range(3)]
        dsn = st.enter_context(postgres_cluster())
        spec = {"nodes": [{"url": u, "shard_dir": str(tmp_path / f"local{i}")}
                          for i, u in enumerate(nodes)],
                "queue": {"dsn": dsn, "per_host": 1, "stalled_after_s": 30},
                "shard_size": 4, "evidence": str(tmp_path / "ev2"), "poll_s": 0.5}  # fmt: skip
        cluster = tmp_path / "cluster.yaml"
        cluster.write_text(yaml.safe_dump(spec), encoding="utf-8")
        cl = tmp_path / "cl.db"
        crawl_cl = run("crawl", *common, "--db", str(cl), "--cluster", str(cluster))
        workers = [
            subprocess.Popen([*EG, "worker", "--cluster", str(cluster), "--concurrency", "2"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
            for _ in range(2)
        ]  # fmt: skip
        try:
            check_cl = run("check", "--quarter", Q, "--db", str(cl), "--sample", str(SAMPLE),
                           "--no-audits", "--cluster", str(cluster))  # fmt: skip
        finally:
            for w in workers:
                with suppress(ProcessLookupError):
                    os.killpg(w.pid, signal.SIGTERM)
            for w in workers:
                w.wait(timeout=60)
    pages = sqlite3.connect(one).execute("select count(*) from pages").fetchone()[0]
    checks = sqlite3.connect(one).execute("select count(*) from service_checks").fetchone()[0]
    summary = json.loads(
        sqlite3.connect(cl)
        .execute("select summary from runs where stage='crawl' order by id desc")
        .fetchone()[0]
    )
    shards = len(summary["shards"])
    out.update(
        pages=pages,
        checks=checks,
        shards=shards,
        one={"crawl_s": round(crawl_one, 1), "check_s": round(check_one, 1),
             "pages_per_s": round(pages / crawl_one, 2), "checks_per_s": round(checks / check_one, 2)},
        cluster={"crawl_s": round(crawl_cl, 1), "check_s": round(check_cl, 1),
                 "merge_s": summary["merge_s"],
                 "pages_per_s": round(pages / crawl_cl, 2), "checks_per_s": round(checks / check_cl, 2)},
    )  # fmt: skip
    out["crawl_share"] = round(crawl_one / crawl_cl, 2)
    out["check_share"] = round(check_one / check_cl, 2)
    out["overhead_per_shard_s"] = round(max(0.0, crawl_cl - crawl_one) / shards, 2)
    dest = ROOT / "output" / "bench"
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "cluster.json").write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(json.dumps(out, indent=2))
