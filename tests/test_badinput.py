"""Bad input through the real CLI: one line on stderr saying what to do, a non-zero exit, no
traceback, and nothing already stored changes (the database's full dump is compared).

Commands that other stages are still building are probed first; a test whose command is absent
is skipped with that reason and runs as soon as the command lands.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from crawler.core import store
from crawler.core.registry import load_registry

QUARTER = "2026Q4"
GOOD_REGISTRY = textwrap.dedent(
    """
    entities:
      - id: bo-a
        name_vi: Bộ A
        name_en: Ministry A
        group: ministry
        portal_url: http://127.9.0.1:9/
        valid_from: 2020-01-01
        allow_private: true
      - id: tinh-b
        name_vi: Tỉnh B
        name_en: Province B
        group: province
        portal_url: http://127.9.0.2:9/
        valid_from: 2020-01-01
        allow_private: true
    """
)


def _cli_tree() -> dict:
    from scoring.cli import cli

    def walk(group):
        out = {}
        for name, cmd in getattr(group, "commands", {}).items():
            out[name] = walk(cmd) if hasattr(cmd, "commands") else {}
        return out

    return walk(cli)


TREE = _cli_tree()


def has_command(*path: str) -> bool:
    node = TREE
    for part in path:
        if part not in node:
            return False
        node = node[part]
    return True


def needs(*path: str):
    return pytest.mark.skipif(
        not has_command(*path), reason=f"`egovrank {' '.join(path)}` is not built yet"
    )


def run_cli(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from scoring.cli import main; main()", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> str:
    err = proc.stderr.strip()
    assert proc.returncode not in (0, None), (proc.returncode, proc.stdout, err)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    for needle in needles:
        assert needle.lower() in lines[0].lower(), lines[0]
    return lines[0]


def fingerprint(path: Path) -> tuple:
    """The database's logical content (every row, the schema and user_version), and raw bytes
    when it is not an SQLite file."""
    if not path.exists():
        return ("absent",)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        digest = hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    except sqlite3.DatabaseError:
        return ("raw", hashlib.sha256(path.read_bytes()).hexdigest())
    finally:
        conn.close()
    return (version, digest)


@pytest.fixture
def stocked(tmp_path):
    """A database that already holds a quarter's entities, a run and a finding."""
    reg_path = tmp_path / "good.yaml"
    reg_path.write_text(GOOD_REGISTRY, encoding="utf-8")
    registry = load_registry(reg_path)
    db_path = tmp_path / "stocked.db"
    db = store.connect(db_path)
    ents = registry.for_quarter(store_quarter())
    store.sync_quarter_entities(db, QUARTER, ents, registry.content_hash)
    run_id = store.start_run(db, QUARTER, "crawl")
    store.finish_run(db, run_id, "done", {"pages": 1})
    with store.transaction(db):
        db["findings"].insert(
            {
                "quarter": QUARTER,
                "entity_id": "bo-a",
                "criterion": "info.contact",
                "value": "present",
                "status": "ok",
                "source": "crawl",
            }
        )
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return db_path, reg_path


def store_quarter():
    from crawler.core.quarters import Quarter

    return Quarter.parse(QUARTER)


BAD_REGISTRIES = {
    "yaml_syntax": "entities:\n  - id: bo-a\n    name_vi: [unclosed\n",
    "top_level_list": "- id: bo-a\n",
    "no_entities_key": "entity:\n  - id: bo-a\n",
    "item_not_mapping": "entities:\n  - just a string\n",
    "unknown_group": GOOD_REGISTRY.replace("group: province", "group: city"),
    "bad_url": GOOD_REGISTRY.replace("http://127.9.0.2:9/", "ftp://tinh-b.gov.vn/"),
    "missing_name": GOOD_REGISTRY.replace("    name_vi: Bộ A\n", ""),
    "bad_id": GOOD_REGISTRY.replace("id: bo-a", "id: Bo A"),
    "unknown_field": GOOD_REGISTRY.replace(
        "allow_private: true\n", "allow_private: true\n    portal: x\n", 1
    ),
    "period_reversed": GOOD_REGISTRY.replace(
        "valid_from: 2020-01-01\n    allow_private: true\n  - id: tinh-b",
        "valid_from: 2020-01-01\n    valid_to: 2019-01-01\n    allow_private: true\n  - id: tinh-b",
    ),
    "overlapping_ids": GOOD_REGISTRY.replace("id: tinh-b", "id: bo-a"),
    "bad_date": GOOD_REGISTRY.replace("valid_from: 2020-01-01", "valid_from: 2020-13-45", 1),
    "empty_file": "",
    "unknown_successor": GOOD_REGISTRY.replace(
        "allow_private: true\n", "allow_private: true\n    successor: nobody\n", 1
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_REGISTRIES))
def test_malformed_registry_validate(tmp_path, case):
    path = tmp_path / f"{case}.yaml"
    path.write_text(BAD_REGISTRIES[case], encoding="utf-8")
    proc = run_cli("entities", "validate", path)
    line = assert_one_line_error(proc, str(path))
    assert proc.returncode == 2, line


def test_registry_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(GOOD_REGISTRY.encode("utf-8").replace("Bộ A".encode(), b"B\xf4 A"))
    assert_one_line_error(run_cli("entities", "validate", path), str(path))


def test_registry_folder_without_yaml(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert_one_line_error(run_cli("entities", "validate", folder), "no .yaml")
    assert_one_line_error(run_cli("entities", "validate", tmp_path / "nope.yaml"), "no such")


@needs("crawl")
@pytest.mark.parametrize("case", ["yaml_syntax", "unknown_group", "overlapping_ids"])
def test_crawl_with_malformed_registry_changes_nothing(stocked, tmp_path, case):
    db_path, _ = stocked
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_REGISTRIES[case], encoding="utf-8")
    before = fingerprint(db_path)
    proc = run_cli("crawl", "--quarter", QUARTER, "--entities", bad, "--db", db_path)
    assert_one_line_error(proc, str(bad))
    assert fingerprint(db_path) == before


@needs("crawl")
def test_unknown_entity_in_only(stocked):
    db_path, reg = stocked
    before = fingerprint(db_path)
    proc = run_cli(
        "crawl", "--quarter", QUARTER, "--entities", reg, "--only", "bo-a,khong-co", "--db", db_path
    )
    assert_one_line_error(proc, "khong-co", "entities list")
    assert proc.returncode == 2
    assert fingerprint(db_path) == before


@pytest.mark.parametrize("quarter", ["2026Q5", "26Q4", "Q4-2026", "2026q0", ""])
def test_bad_quarter(stocked, quarter):
    db_path, reg = stocked
    before = fingerprint(db_path)
    proc = run_cli("entities", "list", "--quarter", quarter, "--entities", reg)
    assert_one_line_error(proc)
    assert fingerprint(db_path) == before


def _newer(db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    version = store.SCHEMA_VERSION + 7
    conn.execute(f"PRAGMA user_version={version}")
    conn.commit()
    conn.close()
    return version


def test_newer_schema_refused_by_db_commands(stocked):
    db_path, _ = stocked
    version = _newer(db_path)
    before = fingerprint(db_path)
    for args in (("db", "info"), ("db", "migrate"), ("db", "init")):
        proc = run_cli(*args, "--db", db_path)
        assert_one_line_error(proc, f"schema version {version}", "upgrade egovrank")
        assert proc.returncode == 2
    assert fingerprint(db_path) == before


@needs("crawl")
def test_newer_schema_refused_by_crawl(stocked):
    db_path, reg = stocked
    _newer(db_path)
    before = fingerprint(db_path)
    proc = run_cli("crawl", "--quarter", QUARTER, "--entities", reg, "--db", db_path)
    assert_one_line_error(proc, "newer")
    assert fingerprint(db_path) == before


@needs("export", "findings")
def test_newer_schema_refused_by_export(stocked):
    db_path, _ = stocked
    _newer(db_path)
    before = fingerprint(db_path)
    proc = run_cli("export", "findings", "--quarter", QUARTER, "--db", db_path)
    assert_one_line_error(proc, "newer")
    assert fingerprint(db_path) == before


def test_not_a_database(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite\x00" * 300)
    before = path.read_bytes()
    proc = run_cli("db", "info", "--db", path)
    assert_one_line_error(proc, "not an SQLite database")
    assert path.read_bytes() == before


# ---- scoring inputs (the scoring engineer's commands; skipped until they land) -------------

BAD_MODELS = {
    "yaml_syntax": "version: 1\npillars: [unclosed\n",
    "not_mapping": "- a\n- b\n",
    "empty": "",
    "weights_not_numbers": "version: 2026.1\npillars:\n  info:\n    weight: heavy\n",
    "unknown_criterion": "version: x\npillars: {info: {weight: 1}}\ncriteria:\n"
    "  info.abuot: {weight: 1, method: binary, pass: [present]}\n",
    "weights_do_not_sum": "version: x\npillars: {info: {weight: 0.5}}\ncriteria:\n"
    "  info.about: {weight: 1, method: binary, pass: [present]}\n",
    "missing_parameter": "version: x\npillars: {info: {weight: 1}}\ncriteria:\n"
    "  info.about: {weight: 1, method: graded}\n",
}


@needs("score")
@pytest.mark.parametrize("case", sorted(BAD_MODELS))
def test_malformed_model(stocked, tmp_path, case):
    db_path, _ = stocked
    model = tmp_path / f"{case}.yaml"
    model.write_text(BAD_MODELS[case], encoding="utf-8")
    before = fingerprint(db_path)
    proc = run_cli("score", "--quarter", QUARTER, "--db", db_path, "--model", model)
    assert_one_line_error(proc, str(model))
    assert fingerprint(db_path) == before


def test_override_unknown_criterion(stocked):
    db_path, _ = stocked
    before = fingerprint(db_path)
    proc = run_cli(
        "override", "set", "bo-a", "info.khong_ton_tai", "present",
        "--quarter", QUARTER, "--db", db_path, "--reason", "test", "--by", "tester",
    )  # fmt: skip
    assert_one_line_error(proc, "info.khong_ton_tai")
    assert fingerprint(db_path) == before


HEADER = "entity_id,indicator,value,source_document\n"
BAD_CSVS = {
    "wrong_columns": "entity,what,amount\nbo-a,x,1\n",
    "out_of_range": HEADER + "bo-a,reported.policy,1.7,VB 1\n",
    "negative": HEADER + "bo-a,reported.policy,-0.2,VB 1\n",
    "not_a_number": HEADER + "bo-a,reported.policy,many,VB 1\n",
    "unknown_entity": HEADER + "khong-co,reported.policy,0.5,VB\n",
    "unknown_indicator": HEADER + "bo-a,dvc.online_share,0.5,VB\n",
    "good_line_then_bad": HEADER + "bo-a,reported.policy,0.5,VB\nbo-a,reported.policy,0.6,VB\n",
    "empty": "",
}


@pytest.mark.parametrize("case", sorted(BAD_CSVS))
def test_reported_csv_rejected(stocked, tmp_path, case):
    db_path, _ = stocked
    csv_path = tmp_path / f"{case}.csv"
    csv_path.write_text(BAD_CSVS[case], encoding="utf-8")
    before = fingerprint(db_path)
    proc = run_cli("import", "reported", "--quarter", QUARTER, "--db", db_path, csv_path)
    assert_one_line_error(proc, csv_path.name)
    assert fingerprint(db_path) == before
