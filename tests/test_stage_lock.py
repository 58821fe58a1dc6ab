"""Every stage command takes the quarter lock: with one `egovrank` stage running on a database
and quarter, each other stage command started on the same ones refuses with the one-line lock
message, exit 2, and the database is left as it was (every pair of crawl, check, score, report).

The first process is held mid-stage without touching the lock: the crawl on a loopback server
that accepts and never answers; check and score on a registry given as a named pipe, which the
stage reads after taking the lock; the report on a report.html that is a named pipe. The test
lets each go by answering, and the holder then finishes (exit 0)."""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from crawler.core import store

Q = "2026Q4"
STAGES = ("crawl", "check", "score", "report")
EGOVRANK = Path(sys.executable).with_name("egovrank")


def _registry(port: int) -> str:
    return textwrap.dedent(
        f"""
        entities:
          - id: bo-a
            name_vi: Bộ A
            name_en: Ministry A
            group: ministry
            portal_url: http://127.0.0.1:{port}/
            valid_from: 2020-01-01
            allow_private: true
        """
    )


class Hanging:
    """A loopback HTTP server that accepts connections, reads the request and never answers
    until released (then 404s): a crawl against it stays inside the stage."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.seen = threading.Event()
        self.go = threading.Event()
        self.conns = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        try:
            conn.recv(65536)
            self.seen.set()
            self.go.wait()
            conn.sendall(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.go.set()
        self.sock.close()


def _cmd(stage: str, db: Path, tmp: Path, registry: Path, config: Path) -> list[str]:
    base = [str(EGOVRANK), stage, "--quarter", Q, "--db", str(db)]
    return (
        base
        + {
            "crawl": ["--entities", str(registry), "--no-politeness", "--config", str(config)],
            "check": ["--no-audits"],
            "score": [],
            "report": ["--out", str(tmp / "second-report"), "--no-pdf"],
        }[stage]
    )


def _content(db: Path) -> str:
    """Every row and the schema, the lock row aside from its heartbeat (the holder's heartbeat
    thread refreshes it while the second process runs)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        dump = [line for line in conn.iterdump() if not line.startswith('INSERT INTO "locks"')]
        holder = conn.execute("select quarter, stage, pid, token from locks").fetchall()
    finally:
        conn.close()
    return hashlib.sha256(repr((dump, holder)).encode()).hexdigest()


def _lock_row(db: Path):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("select stage, pid from locks where quarter = ?", [Q]).fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()


def _wait(cond, what: str, proc, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"holder exited ({proc.returncode}) before {what}: {out}\n{err}")
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _steady(db: Path, proc) -> str:
    """The database's content once the holder has stopped writing (it waits on its input)."""
    last = None
    for _ in range(200):
        now = _content(db)
        if now == last:
            return now
        last = now
        if proc.poll() is not None:
            pytest.fail(f"holder exited early: {proc.communicate()}")
        time.sleep(0.5)
    pytest.fail("the holder kept writing")


def _release(pipe: Path, text: str) -> None:
    """Give the holder its registry through the named pipe it is blocked on. It reads the file
    twice (hash, then parse): the pipe is replaced by a regular file with the same text before
    the first read can end, so the second read finds the file."""
    regular = pipe.with_name(pipe.name + ".file")
    regular.write_text(text, encoding="utf-8")
    with open(pipe, "w", encoding="utf-8") as f:  # the holder has it open already: no wait
        f.write(text)
        f.flush()
        os.replace(regular, pipe)


@pytest.mark.skipif(not EGOVRANK.exists(), reason="the egovrank script is not installed")
@pytest.mark.parametrize("first", STAGES)
def test_second_stage_command_refuses_while_one_runs(tmp_path, first):
    server = Hanging()
    try:
        db = tmp_path / "egovrank.db"
        registry = tmp_path / "entities.yaml"
        registry.write_text(_registry(server.port), encoding="utf-8")
        config = tmp_path / "crawl.yaml"
        crawl_yaml = (Path(__file__).parent.parent / "config" / "crawl.yaml").read_text()
        # no download timeout while the test holds the crawl (it answers when released)
        config.write_text(crawl_yaml.replace("download_timeout_s: 20", "download_timeout_s: 600"))
        assert "download_timeout_s: 600" in config.read_text()
        store.connect(db).conn.close()
        env = {**os.environ}
        env.pop("EGOVRANK_HELD_LOCK", None)
        if first == "report":  # the report needs a scored quarter
            done = subprocess.run(
                [str(EGOVRANK), "score", "--quarter", Q, "--db", str(db),
                 "--entities", str(registry)],
                capture_output=True, text=True, timeout=300, env=env,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr

        pipe = None
        if first == "crawl":
            cmd = _cmd("crawl", db, tmp_path, registry, config)
        elif first in ("check", "score"):
            pipe = tmp_path / "fifo-entities.yaml"
            os.mkfifo(pipe)
            cmd = [str(EGOVRANK), first, "--quarter", Q, "--db", str(db), "--entities", str(pipe)]
            cmd += ["--no-audits"] if first == "check" else []
        else:
            out = tmp_path / "held-report"
            out.mkdir()
            pipe = out / "report.html"
            os.mkfifo(pipe)
            cmd = [str(EGOVRANK), "report", "--quarter", Q, "--db", str(db), "--out", str(out),
                   "--no-pdf"]  # fmt: skip
        holder = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        try:
            _wait(lambda: _lock_row(db) is not None, "taking the lock", holder)
            assert _lock_row(db) == (first, holder.pid)
            if first == "crawl":
                _wait(server.seen.is_set, "the crawl's first request", holder)
            before = _steady(db, holder)
            for second in STAGES:
                proc = subprocess.run(
                    _cmd(second, db, tmp_path, registry, config),
                    capture_output=True, text=True, timeout=300, env=env,
                )  # fmt: skip
                lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
                assert proc.returncode == 2, (second, proc.returncode, proc.stderr)
                assert len(lines) == 1, (second, proc.stderr)
                assert f"quarter {Q} is being processed by `{first}`" in lines[0], lines[0]
                assert f"pid {holder.pid}" in lines[0] and "Traceback" not in proc.stderr
                assert _content(db) == before, f"`{second}` changed the database"
                assert holder.poll() is None, "the holder must still be running"
            # let the holder go: it finishes its stage and releases the lock
            if first == "crawl":
                server.go.set()
            elif first in ("check", "score"):
                _release(pipe, registry.read_text(encoding="utf-8"))
            else:
                with open(pipe, encoding="utf-8") as f:
                    assert "<html" in f.read().lower()
            out, err = holder.communicate(timeout=600)
            assert holder.returncode == 0, (out, err)
        finally:
            if holder.poll() is None:
                holder.kill()
                holder.wait()
        assert _lock_row(db) is None
        conn = sqlite3.connect(db)
        runs = conn.execute(
            "select stage, status from runs where quarter = ? order by id", [Q]
        ).fetchall()
        conn.close()
        seeded = [("score", "done")] if first == "report" else []
        assert runs == [*seeded, (first, "done")]  # the refused commands recorded no runs
    finally:
        server.close()


def test_run_composes_its_stages_under_its_own_lock(tmp_path):
    """`egovrank run` holds the lock and its stage subprocesses run under it (a child that did
    not inherit it would be refused); a forged token does not open the lock to anyone else."""
    from crawler.core.locks import current_lock, run_lock
    from crawler.core.quarters import Quarter
    from crawler.core.registry import load_registry
    from crawler.core.stage import LOCK_ENV, held_lock_env
    from scoring.pipeline import run_quarter

    db_path = tmp_path / "egovrank.db"
    registry = tmp_path / "entities.yaml"
    registry.write_text(_registry(9), encoding="utf-8")
    db = store.connect(db_path)
    reg = load_registry(registry)
    store.sync_quarter_entities(db, Q, reg.select(Quarter.parse(Q)), reg.content_hash)
    for stage in ("crawl", "check"):  # done already: run skips them
        store.finish_run(db, store.start_run(db, Q, stage), "done")
    lines: list[str] = []
    summary = run_quarter(
        Quarter.parse(Q),
        db_path=str(db_path),
        stage_args={"report": ["--out", str(tmp_path / "report"), "--no-pdf"]},
        log_dir=tmp_path / "logs",
        echo=lines.append,
    )
    assert summary["ok"], "\n".join(lines)
    assert [(s["stage"], s["status"]) for s in summary["stages"]] == [
        ("crawl", "skipped"), ("check", "skipped"), ("score", "done"), ("report", "done"),
    ]  # fmt: skip
    assert (tmp_path / "report" / "report.html").is_file()
    assert current_lock(db, Q) is None
    stages = [r[0] for r in db.execute("select stage from runs order by id").fetchall()]
    assert stages == ["crawl", "check", "run", "score", "report"]

    with run_lock(db, Q, "crawl", heartbeat_every=0) as held:
        before = _content(db_path)
        forged = {**held_lock_env(db, Q, held["token"])}
        forged[LOCK_ENV] = forged[LOCK_ENV].replace(held["token"], "0" * 32)
        other_q = held_lock_env(db, "2026Q3", held["token"])
        for env in (forged, other_q):
            proc = subprocess.run(
                [str(EGOVRANK), "score", "--quarter", Q, "--db", str(db_path)],
                capture_output=True, text=True, timeout=300, env=env,
            )  # fmt: skip
            assert proc.returncode == 2, proc.stderr
            assert "is being processed by `crawl`" in proc.stderr
            assert _content(db_path) == before
