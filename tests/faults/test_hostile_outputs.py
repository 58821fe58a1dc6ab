"""Hostile strings crawled from a page (titles, link texts, excerpts with <script>, event handlers,
javascript: links, formula-like text, 100 KB strings) come out escaped in every HTML output
(report.html, audit pages, the Datasette view) and as plain text in the xlsx; evidence file names
built from hostile URLs stay inside their folder."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.faults.conftest import ROOT, egovrank_cmd
from tests.faults.hostile import FORMULA, XSS_MARK

pytestmark = pytest.mark.faults

QUARTER = "2026Q4"
HOSTILE_NAME = f'Tỉnh <script>alert("{XSS_MARK}-name")</script>'
# What must never appear in an HTML output: a live tag or handler carrying the marker.
LIVE = re.compile(
    rf"<script>alert\(\"{XSS_MARK}|<svg onload=alert\(\"{XSS_MARK}|<img src=x onerror=|"
    rf"href=\"javascript:alert\('{XSS_MARK}|onclick=\"alert\('{XSS_MARK}",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def crawled(hostile_web, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("outputs")
    reg = tmp / "reg.yaml"
    reg.write_text(
        "entities:\n"
        f"  - id: hostile-xss\n    name_vi: '{HOSTILE_NAME}'\n    name_en: X\n    group: province\n"
        f"    portal_url: {hostile_web['xss']}\n    valid_from: 2020-01-01\n    allow_private: true\n"
        f"  - id: hostile-normal\n    name_vi: Tỉnh B\n    name_en: B\n    group: province\n"
        f"    portal_url: {hostile_web['normal']}\n    valid_from: 2020-01-01\n"
        "    allow_private: true\n",
        encoding="utf-8",
    )
    db_path = tmp / "x.db"
    args = ["--quarter", QUARTER, "--db", db_path]
    proc = subprocess.run(
        egovrank_cmd("crawl", *args, "--entities", reg, "--no-politeness", "--as-of", "2026-12-31"),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    conn = sqlite3.connect(db_path)
    titles = [r[0] for r in conn.execute("select title from pages where entity_id='hostile-xss'")]
    conn.close()
    assert any(t and XSS_MARK in t for t in titles), titles
    return {"db": db_path, "tmp": tmp, "reg": reg}


def _assert_escaped(html: str, where: str) -> None:
    live = LIVE.search(html)
    assert live is None, f"{where}: live hostile markup {live.group(0)!r}"


def _missing(*commands: str) -> list[str]:
    from scoring.cli import cli

    return [c for c in commands if c not in cli.commands]


@pytest.mark.skipif(
    bool(_missing("score", "report")),
    reason=f"`egovrank {' and '.join(_missing('score', 'report'))}` not built yet "
    "(report needs scores)",
)
def test_report_and_audit_pages_escape_hostile_strings(crawled):
    out = crawled["tmp"] / "report"
    score = subprocess.run(
        egovrank_cmd("score", "--quarter", QUARTER, "--db", crawled["db"]),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert score.returncode == 0, score.stderr[-3000:]
    proc = subprocess.run(
        egovrank_cmd("report", "--quarter", QUARTER, "--db", crawled["db"], "--out", out),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    html_files = sorted(out.rglob("*.html"))
    assert (out / "report.html") in html_files
    audit = out / "audit" / "hostile-xss.html"
    assert audit.exists(), [str(p) for p in html_files]
    for path in html_files:
        _assert_escaped(path.read_text(encoding="utf-8"), str(path.relative_to(out)))
    text = audit.read_text(encoding="utf-8")
    # the hostile title and name are shown, as text
    assert "&lt;script&gt;alert(" in text
    # every output file stays inside the output folder
    for path in out.rglob("*"):
        assert out.resolve() in path.resolve().parents


def test_xlsx_keeps_hostile_strings_as_text(tmp_path):
    from openpyxl import load_workbook

    from scoring.export.files import write_xlsx

    rows = [
        {"entity_id": "hostile-xss", "name_vi": FORMULA, "title": f"<script>{XSS_MARK}</script>"},
        {"entity_id": "b", "name_vi": "+cmd|' /C calc'!A0", "title": "@SUM(1+1)*cmd|' /C calc'!A0"},
        {"entity_id": "c", "name_vi": "-2+3", "title": "x" * 40_000},
    ]
    path = tmp_path / "h.xlsx"
    write_xlsx(path, {"Hostile": rows})
    ws = load_workbook(path)["Hostile"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells), [(c.coordinate, c.value) for c in cells]
    values = {c.value for c in cells}
    assert FORMULA in values and f"<script>{XSS_MARK}</script>" in values


def test_datasette_view_escapes_hostile_strings(crawled):
    from crawler.demo.testing import free_port

    port = free_port(("127.0.0.1",))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            str(crawled["db"]),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "--setting",
            "max_returned_rows",
            "200",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}/{crawled['db'].stem}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base, timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "datasette did not start"
                time.sleep(0.2)
        for table in ("pages", "findings", "quarter_entities", "frontier"):
            with urllib.request.urlopen(f"{base}/{table}", timeout=20) as resp:
                html = resp.read().decode("utf-8")
            _assert_escaped(html, f"datasette /{table}")
        with urllib.request.urlopen(f"{base}/pages?entity_id=hostile-xss", timeout=20) as resp:
            html = resp.read().decode("utf-8")
        assert "&lt;script&gt;alert(" in html
    finally:
        proc.kill()
        proc.wait(10)


HOSTILE_URLS = [
    "http://x.vn/../../../../etc/passwd",
    "http://x.vn/%2e%2e/%2e%2e/%2e%2e/etc/cron.d/evil",
    "http://x.vn/..%2f..%2f..%2fhome",
    "http://x.vn/a/b/c/" + "d" * 5000,
    "http://x.vn/\x00/..\\..\\windows",
    "http://x.vn/~/.ssh/authorized_keys",
    "javascript:alert(1)",
    "http://x.vn/<script>/|:*?\"'",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_evidence_file_names_stay_inside(tmp_path, url):
    from crawler.browser.evidence import evidence_path

    root = tmp_path / "evidence"
    for entity in ("bo-a", "../../escape", "a/../../b"):
        for step in ("entry", "../../step", "/abs"):
            path = evidence_path(root, QUARTER, entity, url, step)
            assert root.resolve() in path.resolve().parents
            assert len(path.name) < 150
            assert re.fullmatch(r"[a-z0-9-]+\.png", path.name), path.name
