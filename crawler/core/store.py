"""The one SQLite database every stage reads and writes (sqlite-utils over a tuned connection).

Schema changes are migrations, applied in order and recorded in `PRAGMA user_version`; a
database from a newer egovrank is refused rather than guessed at. Every observation table has a
natural key that includes the quarter, so re-running a stage upserts instead of duplicating.
The data dictionary (docs/data-dictionary.md) describes every column; keep it in step.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from crawler.core.errors import InputError

DEFAULT_DB = Path("output") / "egovrank.db"
BUSY_TIMEOUT_S = 60


def _m001_core(db: sqlite_utils.Database) -> None:
    db["entities"].create(
        {"id": str, "name_vi": str, "name_en": str, "entity_group": str, "updated_at": str},
        pk="id",
    )
    db["quarter_entities"].create(
        {
            "quarter": str,
            "entity_id": str,
            "entity_group": str,
            "name_vi": str,
            "name_en": str,
            "portal_url": str,
            "dvc_url": str,
            "allow_private": int,
            "registry_hash": str,
        },
        pk=("quarter", "entity_id"),
        foreign_keys=[("entity_id", "entities", "id")],
    )
    db["runs"].create(
        {
            "id": int,
            "quarter": str,
            "stage": str,
            "status": str,
            "started_at": str,
            "ended_at": str,
            "pid": int,
            "hostname": str,
            "tool_version": str,
            "config_hash": str,
            "model_version": str,
            "args": str,
            "summary": str,
            "log_path": str,
            "error": str,
        },
        pk="id",
    )
    db["runs"].create_index(["quarter", "stage"])
    db["frontier"].create(
        {
            "quarter": str,
            "url": str,
            "entity_id": str,
            "site": str,
            "depth": int,
            "priority": int,
            "state": str,
            "found_on": str,
            "link_text": str,
        },
        pk=("quarter", "url"),
    )
    db["frontier"].create_index(["quarter", "entity_id", "state"])
    db["pages"].create(
        {
            "quarter": str,
            "url": str,
            "entity_id": str,
            "site": str,
            "host": str,
            "depth": int,
            "fetched_at": str,
            "http_status": int,
            "fetch_status": str,
            "error": str,
            "final_url": str,
            "content_type": str,
            "bytes": int,
            "elapsed_ms": float,
            "title": str,
            "lang": str,
            "facts": str,
        },
        pk=("quarter", "url"),
    )
    db["pages"].create_index(["quarter", "entity_id"])
    db["findings"].create(
        {
            "quarter": str,
            "entity_id": str,
            "criterion": str,
            "value": str,
            "numeric": float,
            "status": str,
            "evidence_url": str,
            "http_status": int,
            "link_text": str,
            "excerpt": str,
            "selector": str,
            "detail": str,
            "source": str,
            "observed_at": str,
        },
        pk=("quarter", "entity_id", "criterion"),
    )
    db["services"].create(
        {
            "quarter": str,
            "url": str,
            "entity_id": str,
            "name": str,
            "code": str,
            "declared": str,
            "declared_raw": str,
            "source": str,
            "catalogue_url": str,
            "tt32_fields": str,
            "found_at": str,
        },
        pk=("quarter", "url"),
    )
    db["services"].create_index(["quarter", "entity_id"])
    db["service_checks"].create(
        {
            "quarter": str,
            "url": str,
            "entity_id": str,
            "state": str,
            "attempts": int,
            "stratum": str,
            "declared": str,
            "observed": str,
            "status": str,
            "reached": str,
            "identity_provider": str,
            "has_form": int,
            "has_upload": int,
            "has_submit": int,
            "payment": int,
            "delivery": str,
            "final_url": str,
            "entry_text": str,
            "steps": str,
            "screenshot": str,
            "error": str,
            "started_at": str,
            "finished_at": str,
        },
        pk=("quarter", "url"),
    )
    db["service_checks"].create_index(["quarter", "entity_id", "state"])
    db["check_samples"].create(
        {
            "quarter": str,
            "entity_id": str,
            "population": int,
            "sample_size": int,
            "seed": str,
            "verified": int,
            "checked": int,
            "verified_share": float,
            "ci_low": float,
            "ci_high": float,
        },
        pk=("quarter", "entity_id"),
    )
    db["page_audits"].create(
        {
            "quarter": str,
            "url": str,
            "entity_id": str,
            "status": str,
            "violations_critical": int,
            "violations_serious": int,
            "violations_moderate": int,
            "violations_minor": int,
            "axe": str,
            "overflow_px": int,
            "viewport_meta": int,
            "screenshot": str,
            "audited_at": str,
        },
        pk=("quarter", "url"),
    )
    db["overrides"].create(
        {
            "id": int,
            "quarter": str,
            "entity_id": str,
            "criterion": str,
            "value": str,
            "reason": str,
            "author": str,
            "created_at": str,
            "revoked_at": str,
            "revoked_by": str,
            "revoke_reason": str,
        },
        pk="id",
    )
    db["overrides"].create_index(["quarter", "entity_id", "criterion"])
    db["reported"].create(
        {
            "quarter": str,
            "entity_id": str,
            "indicator": str,
            "value": float,
            "source_document": str,
            "source_file": str,
            "source_line": int,
            "imported_at": str,
        },
        pk=("quarter", "entity_id", "indicator"),
    )
    db["criterion_scores"].create(
        {
            "quarter": str,
            "model_version": str,
            "entity_id": str,
            "criterion": str,
            "pillar": str,
            "raw_value": str,
            "score": float,
            "weight": float,
            "status": str,
            "policy": str,
            "override_id": int,
            "reported": int,
            "model_hash": str,
        },
        pk=("quarter", "model_version", "entity_id", "criterion"),
    )
    db["pillar_scores"].create(
        {
            "quarter": str,
            "model_version": str,
            "entity_id": str,
            "pillar": str,
            "score": float,
            "weight": float,
            "coverage": float,
        },
        pk=("quarter", "model_version", "entity_id", "pillar"),
    )
    db["rankings"].create(
        {
            "quarter": str,
            "model_version": str,
            "entity_id": str,
            "entity_group": str,
            "index_value": float,
            "rank": int,
            "prev_rank": int,
            "movement": int,
            "significant": int,
            "uncertainty": float,
            "coverage": float,
            "overrides_used": int,
            "model_hash": str,
            "scored_at": str,
        },
        pk=("quarter", "model_version", "entity_id"),
    )


def _m002_page_headers(db: sqlite_utils.Database) -> None:
    """Security headers of each page, for tech.headers (JSON object, lower-case names)."""
    db["pages"].add_column("headers", str)


def _m003_score_detail(db: sqlite_utils.Database) -> None:
    """Sampling margin and source of each criterion score; the rank interval behind significance."""
    db["criterion_scores"].add_column("margin", float)
    db["criterion_scores"].add_column("source", str)
    db["rankings"].add_column("rank_best", int)
    db["rankings"].add_column("rank_worst", int)


def _m004_packaging_coverage(db: sqlite_utils.Database) -> None:
    """The coverage policy: whether an entity was assessed, and why not (its rank is then NULL)."""
    db["rankings"].add_column("assessed", int)
    db["rankings"].add_column("not_assessed_reason", str)
    db.execute("update rankings set assessed = 1 where assessed is null")


def _m005_campaign_states(db: sqlite_utils.Database) -> None:
    """A quarter's campaign state and its published editions; errata marked on overrides."""
    db["campaigns"].create(
        {
            "quarter": str,
            "state": str,
            "retest_until": str,
            "frozen_at": str,
            "published_at": str,
            "published_by": str,
            "updated_at": str,
        },
        pk="quarter",
    )
    db["editions"].create(
        {
            "quarter": str,
            "number": int,
            "kind": str,
            "model_version": str,
            "created_at": str,
            "created_by": str,
            "changes": str,
            "out": str,
        },
        pk=("quarter", "number"),
    )
    db["overrides"].add_column("erratum", int)
    db["overrides"].add_column("edition", int)


def _m006_review_tokens(db: sqlite_utils.Database) -> None:
    """Evaluators' tokens for an exposed review UI (only a hash is stored; revoked, not deleted)."""
    db["review_tokens"].create(
        {"name": str, "token_hash": str, "created_at": str, "revoked_at": str},
        pk="token_hash",
    )


def _m007_services_declared(db: sqlite_utils.Database) -> None:
    """Declared levels per service and agency from the national rows, and where the entity's
    own portal shows another level (recorded, never settled by "first row wins")."""
    db["declared_services"].create(
        {
            "quarter": str,
            "entity_id": str,
            "service_code": str,
            "agency_code": str,
            "agency_name": str,
            "name": str,
            "declared": str,
            "declared_raw": str,
            "status": str,
            "status_raw": str,
            "citizen_url": str,
            "family": str,
            "sign_in": str,
            "adapter": str,
            "catalogue_url": str,
            "found_at": str,
        },
        pk=("quarter", "entity_id", "service_code", "agency_code"),
    )
    db["service_conflicts"].create(
        {
            "quarter": str,
            "entity_id": str,
            "service_code": str,
            "agency_code": str,
            "national": str,
            "national_raw": str,
            "portal": str,
            "portal_raw": str,
            "portal_url": str,
            "found_at": str,
        },
        pk=("quarter", "entity_id", "service_code", "agency_code", "portal_url"),
    )


# Append new migrations; never edit one that has shipped.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m001_core,
    _m002_page_headers,
    _m003_score_detail,
    _m004_packaging_coverage,
    _m005_campaign_states,
    _m006_review_tokens,
    _m007_services_declared,
]
SCHEMA_VERSION = len(MIGRATIONS)


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


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database, path: str | Path = "database") -> list[int]:
    """Apply pending migrations, each in its own transaction; return the versions applied."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise InputError(
            f"{path}: schema version {current} is newer than this egovrank knows "
            f"({SCHEMA_VERSION}); upgrade egovrank or use another --db"
        )
    applied = []
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with db.conn:
            db.conn.execute("BEGIN IMMEDIATE")
            MIGRATIONS[version - 1](db)
            db.conn.execute(f"PRAGMA user_version={version}")
        applied.append(version)
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
                    "entity_group": e.group,
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
                    "entity_group": e.group,
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
                    "status": "running",
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
