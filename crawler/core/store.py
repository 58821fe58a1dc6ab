"""The one SQLite database every stage reads and writes (sqlite-utils over a tuned connection).

Each owner of tables declares them, with every column's meaning, and its migrations in its own
named set (crawler/core/schema.py; sets in crawler/core/tables.py, crawler/catalogues/tables.py,
crawler/browser/tables.py, scoring/tables.py, scoring/review_tables.py, scoring/campaign_tables.py).
Applied migrations are recorded by name in `_sqlite_migrations`; a database from a newer egovrank
is refused rather than guessed at. Every observation table has a natural key that includes the
quarter, so re-running a stage upserts instead of duplicating.
"""

from __future__ import annotations

import importlib
import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import entry_points
from pathlib import Path

import sqlite_utils

from crawler.core import schema
from crawler.core.errors import InputError
from crawler.core.status import RunStatus, check

DEFAULT_DB = Path("output") / "egovrank.db"
BUSY_TIMEOUT_S = 60
MIGRATIONS_TABLE = "_sqlite_migrations"


def connect(path: str | Path = DEFAULT_DB, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and migrate) the database with WAL, foreign keys and a long busy timeout."""
    path = Path(path)
    if not create and not path.exists():
        raise InputError(f"{path}: no database here; run `egovrank db init --db {path}` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: not an SQLite database ({exc}); point --db elsewhere") from None
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    db = sqlite_utils.Database(conn)
    migrate(db, path)
    return db


# PRAGMA user_version: 1..7 were the old single numbered list (now `legacy=` marks on the
# migrations of the sets); SCHEMA_VERSION says "named sets", and keeps an egovrank from before the
# sets refusing this database instead of guessing at it.
LEGACY_VERSIONS = 7
SCHEMA_VERSION = 100
_LEGACY = "_legacy"


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def _load_sets() -> dict[str, schema.MigrationSet]:
    """Every owner's set: the modules listed under the `egovrank.tables` entry points
    (pyproject.toml), the kernel's first. Importing a module registers its set."""
    import crawler.browser.tables  # noqa: F401
    import crawler.catalogues.tables  # noqa: F401
    import crawler.core.tables  # noqa: F401

    for ep in entry_points(group="egovrank.tables"):
        importlib.import_module(ep.value)

    first = ("core", "services", "checks")  # the kernel first: other sets may refer to it
    return {
        **{n: schema.SETS[n] for n in first},
        **{n: s for n, s in schema.SETS.items() if n not in first},
    }


def applied_migrations(db: sqlite_utils.Database) -> dict[str, list[str]]:
    """Applied migration names by set (the _legacy mark aside)."""
    if MIGRATIONS_TABLE not in db.table_names():
        return {}
    out: dict[str, list[str]] = {}
    for mset, name in db.execute(
        f"select migration_set, name from [{MIGRATIONS_TABLE}] order by rowid"
    ).fetchall():
        if mset != _LEGACY:
            out.setdefault(mset, []).append(name)
    return out


def describe_schema(db: sqlite_utils.Database) -> str:
    """One line: each set's applied and known migrations (`core 3/3, scoring 3/3, ...`)."""
    done = applied_migrations(db)
    return ", ".join(
        f"{name} {len(done.get(name, []))}/{len(s.migrations)}" for name, s in _load_sets().items()
    )


def migrate(db: sqlite_utils.Database, path: str | Path = "database") -> list[str]:
    """Apply each loaded set's pending migrations, each in its own transaction; return them.

    A database from the old numbered list (user_version 1..7) keeps its rows: the migrations it
    already holds (marked `legacy=`) are recorded as applied, not run. A newer database (a
    user_version this egovrank does not know, or a migration name a known set lacks) is
    refused and left untouched.
    """
    sets = _load_sets()
    current = schema_version(db)
    if current > SCHEMA_VERSION or LEGACY_VERSIONS < current < SCHEMA_VERSION:
        raise InputError(
            f"{path}: schema version {current} is newer than this egovrank knows "
            f"({SCHEMA_VERSION}); upgrade egovrank or use another --db"
        )
    done = applied_migrations(db)
    for mset, names in done.items():
        known = {m.name for m in sets[mset].migrations} if mset in sets else None
        unknown = [n for n in names if known is not None and n not in known]
        if unknown:
            raise InputError(
                f"{path}: migration {mset}/{unknown[0]} is newer than this egovrank knows; "
                "upgrade egovrank or use another --db"
            )
    pending = [
        (mset, m)
        for mset in sets.values()
        for m in mset.migrations
        if m.name not in done.get(mset.name, ())
    ]
    if current == SCHEMA_VERSION and not pending:
        return []  # up to date: no write lock taken, so opening never waits on a busy writer
    with transaction(db):
        if MIGRATIONS_TABLE not in db.table_names():
            schema.tables()[MIGRATIONS_TABLE].create(db)
        if 0 < current <= LEGACY_VERSIONS:
            db[MIGRATIONS_TABLE].insert(
                {"migration_set": _LEGACY, "name": str(current), "applied_at": now()},
                ignore=True,
            )
        if current != SCHEMA_VERSION:
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    legacy = db.execute(
        f"select max(cast(name as integer)) from [{MIGRATIONS_TABLE}] where migration_set = ?",
        [_LEGACY],
    ).fetchone()[0]
    applied: list[str] = []
    for mset, m in pending:
        with transaction(db):  # another process may have applied it meanwhile: look again
            if db.execute(
                f"select 1 from [{MIGRATIONS_TABLE}] where migration_set = ? and name = ?",
                [mset.name, m.name],
            ).fetchone():
                continue
            if not (legacy and m.legacy and m.legacy <= legacy):
                m.apply(db)
            db[MIGRATIONS_TABLE].insert(
                {"migration_set": mset.name, "name": m.name, "applied_at": now()}
            )
        applied.append(f"{mset.name}/{m.name}")
    return applied


def table_counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {name: db[name].count for name in sorted(db.table_names())}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction: all of it lands or none does (kill -9 included)."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def _rank_group(e) -> str:
    """The group an entity is ranked in (a registry Entity's rank_group; else its group)."""
    return getattr(e, "rank_group", None) or e.group


def sync_quarter_entities(db, quarter, entities, registry_hash: str) -> None:
    """Record which entities (and which portal URLs) a quarter assesses."""
    stamp = now()
    with transaction(db):
        db["entities"].upsert_all(
            [
                {
                    "id": e.id,
                    "name_vi": e.name_vi,
                    "name_en": e.name_en,
                    "entity_group": _rank_group(e),
                    "updated_at": stamp,
                }
                for e in entities
            ],
            pk="id",
        )
        db["quarter_entities"].upsert_all(
            [
                {
                    "quarter": str(quarter),
                    "entity_id": e.id,
                    "entity_group": _rank_group(e),
                    "name_vi": e.name_vi,
                    "name_en": e.name_en,
                    "portal_url": e.portal_url,
                    "dvc_url": e.dvc_url,
                    "allow_private": int(e.allow_private),
                    "registry_hash": registry_hash,
                }
                for e in entities
            ],
            pk=("quarter", "entity_id"),
        )


def start_run(db, quarter, stage: str, *, config_hash="", model_version="", args=None) -> int:
    """Record a stage run; every stage starts here, so this is where a closed quarter refuses."""
    from crawler import __version__
    from crawler.campaign import refuse_if_closed

    refuse_if_closed(db, str(quarter), stage)
    with transaction(db):
        return (
            db["runs"]
            .insert(
                {
                    "quarter": str(quarter),
                    "stage": stage,
                    "status": RunStatus.RUNNING,
                    "started_at": now(),
                    "pid": os.getpid(),
                    "hostname": socket.gethostname(),
                    "tool_version": __version__,
                    "config_hash": config_hash,
                    "model_version": model_version,
                    "args": json.dumps(args or {}, ensure_ascii=False),
                }
            )
            .last_pk
        )


def finish_run(db, run_id: int, status: str, summary=None, error: str | None = None) -> None:
    """End a run as `status`, one of RunStatus (a stray string is refused, not stored)."""
    check(RunStatus, status)
    with transaction(db):
        db["runs"].update(
            run_id,
            {
                "status": status,
                "ended_at": now(),
                "summary": json.dumps(summary or {}, ensure_ascii=False),
                "error": error,
            },
        )
