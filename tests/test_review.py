"""`egovrank review`: metadata covers the schema, canned queries run, and the served UI escapes
crawled text and stays on loopback."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crawler.core import store
from scoring.review import build_metadata, canned_queries, datasette_command

ROOT = Path(__file__).resolve().parent.parent
XSS = "<script>alert(1)</script>"
Q = "2026Q4"
PARAMS = {"quarter": Q, "entity": "bo-a"}


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "review.db"
    store.connect(path).conn.close()
    return path


def _params(sql: str) -> dict:
    names = set(re.findall(r"(?<!:):([a-z_]\w*)", sql))
    assert names <= PARAMS.keys(), names
    return {n: PARAMS[n] for n in names}


def test_metadata_describes_every_table_and_column(db_path):
    meta = build_metadata("review")
    tables = meta["databases"]["review"]["tables"]
    conn = sqlite3.connect(db_path)
    names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    assert names
    for name in names:
        assert tables[name]["description"], name
        columns = [r[1] for r in conn.execute(f"pragma table_info([{name}])")]
        missing = [c for c in columns if not tables[name]["columns"].get(c)]
        assert not missing, f"{name}: {missing} not declared in its owner's tables module"
    json.dumps(meta)  # it must serialise as Datasette's --metadata file


@pytest.mark.parametrize("base", ["", "http://127.0.0.1:8001"])
def test_every_canned_query_runs(db_path, base):
    queries = canned_queries(base)
    assert {
        "entity_findings",
        "entity_criterion_scores",
        "declared_full_not_working",
        "biggest_movers",
        "overrides_in_force",
        "screenshots",
    } <= queries.keys()
    conn = sqlite3.connect(db_path)
    for name, query in queries.items():
        assert query["title"] and query["description"], name
        conn.execute(query["sql"], _params(query["sql"])).fetchall()


def test_screenshot_links_and_filters(db_path, tmp_path):
    db = store.connect(db_path)
    root = tmp_path / "elsewhere" / "evidence"
    shot = f"{root}/2026q4/bo-a/0123456789ab-dvc-2-entry.png"
    db["service_checks"].insert_all(
        [
            {"quarter": Q, "url": "http://a/1", "entity_id": "bo-a", "state": "done"}
            | {"declared": "full", "observed": "broken", "screenshot": shot},
            {"quarter": Q, "url": "http://a/2", "entity_id": "bo-a", "state": "done"}
            | {"declared": "full", "observed": "full", "screenshot": None},
            {"quarter": Q, "url": "http://a/3", "entity_id": "bo-a", "state": "pending"}
            | {"declared": "full"},
        ]
    )
    db["rankings"].insert_all(
        [
            {"quarter": Q, "model_version": "1", "entity_id": e, "movement": m, "rank": 1}
            for e, m in (("a", 1), ("b", -5), ("c", None), ("d", 2))
        ]
    )
    queries = canned_queries("http://127.0.0.1:8001")
    rows = db.execute(queries["declared_full_not_working"]["sql"], {"quarter": Q}).fetchall()
    assert [r[5] for r in rows] == ["http://a/1"]
    assert rows[0][-1] == "http://127.0.0.1:8001/evidence/2026q4/bo-a/0123456789ab-dvc-2-entry.png"
    rows = db.execute(queries["screenshots"]["sql"], {"quarter": Q, "entity": ""}).fetchall()
    assert [r[-1] for r in rows] == [
        "http://127.0.0.1:8001/evidence/2026q4/bo-a/0123456789ab-dvc-2-entry.png"
    ]
    rows = db.execute(queries["biggest_movers"]["sql"], {"quarter": Q}).fetchall()
    assert [r[3] for r in rows] == ["b", "d", "a"]


def test_command_is_live_and_local(db_path, tmp_path):
    cmd = datasette_command(
        db_path, tmp_path / "m.json", host="127.0.0.1", port=9, evidence_dir="e"
    )
    assert cmd[:3] == [sys.executable, "-m", "datasette"]
    assert "-i" not in cmd and "--immutable" not in cmd
    assert cmd[cmd.index("--static") + 1] == "evidence:e"


def test_missing_database_is_one_line(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "scoring", "review", "--db", str(tmp_path / "no.db")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.startswith("error:") and "Traceback" not in out.stderr


def _listen_addresses(port: int) -> list[str]:
    """Local addresses of LISTEN sockets on `port`, hex as in /proc/net/tcp{,6}."""
    found = []
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            addr, hexport = fields[1].split(":")
            if fields[3] == "0A" and int(hexport, 16) == port:
                found.append(addr)
    return found


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.read().decode("utf-8")


@pytest.mark.integration
def test_review_serves_escaped_on_loopback(db_path, tmp_path):
    from crawler.demo.testing import free_port

    db = store.connect(db_path)
    db["findings"].insert(
        {"quarter": Q, "entity_id": "bo-a", "criterion": "info.contact", "value": "present"}
        | {"link_text": XSS, "excerpt": XSS, "evidence_url": "http://a.vn/lien-he"}
    )
    evidence = tmp_path / "evidence"
    shot = evidence / "2026q4" / "bo-a" / "0123456789ab-x-2-entry.png"
    shot.parent.mkdir(parents=True)
    shot.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    db["service_checks"].insert(
        {"quarter": Q, "url": "http://a/1", "entity_id": "bo-a", "state": "done"}
        | {"declared": "full", "observed": "broken", "screenshot": str(shot)}
    )
    db.conn.close()

    port = free_port(("127.0.0.1",))
    cmd = [sys.executable, "-m", "scoring", "review", "--db", str(db_path), "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--evidence", str(evidence)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                meta = json.loads(_get(f"{base}/-/metadata.json"))
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "datasette did not start"
                time.sleep(0.2)
        assert "entity_findings" in meta["databases"]["review"]["queries"]

        for page in (
            f"{base}/review/findings",
            f"{base}/review/entity_findings?quarter={Q}&entity=bo-a",
        ):
            html = _get(page)
            assert "&lt;script&gt;alert(1)" in html, page
            assert "<script>alert(1)" not in html, page

        html = _get(f"{base}/review/declared_full_not_working?quarter={Q}")
        link = f"{base}/evidence/2026q4/bo-a/{shot.name}"
        assert f'href="{link}"' in html
        assert urllib.request.urlopen(link, timeout=10).read() == shot.read_bytes()

        # The kernel's own table says where the server listens: only 127.0.0.1 (hex,
        # little-endian), so nothing off this machine can reach it. Read, not probed: no
        # packet goes to a non-loopback address.
        assert _listen_addresses(port) == ["0100007F"]
    finally:
        proc.terminate()
        assert proc.wait(10) == 0
