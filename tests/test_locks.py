"""crawler.core.locks with real processes: one holds, the next is refused with the holder named; kill -9
of the holder lets the next take over; racing processes never both acquire."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from crawler.core import store
from crawler.core.locks import LockHeld, current_lock, run_lock, stale_reason

HOLDER = textwrap.dedent(
    """
    import sys, time
    from crawler.core import store
    from crawler.core.locks import run_lock, LockHeld
    db = store.connect(sys.argv[1])
    start_at, hold = float(sys.argv[2]), float(sys.argv[3])
    while time.time() < start_at:
        time.sleep(0.005)
    try:
        with run_lock(db, "2026Q4", sys.argv[4], heartbeat_every=0.2,
                      on_takeover=lambda n: print("TAKEOVER " + n, flush=True)):
            print("HELD", flush=True)
            time.sleep(hold)
    except LockHeld as exc:
        print("REFUSED " + str(exc), flush=True)
        sys.exit(2)
    """
)


def _spawn(tmp_path, db_path, hold: float, stage: str, start_at: float = 0.0):
    script = tmp_path / "holder.py"
    if not script.exists():
        script.write_text(HOLDER)
    return subprocess.Popen(
        [sys.executable, str(script), str(db_path), str(start_at), str(hold), stage],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_line(proc, timeout=30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            return line.strip()
        if proc.poll() is not None:
            break
    raise AssertionError(f"no output; stderr: {proc.stderr.read()[-2000:]}")


def test_second_process_refused_then_takes_over_after_kill9(tmp_path):
    db_path = tmp_path / "e.db"
    store.connect(db_path).conn.close()
    holder = _spawn(tmp_path, db_path, 120, "crawl")
    try:
        assert _wait_line(holder) == "HELD"
        second = _spawn(tmp_path, db_path, 0, "score")
        line = _wait_line(second)
        assert second.wait(30) == 2
        assert line.startswith("REFUSED ")
        assert "\n" not in line
        for part in ("`crawl`", f"pid {holder.pid}", socket.gethostname(), "started 20"):
            assert part in line, line
        # heartbeat moves while the holder lives
        db = store.connect(db_path)
        first = current_lock(db, "2026Q4")["heartbeat_epoch"]
        time.sleep(0.8)
        assert current_lock(db, "2026Q4")["heartbeat_epoch"] > first
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        third = _spawn(tmp_path, db_path, 0.1, "run")
        out = third.communicate(timeout=30)[0]
        assert third.returncode == 0, out
        assert f"TAKEOVER took over the stale lock of `crawl` (pid {holder.pid}" in out
        assert "is not running" in out
        assert "HELD" in out
        assert current_lock(db, "2026Q4") is None  # released on exit
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        if holder.poll() is None:
            os.kill(holder.pid, signal.SIGKILL)
            holder.wait(10)


def test_racing_processes_exactly_one_acquires(tmp_path):
    db_path = tmp_path / "e.db"
    store.connect(db_path).conn.close()
    start_at = time.time() + 3.0
    procs = [_spawn(tmp_path, db_path, 6.0, f"stage{i}", start_at) for i in range(6)]
    outs = []
    try:
        for p in procs:
            outs.append(p.communicate(timeout=60)[0])
    finally:
        for p in procs:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
    held = [o for o in outs if "HELD" in o]
    refused = [o for o in outs if o.startswith("REFUSED")]
    assert len(held) == 1, outs
    assert len(refused) == 5, outs


def test_same_quarter_other_quarter_and_nesting(tmp_path):
    db = store.connect(tmp_path / "e.db")
    with run_lock(db, "2026Q4", "run", heartbeat_every=0) as outer:
        assert not outer["nested"]
        with run_lock(db, "2026Q4", "crawl") as inner:  # `run` calls the stages
            assert inner["nested"]
        assert current_lock(db, "2026Q4")["stage"] == "run"
        with run_lock(db, "2026Q3", "score", heartbeat_every=0):
            assert current_lock(db, "2026Q3")["stage"] == "score"
    assert current_lock(db, "2026Q4") is None
    assert current_lock(db, "2026Q3") is None


def test_lock_released_when_the_stage_raises(tmp_path):
    db = store.connect(tmp_path / "e.db")
    with pytest.raises(RuntimeError), run_lock(db, "2026Q4", "check", heartbeat_every=0):
        raise RuntimeError("boom")
    assert current_lock(db, "2026Q4") is None


def _row(**kw):
    row = {
        "quarter": "2026Q4",
        "stage": "crawl",
        "pid": os.getpid(),
        "hostname": socket.gethostname(),
        "proc_start": None,
        "token": "t",
        "started_at": "2026-11-23T05:00:00+00:00",
        "heartbeat_at": "2026-11-23T05:00:00+00:00",
        "heartbeat_epoch": time.time(),
    }
    row.update(kw)
    return row


def test_stale_rules():
    assert stale_reason(_row()) is None
    assert "no heartbeat" in stale_reason(_row(heartbeat_epoch=time.time() - 1000))
    other = _row(hostname="elsewhere.example", pid=1)
    assert stale_reason(other) is None  # another host: only the heartbeat can tell
    assert "no heartbeat" in stale_reason(other, now=time.time() + 10_000)
    assert "another process" in stale_reason(_row(proc_start=1.0))


def test_foreign_host_fresh_lock_refuses_and_stale_one_is_taken(tmp_path):
    db = store.connect(tmp_path / "e.db")
    current_lock(db, "2026Q4")  # creates the table
    db.conn.execute(
        "INSERT INTO locks VALUES (?,?,?,?,?,?,?,?,?)",
        ("2026Q4", "crawl", 4242, "other-host", None, "x", "s", "h", time.time()),
    )
    with pytest.raises(LockHeld, match="pid 4242 on other-host"), run_lock(db, "2026Q4", "score"):
        pass
    db.conn.execute("UPDATE locks SET heartbeat_epoch = ?", (time.time() - 3600,))
    notes = []
    with run_lock(db, "2026Q4", "score", heartbeat_every=0, on_takeover=notes.append):
        assert current_lock(db, "2026Q4")["stage"] == "score"
    assert notes and "no heartbeat" in notes[0]
