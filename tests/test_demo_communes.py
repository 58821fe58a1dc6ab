"""Commune portals in the demo (`demo build --communes N`): built beside the national-level
entities without changing them, crawled and scored on one machine, ranked within each province,
and reported province by province."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from crawler.core.errors import InputError
from crawler.core.registry import load_registry
from crawler.demo.agreement import compare, compare_ranking
from crawler.demo.build import build_demo

EGOVRANK = [sys.executable, "-m", "scoring"]
ROOT = Path(__file__).resolve().parent.parent


def cli(*args, timeout=600):
    done = subprocess.run([*EGOVRANK, *args], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"egovrank {' '.join(args[:2])} failed: {done.stderr[-3000:]}"
    return done


def test_communes_leave_the_other_entities_as_they_were(tmp_path):
    plain = build_demo(tmp_path / "plain", entities=12, seed=4)
    with_c = build_demo(tmp_path / "communes", entities=12, seed=4, communes=6)
    assert build_demo(tmp_path / "zero", entities=12, seed=4, communes=0) == plain
    assert (tmp_path / "zero" / "site.json").read_bytes() == (
        tmp_path / "plain" / "site.json"
    ).read_bytes()
    communes = {k: v for k, v in with_c["entities"].items() if v["group"] == "commune"}
    assert len(communes) == 6
    others = {k: v for k, v in with_c["entities"].items() if v["group"] != "commune"}
    assert others == plain["entities"]
    # 3 communes a province at least, each ranked by quality among its province's communes only
    by_province: dict[str, list[dict]] = {}
    for c in communes.values():
        assert with_c["entities"][c["parent"]]["group"] == "province"
        assert c["rank_group"] == f"commune:{c['parent']}"
        assert c["faults"] == [] and c["reachable"]
        by_province.setdefault(c["parent"], []).append(c)
    assert sorted(len(v) for v in by_province.values()) == [3, 3]
    for members in by_province.values():
        best = max(members, key=lambda c: c["quality"])
        assert best["expected_rank"] == 1
        assert sorted(c["expected_rank"] for c in members) == [1, 2, 3]
    registry = load_registry(tmp_path / "communes" / "entities.yaml")
    rows = {e.id: e for e in registry.entities}
    assert all(rows[k].parent == v["parent"] for k, v in communes.items())
    assert {rows[k].rank_group for k in communes} == {f"commune:{p}" for p in by_province}


def test_a_commune_needs_a_province_as_parent(tmp_path):
    build_demo(tmp_path / "d", entities=6, seed=2, communes=3)
    doc = yaml.safe_load((tmp_path / "d" / "entities.yaml").read_text(encoding="utf-8"))
    commune = next(e for e in doc["entities"] if e["group"] == "commune")
    ministry = next(e for e in doc["entities"] if e["group"] == "ministry")
    for change, words in (
        ({"parent": None}, "field `parent`"),
        ({"parent": ministry["id"]}, "is not a province"),
    ):
        broken = {**commune, **change}
        if broken["parent"] is None:
            del broken["parent"]
        doc2 = {"entities": [broken if e is commune else e for e in doc["entities"]]}
        path = tmp_path / "bad.yaml"
        path.write_text(yaml.safe_dump(doc2, allow_unicode=True), encoding="utf-8")
        with pytest.raises(InputError) as err:
            load_registry(path)
        assert str(path) in str(err.value) and words in str(err.value)
        assert commune["id"] in str(err.value)


@pytest.mark.integration
def test_communes_crawled_scored_and_reported_per_province(tmp_path):
    from crawler.demo.testing import free_port, running_demo

    demo = tmp_path / "demo"
    cli("demo", "build", str(demo), "--entities", "6", "--pages", "30", "--services", "3",
        "--seed", "7", "--port", str(free_port()), "--communes", "6")  # fmt: skip
    truth = json.loads((demo / "truth.json").read_text(encoding="utf-8"))
    cfg = yaml.safe_load((ROOT / "config" / "crawl.yaml").read_text(encoding="utf-8"))
    cfg["limits"].update(download_timeout_s=3, retries=1)
    (tmp_path / "crawl.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    db = tmp_path / "egovrank.db"
    with running_demo(demo):
        cli("crawl", "--quarter", "2026Q4", "--entities", str(demo / "entities.yaml"),
            "--db", str(db), "--as-of", "2026-12-31", "--no-politeness",
            "--config", str(tmp_path / "crawl.yaml"), "--max-pages", "30",
            "--ca-file", str(demo / "certs" / "demo-ca.pem"),
            "--national-api", truth["national_api"])  # fmt: skip
        # JS catalogues are read in the browser stage: without it their services go unobserved
        cli("check", "--quarter", "2026Q4", "--db", str(db), "--sample", "2", "--no-audits",
            "--evidence", str(tmp_path / "evidence"))  # fmt: skip
    cli("score", "--quarter", "2026Q4", "--db", str(db))
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    findings = [dict(r) for r in conn.execute("select * from findings")]
    communes = {k: v for k, v in truth["entities"].items() if v["group"] == "commune"}
    agreement = compare({**truth, "entities": communes}, findings)
    for d in agreement["disagreements"]:
        print("disagreement:", d)
    assert agreement["pairs"] == 6 * len(next(iter(communes.values()))["criteria"])
    assert agreement["share"] >= 0.95

    ranked = json.loads(
        cli(
            "rankings",
            "--quarter",
            "2026Q4",
            "--db",
            str(db),
            "--group",
            "commune",
            "--format",
            "json",
        ).stdout  # fmt: skip
    )
    assert {r["entity_id"] for r in ranked} == set(communes)
    groups: dict[str, list[dict]] = {}
    for r in ranked:
        assert r["group"] == communes[r["entity_id"]]["rank_group"]
        groups.setdefault(r["group"], []).append(r)
    assert len(groups) == 2
    for rows in groups.values():  # each province's communes ranked 1..3 among themselves
        assert sorted(r["rank"] for r in rows) == [1, 2, 3]
    # within each province the index orders the communes as their latent quality does: with 3
    # communes a province, 0.5 is one swap of neighbours (here two within 0.002 of quality)
    rows = [{"entity_id": r["entity_id"], "entity_group": r["group"], "index_value": r["index"]}
            for r in ranked]  # fmt: skip
    rho = compare_ranking(truth, rows)
    print("communes: spearman index vs quality", rho, "agreement", agreement["share"])
    assert set(rho) == set(groups) and min(rho.values()) >= 0.5
    off = [abs(r["rank"] - communes[r["entity_id"]]["expected_rank"]) for r in ranked]
    assert max(off) <= 1
    # provinces are still ranked among provinces only
    provinces = {k for k, v in truth["entities"].items() if v["group"] == "province"}
    prov_rows = conn.execute("select entity_id, rank from rankings where entity_group='province'")
    assert {r["entity_id"] for r in prov_rows} == provinces

    out = tmp_path / "report"
    cli("report", "--quarter", "2026Q4", "--db", str(db), "--out", str(out), "--no-pdf")
    html = (out / "report.html").read_text(encoding="utf-8")
    for province in {c["parent"] for c in communes.values()}:
        name = truth["entities"][province]["name_vi"]
        assert f"<h2>Xã, phường, đặc khu: {name}</h2>" in html
    assert all(c["name_vi"] in html for c in communes.values())
    sheet = load_workbook(out / "rankings.xlsx")["Xã, phường"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 1 + 6
    names = {truth["entities"][c["parent"]]["name_vi"] for c in communes.values()}
    assert {row[0] for row in values[1:]} == names
