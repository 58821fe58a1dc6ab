"""Throwaway Scrapyd nodes and a throwaway PostgreSQL for tests and benchmarks, on loopback only.

Each is a context manager that starts the real daemon in its own process group and stops it
(and anything it started) on exit, so a failing test leaves no orphan behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from crawler.cluster import scrapyd

SCRAPY_CFG = "[settings]\ndefault = crawler.settings\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop_group(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=timeout)
    # crawls the daemon started are in the same group: none may outlive the test
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=timeout)


@contextmanager
def scrapyd_node(workdir: Path, *, port: int | None = None, max_proc: int = 1) -> Iterator[str]:
    """A Scrapyd daemon run from a folder holding scrapy.cfg (no eggs); yields its URL."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    (workdir / "scrapy.cfg").write_text(SCRAPY_CFG, encoding="utf-8")
    (workdir / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"max_proc = {max_proc}\n"
        "poll_interval = 0.2\n"
        "jobstorage = scrapyd.jobstorage.SqliteJobStorage\n"
        f"dbs_dir = {workdir / 'dbs'}\n"
        f"logs_dir = {workdir / 'logs'}\n"
        f"eggs_dir = {workdir / 'eggs'}\n"
        "items_dir =\n",
        encoding="utf-8",
    )
    exe = Path(sys.executable).with_name("scrapyd")
    log = (workdir / "scrapyd.out").open("ab")
    proc = subprocess.Popen(
        [str(exe), "--nodaemon", "--pidfile="],
        cwd=workdir,
        stdout=log,
        stderr=log,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while scrapyd.daemonstatus(url) is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"scrapyd on {url} did not start; see {workdir}/scrapyd.out")
            time.sleep(0.2)
        yield url
    finally:
        _stop_group(proc)
        log.close()


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for base in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (base / name).exists():
            return str(base / name)
    raise RuntimeError(f"{name} not found: apt-get install -y postgresql")


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def postgres_cluster(*, port: int | None = None) -> Iterator[str]:
    """initdb into a fresh temp dir, start on a free loopback port, yield a DSN, stop on exit.

    The dir is made directly under the system temp folder: the `postgres` user cannot enter
    pytest's private tmp_path."""
    root = Path(tempfile.mkdtemp(prefix="egovrank-pg-"))
    os.chmod(root, 0o755)
    data, sock = root / "pgdata", root / "pgsock"
    sock.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    port = port or free_port()
    subprocess.run(
        _as_postgres(
            [_pg_bin("initdb"), "-D", str(data), "--auth=trust", "-U", "postgres", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_postgres(
            [
                _pg_bin("pg_ctl"),
                "-D",
                str(data),
                "-o",
                opts,
                "-l",
                str(root / "pg.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=90,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)
