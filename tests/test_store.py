"""The SQLite store: schema, migrations, refusals, idempotent upserts, transactions."""

import sqlite3
from pathlib import Path

import pytest

from crawler.core import store
from crawler.core.errors import InputError
from crawler.core.quarters import Quarter
from crawler.core.registry import Entity
from crawler.core.schema import Migration


def entity(i):
    return Entity(
        id=f"e{i}",
        name_vi=f"Tỉnh {i}",
        name_en=f"P{i}",
        group="province",
        portal_url=f"https://p{i}.gov.vn/",
        valid_from="2020-01-01",
    )


FIXTURES = Path(__file__).parent / "fixtures"


def test_new_database_has_every_table_and_version(tmp_path):
    db = store.connect(tmp_path / "a.db")
    assert store.schema_version(db) == store.SCHEMA_VERSION
    assert {"pages", "findings", "services", "service_checks", "rankings", "overrides"} <= set(
        db.table_names()
    )
    applied = store.applied_migrations(db)
    for name, mset in store._load_sets().items():
        assert applied[name] == [m.name for m in mset.migrations], name
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert db.execute("pragma busy_timeout").fetchone()[0] > 5000


def test_each_table_is_declared_by_exactly_one_owner():
    seen: dict[str, str] = {}
    for name, mset in store._load_sets().items():
        for t in mset.tables:
            assert t.name not in seen, (t.name, seen.get(t.name), name)
            seen[t.name] = name
    assert seen["rankings"] == "scoring" and seen["pages"] == "core"
    assert seen["locks"] == "core" and seen["campaigns"] == "campaign"


def test_a_new_migration_in_one_set_runs_once_and_keeps_rows(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    db = store.connect(path)
    store.sync_quarter_entities(db, Quarter.parse("2026Q4"), [entity(1)], "h")
    db.conn.close()
    core = store._load_sets()["core"]
    calls = []

    def m099_short_name(d):
        calls.append(1)
        d["entities"].add_column("short_name", str)

    monkeypatch.setattr(
        core, "migrations", [*core.migrations, Migration("m099", m099_short_name, None)]
    )
    db = store.connect(path)
    assert "short_name" in db["entities"].columns_dict
    assert db["entities"].count == 1
    assert store.applied_migrations(db)["core"][-1] == "m099"
    db.conn.close()
    store.connect(path)
    assert calls == [1]


def _columns(db) -> dict[str, list[tuple]]:
    return {
        t: [(c.name, c.type) for c in db[t].columns]
        for t in db.table_names()
        if t != store.MIGRATIONS_TABLE
    }


@pytest.mark.parametrize("version", [3, 7])
def test_a_database_of_the_old_numbered_list_upgrades_without_loss(tmp_path, version):
    """Made by the old single MIGRATIONS list (tests/fixtures/make_legacy_db.py): rows kept,
    what it held marked applied and not re-run, the rest applied, the shape of a new one."""
    path = tmp_path / "legacy.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / f"legacy_v{version}.sql").read_text(encoding="utf-8"))
    assert conn.execute("pragma user_version").fetchone()[0] == version
    before = {
        t: conn.execute(f"select * from [{t}] order by rowid").fetchall()
        for t in ("entities", "pages", "findings", "rankings", "overrides")
    }
    conn.close()
    db = store.connect(path)
    assert store.schema_version(db) == store.SCHEMA_VERSION
    for table, rows in before.items():
        width = len(rows[0])
        assert [r[:width] for r in db.execute(f"select * from [{table}] order by rowid")] == rows
    assert _columns(db) == _columns(store.connect(tmp_path / "fresh.db"))
    # v3 lacked the coverage migration: it runs (and marks the old row assessed); v7 held it,
    # so it is marked applied, not re-run (its row, written after it, stays as it was)
    assessed = db.execute("select assessed from rankings").fetchone()[0]
    assert assessed == (1 if version == 3 else None)
    if version >= 7:
        assert db["declared_services"].count == 1 and db["campaigns"].count == 1
    applied = store.applied_migrations(db)
    assert applied["scoring"] == ["m001_scores", "m002_score_detail", "m003_coverage"]
    legacy = db.execute(
        f"select name from [{store.MIGRATIONS_TABLE}] where migration_set = '_legacy'"
    ).fetchall()
    assert legacy == [(str(version),)]
    db.conn.close()
    assert store.migrate(store.connect(path)) == []


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "new.db"
    store.connect(path).conn.execute(f"pragma user_version = {store.SCHEMA_VERSION + 5}")
    before = path.read_bytes()
    with pytest.raises(InputError, match="newer than this egovrank knows"):
        store.connect(path)
    assert (
        sqlite3.connect(path).execute("pragma user_version").fetchone()[0]
        == store.SCHEMA_VERSION + 5
    )
    assert len(path.read_bytes()) == len(before)


def test_a_migration_this_egovrank_does_not_know_is_refused(tmp_path):
    path = tmp_path / "new.db"
    db = store.connect(path)
    db[store.MIGRATIONS_TABLE].insert(
        {"migration_set": "scoring", "name": "m999_future", "applied_at": "2027-01-01"}
    )
    db.conn.close()
    with pytest.raises(InputError, match="scoring/m999_future is newer than this egovrank"):
        store.connect(path)


def test_syncing_twice_does_not_duplicate(tmp_path):
    db = store.connect(tmp_path / "a.db")
    q = Quarter.parse("2026Q4")
    for _ in range(2):
        store.sync_quarter_entities(db, q, [entity(1), entity(2)], "h")
    assert db["quarter_entities"].count == 2 and db["entities"].count == 2


def test_transaction_rolls_back_on_error(tmp_path):
    db = store.connect(tmp_path / "a.db")
    with pytest.raises(RuntimeError), store.transaction(db):
        db["overrides"].insert({"quarter": "2026Q4", "entity_id": "x", "criterion": "info.about"})
        raise RuntimeError("boom")
    assert db["overrides"].count == 0


def test_every_column_is_in_the_data_dictionary(tmp_path):
    from scoring.dictionary import TABLES

    db = store.connect(tmp_path / "a.db")
    for table in db.table_names():
        described = TABLES.get(table, ("", {}))[1]
        missing = [c.name for c in db[table].columns if c.name not in described]
        assert not missing, (table, missing)


def test_the_demo_starts_from_an_empty_database(tmp_path):
    """A rebuilt demo serves on a new port: the last run's rows would be skipped as done."""
    from scoring.pipeline import run_demo

    stale = store.connect(str(tmp_path / "egovrank.db"))
    stale["findings"].insert({"quarter": "2026Q4", "entity_id": "x", "criterion": "info.about"})
    stale.conn.close()
    (tmp_path / "notes.txt").write_text("kept")
    assert run_demo(tmp_path, quarters=())["ok"]
    assert not list(tmp_path.glob("egovrank.db*"))
    assert (tmp_path / "notes.txt").read_text() == "kept"
