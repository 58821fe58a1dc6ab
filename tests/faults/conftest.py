"""Fixtures of the fault suite: the hostile web, and running egovrank under a memory probe."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


@pytest.fixture(scope="session")
def hostile_web(tmp_path_factory):
    """The hostile server (tests/faults/hostile.py) in its own process; yields {case: url} and
    "submissions", the file where it records every request to a form's /submit endpoints."""
    from crawler.demo.testing import free_port
    from tests.faults.hostile import CASES, urls

    port = free_port(tuple(CASES.values()))
    submissions = tmp_path_factory.mktemp("hostile") / "submissions.jsonl"
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "hostile.py"), str(port), str(submissions)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("READY"), proc.stderr.read()[-2000:]
        yield {**urls(port), "submissions": submissions}
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float
    samples: list = field(default_factory=list)


def egovrank_cmd(*args) -> list[str]:
    return [sys.executable, "-c", "from scoring.cli import main; main()", *map(str, args)]


def run_measured(args: list[str], *, timeout: float, cwd=None) -> Measured:
    """Run a command, sampling the RSS of it and its children every 50 ms; SIGKILL on timeout."""
    start = time.monotonic()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd or ROOT
    )
    peak = 0
    out: dict[str, str] = {}

    def drain(name, stream):
        out[name] = stream.read()

    threads = [
        threading.Thread(target=drain, args=("out", proc.stdout), daemon=True),
        threading.Thread(target=drain, args=("err", proc.stderr), daemon=True),
    ]
    for t in threads:
        t.start()
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        if time.monotonic() - start > timeout:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            break
        try:
            rss = ps.memory_info().rss
            for child in ps.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    rss += child.memory_info().rss
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    for t in threads:
        t.join(10)
    return Measured(
        proc.returncode,
        out.get("out", ""),
        out.get("err", ""),
        time.monotonic() - start,
        peak / 2**20,
    )
