"""Merging finished shard databases into the quarter database: one transaction, plain INSERTs.

Shards never overlap by construction, so an overlapping row means two shards crawled the same
thing (a bad cut, or one shard file given twice): the INSERT fails and the whole merge is rolled
back, with one line naming the file, table and key. Re-running the merge first deletes, in the
same transaction, every row whose key the shards hold, so it replaces rather than duplicates;
rows a later stage wrote over (findings and services with source `browser`, which supersede the
crawl's) are kept, so a merge re-run after `check` does not undo the check.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crawler.core import store
from crawler.core.errors import InputError

# The tables a crawl writes, with their natural keys (crawler/core/store.py).
TABLES = {
    "frontier": ("quarter", "url"),
    "pages": ("quarter", "url"),
    "services": ("quarter", "url"),
    "findings": ("quarter", "entity_id", "criterion"),
    "browser_work": ("quarter", "entity_id", "kind", "url"),
}


# Rows of a later stage that the crawl's rows must not replace.
KEEP = {
    "findings": "source = 'browser'",
    "services": "source = 'browser'",
    "browser_work": "state = 'done'",  # handled by the check stage already
}


class MergeRefused(InputError):
    """Two shards hold the same row: nothing was merged."""


def _open(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise InputError(f"{path}: shard database missing; re-run the shard before merging")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = None
    return conn


def _columns(conn, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def merge_shards(db, quarter: str, shard_files: list[str | Path]) -> dict[str, int]:
    """Copy every shard's crawl rows of `quarter` into `db`; returns rows merged per table."""
    files = [Path(f) for f in shard_files]
    conns = [_open(f) for f in files]
    counts = dict.fromkeys(TABLES, 0)
    main = db.conn
    try:
        with store.transaction(db):
            keep = {
                table: set(
                    main.execute(
                        f"select {', '.join(TABLES[table])} from {table} "
                        f"where quarter = ? and {cond}",
                        [quarter],
                    )
                )
                for table, cond in KEEP.items()
            }
            for table, pk in TABLES.items():
                where = " and ".join(f"{k} = ?" for k in pk)
                kept = keep.get(table, set())
                for conn in conns:
                    keys = conn.execute(
                        f"select {', '.join(pk)} from {table} where quarter = ?", [quarter]
                    )
                    main.executemany(
                        f"delete from {table} where {where}", (k for k in keys if k not in kept)
                    )
            for table, pk in TABLES.items():
                target = set(_columns(main, table))
                for path, conn in zip(files, conns, strict=True):
                    cols = [c for c in _columns(conn, table) if c in target]
                    sql = (
                        f"insert into {table} ({', '.join(cols)}) "
                        f"values ({', '.join('?' * len(cols))})"
                    )
                    idx = [cols.index(k) for k in pk]
                    kept = keep.get(table, set())
                    rows = conn.execute(
                        f"select {', '.join(cols)} from {table} where quarter = ?", [quarter]
                    )
                    for row in rows:
                        if kept and tuple(row[i] for i in idx) in kept:
                            continue  # the browser's row supersedes the crawl's
                        try:
                            main.execute(sql, row)
                        except sqlite3.IntegrityError:
                            key = ", ".join(str(row[i]) for i in idx)
                            raise MergeRefused(
                                f"{path}: merge refused, {table} row ({key}) is also in another "
                                "shard; shards must not overlap (nothing was merged)"
                            ) from None
                        counts[table] += 1
    finally:
        for conn in conns:
            conn.close()
    return counts
