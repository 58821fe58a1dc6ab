"""Benchmark: the full-size demo builds in seconds and the server is not a crawl's bottleneck."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from crawler.demo.bench import bench_urls, measure
from crawler.demo.build import build_demo
from crawler.demo.testing import free_port, running_demo

pytestmark = pytest.mark.bench


def test_full_size_build_and_throughput(tmp_path):
    started = time.monotonic()
    build_demo(tmp_path, entities=100, pages=500, services=100, seed=1, port=free_port())
    build_s = time.monotonic() - started
    assert build_s < 10, build_s
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    with running_demo(tmp_path):
        result = asyncio.run(measure(bench_urls(truth), 5, 64))
    print(f"build {build_s:.1f} s; {json.dumps(result)}")
    assert set(result["statuses"]) == {200}
    assert result["requests_per_s"] > 1000
