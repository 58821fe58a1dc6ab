"""Adding a section criterion end to end: one declaration, its cues and its model entry.

A plugin (loaded into every egovrank process through sitecustomize, as a site's own plugin
would be) declares `info.recruitment`; the workspace's keywords and model carry its cues and
weight; the demo gains the section. The real commands then crawl, score and report it.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap

import pytest
import yaml

from crawler.core.paths import shipped_config
from crawler.demo.testing import free_port, running_demo

pytestmark = pytest.mark.integration
NEW = "info.recruitment"
PLUGIN = f"""
from crawler.criteria import registry
from crawler.demo import vocab

registry.register(registry.section({NEW!r}, "recruitment notices", "D42 4(1)"))
vocab.SECTIONS[{NEW!r}] = ("tuyen-dung", ["Tuyển dụng", "Thông tin tuyển dụng"])
vocab.HEADINGS[{NEW!r}] = "Thông tin tuyển dụng"
"""


def _workspace(root):
    cfg = root / "config"
    subprocess.run([sys.executable, "-m", "scoring", "init", str(root)], check=True)
    kw = yaml.safe_load((cfg / "keywords.yaml").read_text(encoding="utf-8"))
    kw["sections"][NEW] = {"text": ["tuyen dung", "thong tin tuyen dung"], "slugs": ["tuyen dung"]}
    (cfg / "keywords.yaml").write_text(yaml.safe_dump(kw, allow_unicode=True), encoding="utf-8")
    model = yaml.safe_load((shipped_config() / "criteria.yaml").read_text(encoding="utf-8"))
    model = {k: v for k, v in model.items() if not k.startswith("x-")}
    crit = model["criteria"]
    crit[NEW] = {**crit["info.about"], "weight": 0.03}
    crit["info.about"] = {**crit["info.about"], "weight": 0.05}
    (cfg / "criteria.yaml").write_text(yaml.safe_dump(model, allow_unicode=True), "utf-8")


def test_a_new_section_criterion_is_crawled_scored_and_shown_with_evidence(tmp_path, monkeypatch):
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "sitecustomize.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    home = tmp_path / "ws"
    monkeypatch.setenv("PYTHONPATH", str(plugin))
    monkeypatch.setenv("EGOVRANK_HOME", str(home))
    _workspace(home)
    demo, db, out = tmp_path / "demo", tmp_path / "q.db", tmp_path / "report"

    def cli(*args):
        done = subprocess.run(
            [sys.executable, "-m", "scoring", *args], capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr[-2000:]

    cli("demo", "build", str(demo), "--entities", "4", "--pages", "30", "--services", "4",
        "--port", str(free_port()))  # fmt: skip
    truth = json.loads((demo / "truth.json").read_text(encoding="utf-8"))
    with running_demo(demo):
        cli("crawl", "--quarter", "2026Q4", "--entities", str(demo / "entities.yaml"),
            "--db", str(db), "--as-of", "2026-12-31", "--no-politeness",
            "--ca-file", str(demo / "certs" / "demo-ca.pem"))  # fmt: skip
    cli("score", "--quarter", "2026Q4", "--db", str(db))
    cli("report", "--quarter", "2026Q4", "--db", str(db), "--out", str(out))

    conn = sqlite3.connect(db)
    found = dict(conn.execute("select entity_id, value from findings where criterion = ?", [NEW]))
    expected = {
        eid: t["criteria"][NEW]["value"]
        for eid, t in truth["entities"].items()
        if t.get("reachable", True)
    }
    assert expected and {e: found.get(e) for e in expected} == expected
    assert "present" in expected.values()
    scored = conn.execute(
        "select count(*) from criterion_scores where criterion = ? and score is not null", [NEW]
    ).fetchone()[0]
    assert scored == len(expected)
    eid = next(e for e, v in expected.items() if v == "present")
    url = conn.execute(
        "select evidence_url from findings where criterion = ? and entity_id = ?", [NEW, eid]
    ).fetchone()[0]
    audit = (out / "audit" / f"{eid}.html").read_text(encoding="utf-8")
    assert NEW in audit and "tuyen-dung" in url and url in audit
