"""Run a built demo in a subprocess for tests and benchmarks: `with running_demo(out): ...`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crawler.demo.server import SITE_FILE

_SERVE = "from scoring.cli import main; main()"


def free_port(hosts: tuple[str, ...] = ("127.0.0.1", "127.1.0.1", "127.2.0.1")) -> int:
    """A port that is free on a few of the demo's addresses (the kernel picks it)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            for host in hosts[1:]:
                with socket.socket() as s:
                    s.bind((host, port))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port found on the demo addresses")


def demo_hosts(out_dir: Path) -> tuple[list[str], int]:
    """The addresses the server listens on (every reachable host), and its port."""
    site = json.loads((Path(out_dir) / SITE_FILE).read_text(encoding="utf-8"))
    hosts = [site["identity_host"], site["payment_host"], site.get("national_host", "127.3.0.3")]
    for e in site["entities"]:
        if e["reachable"]:
            hosts += [e["host"], e["dvc_host"]]
    return hosts, site["port"]


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def running_demo(
    out_dir: Path | str, *, port: int | None = None, timeout: float = 30.0
) -> Iterator[subprocess.Popen]:
    """Start `egovrank demo serve OUT`, wait until every host accepts connections, stop on exit."""
    out_dir = Path(out_dir)
    hosts, built_port = demo_hosts(out_dir)
    port = port or built_port
    cmd = [sys.executable, "-c", _SERVE, "demo", "serve", str(out_dir)]
    if port != built_port:
        cmd += ["--port", str(port)]
    log = (out_dir / "serve.log").open("ab")
    proc = subprocess.Popen(
        cmd, stdout=log, stderr=log, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    try:
        deadline = time.monotonic() + timeout
        waiting = list(hosts)
        while waiting:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"demo server exited with {proc.returncode}; see {out_dir}/serve.log"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"demo hosts not answering after {timeout:.0f} s: {waiting[:3]}")
            waiting = [h for h in waiting if not _answers(h, port)]
            if waiting:
                time.sleep(0.1)
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
