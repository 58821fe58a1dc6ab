"""The demo build: deterministic bytes, a valid registry, truth that follows quality."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from crawler.core.errors import InputError
from crawler.core.quarters import Quarter
from crawler.core.registry import load_registry
from crawler.demo.build import build_demo
from crawler.demo.model import stratified


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_arguments_same_bytes(tmp_path):
    args = dict(entities=9, pages=35, services=6, seed=3, port=18001)
    build_demo(tmp_path / "a", **args)
    build_demo(tmp_path / "b", **args)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert set(a) >= {
        "entities.yaml",
        "truth.json",
        "site.json",
        "submissions.jsonl",
        "certs/key.pem",
    }
    assert a == b
    build_demo(tmp_path / "c", **{**args, "seed": 4})
    assert _files(tmp_path / "c")["truth.json"] != a["truth.json"]


def test_registry_is_valid_and_has_all_groups(tmp_path):
    build_demo(tmp_path, entities=12, pages=30, services=3, seed=1, port=18002)
    reg = load_registry(tmp_path / "entities.yaml")
    ents = reg.for_quarter(Quarter.parse("2026Q4"))
    assert len(ents) == 12
    assert {e.group for e in ents} == {"ministry", "gov_agency", "province"}
    assert all(
        e.allow_private and e.portal_url.startswith(("http://127.", "https://127.")) for e in ents
    )
    assert len({e.portal_url for e in ents}) == 12
    names = {e.name_vi for e in ents}
    assert "Bộ Tư pháp" in names and "Bảo hiểm xã hội Việt Nam" in names


def test_quarters_drift_quality_and_as_of(tmp_path):
    q3 = build_demo(tmp_path / "q3", entities=20, pages=30, services=3, seed=5, quarter="2026Q3")
    q4 = build_demo(tmp_path / "q4", entities=20, pages=30, services=3, seed=5, quarter="2026Q4")
    assert (q3["as_of"], q4["as_of"]) == ("2026-09-30", "2026-12-31")
    moved = [
        i
        for i in q4["entities"]
        if q3["entities"][i]["expected_rank"] != q4["entities"][i]["expected_rank"]
    ]
    assert moved, "consecutive quarters should show some rank movement"
    assert any(q3["entities"][i]["quality"] != q4["entities"][i]["quality"] for i in q4["entities"])
    for i, e in q4["entities"].items():  # truth of Q4 knows Q3 without building it
        assert e["previous"]["quality"] == q3["entities"][i]["quality"]
        assert e["previous"]["movement"] == q3["entities"][i]["expected_rank"] - e["expected_rank"]


def test_better_quality_means_more_sections(tmp_path):
    truth = build_demo(tmp_path, entities=60, pages=30, services=5, seed=2)
    rows = sorted(truth["entities"].values(), key=lambda e: e["quality"])

    def present(e):
        return sum(
            c.get("value") == "present" for k, c in e["criteria"].items() if k.startswith("info.")
        )

    low, high = rows[:15], rows[-15:]
    assert sum(map(present, high)) > sum(map(present, low))

    def honest(e):
        return sum(s["declared"] == s["actual"] for s in e["services"]) / len(e["services"])

    assert sum(map(honest, high)) > sum(map(honest, low))


def test_service_levels_follow_quality_by_quota_not_by_chance(tmp_path):
    """Stratified draws: an entity's share of declared full-process services is its quality's
    share to within one service, so a group's services rank its entities as quality does."""
    k = 30
    truth = build_demo(tmp_path, entities=56, groups=(17, 5, 34), pages=30, services=k, seed=3)
    for eid, e in truth["entities"].items():
        full = sum(s["declared"] == "full" for s in e["services"])
        assert abs(full / k - (0.15 + 0.45 * e["quality"])) <= 1 / k, eid
    assert stratified([0.9, 0.1, 0.5, 0.3]) == [0.875, 0.125, 0.625, 0.375]


def test_truth_records_every_criterion_and_fault(tmp_path):
    truth = build_demo(tmp_path, entities=12, pages=40, services=10, seed=7)
    crits = {
        "info.about",
        "info.org_structure",
        "info.leadership",
        "info.contact",
        "info.contact_officials",
        "info.news",
        "info.direction",
        "info.legal_documents",
        "info.procedures",
        "info.law_dissemination",
        "info.strategy_plans",
        "info.projects_procurement",
        "info.budget",
        "info.consultation",
        "info.qa_feedback",
        "info.statistics",
        "info.english",
        "func.search",
        "func.links",
        "func.sitemap",
        "func.freshness",
    }
    kinds = set()
    for e in truth["entities"].values():
        assert set(e["criteria"]) == crits
        kinds |= {f["kind"] for f in e["faults"]}
    assert kinds >= {
        "slow",
        "transient_503",
        "timeout",
        "redirect_chain",
        "redirect_loop",
        "calendar_trap",
        "pagination_trap",
        "httrack_loop",
        "session_ids",
        "large_page",
        "legacy_encoding",
        "malformed_html",
        "robots_disallow",
        "robots_crawl_delay",
        "unreachable",
        "tls_self_signed",
        "tls_expired",
    }
    assert sum(e["facts"]["title_has_script"] for e in truth["entities"].values()) == 1
    assert json.loads((tmp_path / "truth.json").read_text()) == truth


@pytest.mark.parametrize(
    "bad", [dict(entities=2), dict(pages=5), dict(services=0), dict(quarter="2026Q9"), dict(port=0)]
)
def test_bad_arguments_are_input_errors(tmp_path, bad):
    with pytest.raises(InputError):
        build_demo(tmp_path, **bad)


def test_cli_build_and_group_help(tmp_path):
    from click.testing import CliRunner

    from scoring.cli import cli

    runner = CliRunner()
    res = runner.invoke(cli, ["demo", "--help"])
    assert res.exit_code == 0 and "build" in res.output and "serve" in res.output
    res = runner.invoke(
        cli, ["demo", "build", str(tmp_path), "--entities", "5", "--pages", "30", "--services", "2"]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "truth.json").is_file()
    assert (tmp_path / "submissions.jsonl").read_text() == ""


def test_cli_bad_input_is_one_line(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from scoring.cli import main; main()",
            "demo",
            "serve",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "demo build" in proc.stderr


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_serve_exits_cleanly_on_signal(tmp_path, sig):
    import signal
    import urllib.request

    from crawler.demo.testing import free_port, running_demo

    truth = build_demo(tmp_path, entities=4, pages=30, services=2, seed=9, port=free_port())
    with running_demo(tmp_path) as proc:
        ents = truth["entities"].values()
        url = next(e["portal_url"] for e in ents if e["reachable"] and not e["facts"]["https"])
        assert urllib.request.urlopen(url, timeout=5).status == 200
        proc.send_signal(getattr(signal, sig))
        assert proc.wait(timeout=10) == 0
    assert "demo server stopped" in (tmp_path / "serve.log").read_text()


def test_exact_group_counts(tmp_path):
    truth = build_demo(tmp_path, groups=(17, 5, 34), pages=30, services=2, seed=1)
    groups = [e["group"] for e in truth["entities"].values()]
    assert len(groups) == 56
    assert (groups.count("ministry"), groups.count("gov_agency"), groups.count("province")) == (
        17,
        5,
        34,
    )
    with pytest.raises(InputError, match="--groups"):
        build_demo(tmp_path / "bad", entities=10, groups=(17, 5, 34), pages=30)


def test_the_real_portal_family_plants_every_case_in_truth(tmp_path):
    """The `sharepoint` template's real-portal cases (crawler/demo/realistic.py) all occur in a
    40-entity demo, each marked in truth so agreement can be reported per case."""
    from crawler.demo import realistic

    build_demo(tmp_path, entities=40, pages=40, services=5, seed=3, port=8765)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    sharepoint = [e for e in truth["entities"].values() if e["template"] == realistic.TEMPLATE]
    assert len(sharepoint) == 10
    cases = Counter(
        rec["case"] for e in sharepoint for rec in e["criteria"].values() if rec.get("case")
    )
    expected = {"menu", "image_banner", "home_block_link", "home_list_only"}
    expected |= {"service_portal_link", *realistic.SHELLS}
    assert expected <= set(cases), cases
    for e in sharepoint:
        for rec in e["criteria"].values():
            if rec.get("case") in ("placeholder", "test_only", "soft_404"):
                assert (rec["value"], rec["http_status"]) == ("linked_broken", 200)
