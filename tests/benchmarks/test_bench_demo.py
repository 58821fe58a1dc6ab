"""The demo web itself: a full-size demo builds in seconds, and its server answers far faster
than a crawl asks, so the crawl figures measure egovrank, not the demo."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from crawler.demo.bench import bench_urls, measure
from crawler.demo.build import build_demo
from crawler.demo.testing import free_port, running_demo
from tests.benchmarks.harness import QUICK, record

pytestmark = [pytest.mark.bench, pytest.mark.timeout(600)]

SECONDS = 2 if QUICK else 5


def test_full_size_build_and_throughput(tmp_path):
    started = time.monotonic()
    build_demo(tmp_path, entities=100, pages=500, services=100, seed=1, port=free_port())
    build_s = time.monotonic() - started
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    with running_demo(tmp_path):
        result = asyncio.run(measure(bench_urls(truth), SECONDS, 64))
    data = {
        "what": "demo build (100 entities x 500 pages x 100 services) and server throughput",
        "build_s": round(build_s, 2),
        "server": result,
    }
    print("\ndemo:", data)
    headline = {
        "build 100 x 500 x 100, s": data["build_s"],
        "server, requests/s (64 connections)": result["requests_per_s"],
    }
    record("demo", data, headline=headline)
    assert set(result["statuses"]) == {200}
