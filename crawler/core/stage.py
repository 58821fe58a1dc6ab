"""One shape for every stage command: quarter lock, runs row, entities, summary, exit code.

    result = run_stage("score", quarter, db_path, body, entities=Entities.stored(path))

The order is the contract: take the (database, quarter) lock, read the registry, record the
`runs` row (where a closed quarter refuses), record or look up the quarter's entities, run
`body`, finish the runs row. A second stage command on the same database and quarter therefore
refuses with LockHeld (one line, exit 2) before it stores anything.

`egovrank run` holds the lock itself and starts each stage as a subprocess: it passes its lock to
them in EGOVRANK_HELD_LOCK (database, quarter and the lock's token), and a stage that finds that
very lock row held grants itself the lock without taking or releasing it. In one process, nested
stages reuse the lock through run_lock's own nesting.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from crawler.core import store
from crawler.core.errors import InputError
from crawler.core.locks import current_lock, run_lock
from crawler.core.quarters import Quarter

LOCK_ENV = "EGOVRANK_HELD_LOCK"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Entities:
    """Where a stage's entities come from.

    registry: always from a registry file (default config/entities), recorded for the quarter.
    stored: from a registry when given (recorded), else the ones already recorded for the quarter.
    """

    source: str  # "registry", "stored" or "none"
    path: str | None = None
    only: tuple[str, ...] | None = None

    @classmethod
    def registry(cls, path=None, only=None) -> Entities:
        return cls("registry", path, tuple(only) if only else None)

    @classmethod
    def stored(cls, path=None, only=None) -> Entities:
        return cls("stored", path, tuple(only) if only else None)


NO_ENTITIES = Entities("none")


@dataclass
class Stage:
    """What a stage body gets: the open database, its quarter and entities, and a logger."""

    name: str
    db: object
    db_path: str
    quarter: Quarter
    run_id: int
    entities: list = field(default_factory=list)  # registry Entity objects, when read
    entity_ids: list[str] = field(default_factory=list)
    rows: dict[str, dict] = field(default_factory=dict)  # quarter_entities rows by id
    lock_token: str | None = None
    log: Callable[[str], None] = _stderr


@dataclass
class Outcome:
    """A body's result: the summary for the caller, and whether the stage succeeded.
    `record` is what the runs row keeps when it should differ (e.g. without bulky rows)."""

    summary: dict
    ok: bool = True
    record: dict | None = None


@dataclass
class StageResult:
    name: str
    quarter: str
    run_id: int
    status: str
    summary: dict

    @property
    def exit_code(self) -> int:
        """0 done, 1 failed (bad input never gets here: it raises InputError, exit 2)."""
        return 0 if self.status == "done" else 1


@contextmanager
def stage_lock(db, quarter, stage: str, *, on_takeover=None) -> Iterator[dict]:
    """The quarter lock for a stage: inherited from `egovrank run` when it passed its own."""
    inherited = _inherited(db, quarter)
    if inherited:
        yield {"token": inherited, "takeover": "", "nested": True}
        return
    with run_lock(db, quarter, stage, on_takeover=on_takeover) as held:
        if held["token"] is None:  # nested in this process: the outer holder's row
            row = current_lock(db, quarter)
            held = {**held, "token": row["token"] if row else None}
        yield held


def held_lock_env(db, quarter, token: str) -> dict[str, str]:
    """Environment for a child stage process that runs under this process's lock."""
    return {
        **os.environ,
        LOCK_ENV: json.dumps({"db": _real(db), "quarter": str(quarter), "token": token}),
    }


def _real(db) -> str:
    from crawler.core.locks import _db_path

    path = _db_path(db)
    return os.path.realpath(path) if path else ""


def _inherited(db, quarter) -> str | None:
    raw = os.environ.get(LOCK_ENV)
    if not raw:
        return None
    try:
        held = json.loads(raw)
    except ValueError:
        return None
    if held.get("db") != _real(db) or held.get("quarter") != str(quarter):
        return None
    row = current_lock(db, quarter)
    if row is None or row["token"] != held.get("token"):
        return None  # the parent's lock is gone: take it like any other stage
    return row["token"]


def _read_registry(spec: Entities, quarter):
    from crawler.core.registry import load_registry

    if spec.source == "registry" or (spec.source == "stored" and spec.path):
        registry = load_registry(spec.path)
        return registry, registry.select(quarter, spec.only)
    return None, []


def _resolve(db, db_path: str, quarter, spec: Entities, registry, chosen) -> dict[str, dict]:
    q = str(quarter)
    if spec.source == "none":
        return {}
    if registry is not None:
        store.sync_quarter_entities(db, quarter, chosen, registry.content_hash)
        ids = [e.id for e in chosen]
    else:
        ids = [
            r["entity_id"]
            for r in db.query("select entity_id from quarter_entities where quarter = ?", [q])
        ]
        if spec.only:
            unknown = sorted(set(spec.only) - set(ids))
            if unknown:
                raise InputError(
                    f"--only names {', '.join(unknown)}, not crawled in {q}; "
                    "run `egovrank crawl` first"
                )
            ids = [i for i in ids if i in spec.only]
    if not ids:
        raise InputError(
            f"no entities for {q} in {db_path}: run `egovrank crawl --quarter {q}` first "
            "or pass --entities"
        )
    marks = ",".join("?" * len(ids))
    rows = {
        r["entity_id"]: {**r, "allow_private": bool(r["allow_private"])}
        for r in db.query(
            f"select * from quarter_entities where quarter = ? and entity_id in ({marks})",
            [q, *ids],
        )
    }
    return {i: rows[i] for i in ids}


def run_stage(
    name: str,
    quarter,
    db_path: str,
    body: Callable[[Stage], Outcome],
    *,
    entities: Entities = NO_ENTITIES,
    create: bool = True,
    args: dict | None = None,
    config_hash: str = "",
    model_version: str = "",
    log: Callable[[str], None] = _stderr,
) -> StageResult:
    """Run `body` as stage `name` of `quarter` with the lock, the runs row and the entities."""
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(str(quarter))
    db = store.connect(db_path, create=create)
    with stage_lock(db, quarter, name, on_takeover=log) as held:
        registry, chosen = _read_registry(entities, quarter)  # bad input: nothing stored yet
        run_id = store.start_run(  # a closed quarter refuses here, before anything is written
            db, quarter, name, config_hash=config_hash, model_version=model_version, args=args
        )
        try:
            rows = _resolve(db, db_path, quarter, entities, registry, chosen)
            if rows:
                db["runs"].update(
                    run_id, {"args": json.dumps({**(args or {}), "entities": list(rows)})}
                )
            stage = Stage(
                name=name,
                db=db,
                db_path=str(db_path),
                quarter=quarter,
                run_id=run_id,
                entities=chosen,
                entity_ids=list(rows),
                rows=rows,
                lock_token=held["token"],
                log=log,
            )
            outcome = body(stage)
        except BaseException as exc:
            store.finish_run(db, run_id, "failed", error=str(exc)[:500])
            raise
        status = "done" if outcome.ok else "failed"
        store.finish_run(
            db, run_id, status, outcome.summary if outcome.record is None else outcome.record
        )
    return StageResult(name, str(quarter), run_id, status, outcome.summary)
