"""One run at a time per (database, quarter): a lock row, taken with BEGIN IMMEDIATE.

    with run_lock(db, quarter, "crawl"):
        ...  # the stage

A second process asking for the same quarter in the same database gets LockHeld (an InputError,
so the CLI prints one line and exits 2) naming the holder: stage, pid, host, start time and last
heartbeat. The holder refreshes `heartbeat_at` from a daemon thread every HEARTBEAT_S seconds. A
lock is stale, and is taken over, when its process is gone (same host: the pid is not alive, or
the pid now belongs to a process started later than the lock), or when its heartbeat is older
than `stale_after` (any host). kill -9 of a holder therefore costs nothing but the takeover.

The same process may nest locks (`egovrank run` holds the quarter and calls each stage, which asks
again): the inner one is granted and the outer one keeps owning the row.

The table is declared here (LOCKS) and created by the core migration set; each use also creates
it IF NOT EXISTS, so the lock works on any database handed to it, migrated or not.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from crawler.core.errors import InputError
from crawler.core.schema import Column, Table

HEARTBEAT_S = 15.0
STALE_AFTER_S = 180.0

LOCKS = Table(
    "locks",
    "The run lock: one run per database and quarter (crawler/core/locks.py).",
    [
        Column("quarter", str, "Quarter assessed, YYYYQn."),
        Column("stage", str, "Stage holding the lock.", not_null=True),
        Column("pid", int, "Holder's process id.", not_null=True),
        Column("hostname", str, "Holder's machine.", not_null=True),
        Column("proc_start", float, "Holder's process start time (pid reuse check)."),
        Column("token", str, "Lock token.", not_null=True),
        Column("started_at", str, "When taken (UTC).", not_null=True),
        Column("heartbeat_at", str, "Last heartbeat (UTC).", not_null=True),
        Column("heartbeat_epoch", float, "Last heartbeat (Unix time).", not_null=True),
    ],
    pk=("quarter",),
)
_DDL = LOCKS.sql(if_not_exists=True)[0]

_local_holds: dict[tuple[str, str], int] = {}
_local_mutex = threading.Lock()


class LockHeld(InputError):
    """Another live run holds this database and quarter."""


def _now() -> tuple[str, float]:
    t = time.time()
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds"), t


def process_start(pid: int) -> float | None:
    """Seconds since boot when `pid` started (Linux /proc), to tell a reused pid apart."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (killed, not yet reaped by its parent) is dead for our purposes
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def stale_reason(row: dict, *, stale_after: float = STALE_AFTER_S, now: float | None = None):
    """Why the lock `row` no longer protects a live run, or None if it does."""
    now = time.time() if now is None else now
    age = now - float(row["heartbeat_epoch"])
    if row["hostname"] == socket.gethostname():
        pid = int(row["pid"])
        if not pid_alive(pid):
            return f"pid {pid} is not running"
        started = process_start(pid)
        recorded = row["proc_start"]
        if started is not None and recorded is not None and abs(started - float(recorded)) > 1.0:
            return f"pid {pid} now belongs to another process"
    if age > stale_after:
        return f"no heartbeat for {age:.0f} s"
    return None


def _db_path(db) -> str:
    conn = db.conn if hasattr(db, "conn") else db
    for _, name, path in conn.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return path
    return ""


def describe(row: dict) -> str:
    return (
        f"`{row['stage']}` (pid {row['pid']} on {row['hostname']}, started {row['started_at']}, "
        f"last heartbeat {row['heartbeat_at']})"
    )


def ensure_table(db) -> None:
    """Create the lock table if absent (store.connect calls it, so taking and releasing a
    lock leaves a database's content as it was)."""
    conn = db.conn if hasattr(db, "conn") else db
    conn.execute(_DDL)


def current_lock(db, quarter) -> dict | None:
    conn = db.conn if hasattr(db, "conn") else db
    conn.execute(_DDL)
    cur = conn.execute("SELECT * FROM locks WHERE quarter = ?", (str(quarter),))
    row = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], row, strict=True)) if row else None


def acquire(db, quarter, stage: str, *, stale_after: float = STALE_AFTER_S) -> tuple[str, str]:
    """Take the lock or raise LockHeld; returns (token, takeover note or "")."""
    conn = db.conn if hasattr(db, "conn") else db
    conn.execute(_DDL)
    stamp, epoch = _now()
    token = uuid.uuid4().hex
    note = ""
    conn.execute("BEGIN IMMEDIATE")
    try:
        cur = conn.execute("SELECT * FROM locks WHERE quarter = ?", (str(quarter),))
        row = cur.fetchone()
        if row is not None:
            held = dict(zip([c[0] for c in cur.description], row, strict=True))
            reason = stale_reason(held, stale_after=stale_after, now=epoch)
            if reason is None:
                raise LockHeld(
                    f"{_db_path(db) or 'database'}: quarter {quarter} is being processed by "
                    f"{describe(held)}; wait for it to finish, or use another --db"
                )
            note = f"took over the stale lock of {describe(held)}: {reason}"
        conn.execute(
            "INSERT OR REPLACE INTO locks (quarter, stage, pid, hostname, proc_start, token, "
            "started_at, heartbeat_at, heartbeat_epoch) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                str(quarter),
                stage,
                os.getpid(),
                socket.gethostname(),
                process_start(os.getpid()),
                token,
                stamp,
                stamp,
                epoch,
            ),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return token, note


def release(db, quarter, token: str) -> None:
    conn = db.conn if hasattr(db, "conn") else db
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM locks WHERE quarter = ? AND token = ?", (str(quarter), token))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class _Heartbeat(threading.Thread):
    def __init__(self, path: str, quarter: str, token: str, every: float):
        super().__init__(name=f"egovrank-lock-heartbeat-{quarter}", daemon=True)
        self.path, self.quarter, self.token, self.every = path, quarter, token, every
        self.stop = threading.Event()
        self.lost = False

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            while not self.stop.wait(self.every):
                stamp, epoch = _now()
                try:
                    cur = conn.execute(
                        "UPDATE locks SET heartbeat_at = ?, heartbeat_epoch = ? "
                        "WHERE quarter = ? AND token = ?",
                        (stamp, epoch, self.quarter, self.token),
                    )
                    if cur.rowcount == 0:
                        self.lost = True
                except sqlite3.Error:
                    continue
        finally:
            conn.close()


@contextmanager
def run_lock(
    db,
    quarter,
    stage: str,
    *,
    stale_after: float = STALE_AFTER_S,
    heartbeat_every: float = HEARTBEAT_S,
    on_takeover=None,
) -> Iterator[dict]:
    """Hold the (database, quarter) lock for the duration of the block.

    Yields {"token", "takeover"}; `on_takeover(note)` is called when a stale lock was replaced
    (the CLI prints it on stderr). Raises LockHeld when a live run holds it.
    """
    path = _db_path(db)
    key = (os.path.realpath(path) if path else str(id(db)), str(quarter))
    with _local_mutex:
        nested = _local_holds.get(key, 0) > 0
        if nested:
            _local_holds[key] += 1
    if nested:
        try:
            yield {"token": None, "takeover": "", "nested": True}
        finally:
            with _local_mutex:
                _local_holds[key] -= 1
        return
    token, note = acquire(db, quarter, stage, stale_after=stale_after)
    if note and on_takeover:
        on_takeover(note)
    with _local_mutex:
        _local_holds[key] = 1
    beat = None
    if path and heartbeat_every > 0:
        beat = _Heartbeat(path, str(quarter), token, heartbeat_every)
        beat.start()
    try:
        yield {"token": token, "takeover": note, "nested": False}
    finally:
        if beat is not None:
            beat.stop.set()
            beat.join(timeout=5)
        with _local_mutex:
            _local_holds.pop(key, None)
        release(db, quarter, token)
