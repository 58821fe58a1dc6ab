"""The SQLite store: schema, migrations, refusals, idempotent upserts, transactions."""

import sqlite3

import pytest

from crawler.core import store
from crawler.core.errors import InputError
from crawler.core.quarters import Quarter
from crawler.core.registry import Entity


def entity(i):
    return Entity(
        id=f"e{i}",
        name_vi=f"Tỉnh {i}",
        name_en=f"P{i}",
        group="province",
        portal_url=f"https://p{i}.gov.vn/",
        valid_from="2020-01-01",
    )


def test_new_database_has_every_table_and_version(tmp_path):
    db = store.connect(tmp_path / "a.db")
    assert store.schema_version(db) == store.SCHEMA_VERSION
    assert {"pages", "findings", "services", "service_checks", "rankings", "overrides"} <= set(
        db.table_names()
    )
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert db.execute("pragma busy_timeout").fetchone()[0] > 5000


def test_migrating_an_existing_database_keeps_its_rows(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    db = store.connect(path)
    store.sync_quarter_entities(db, Quarter.parse("2026Q4"), [entity(1)], "h")
    db.conn.close()
    extra = lambda d: d["entities"].add_column("short_name", str)  # noqa: E731
    migrations = [*store.MIGRATIONS, extra]
    monkeypatch.setattr(store, "MIGRATIONS", migrations)
    monkeypatch.setattr(store, "SCHEMA_VERSION", len(migrations))
    db = store.connect(path)
    assert store.schema_version(db) == store.SCHEMA_VERSION
    assert "short_name" in db["entities"].columns_dict
    assert db["entities"].count == 1


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
