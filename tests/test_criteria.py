"""The criterion registry: one declaration per id, detectors held to their vocabulary, isolation."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from crawler.criteria import judge, judge_entity, registry
from crawler.criteria.base import Criterion, VocabularyError, verdict
from crawler.criteria.observed import Seen
from crawler.detect.page import analyze_page
from scoring.model import load_model

ROOT = Path(__file__).resolve().parent.parent
HOME = "http://portal.test/"


def _pages(*extra: dict) -> list[dict]:
    html = (
        '<html lang="vi"><head><title>Cổng thông tin</title>'
        '<meta name="viewport" content="width=device-width"></head><body>'
        '<a href="/gioi-thieu">Giới thiệu</a><p>Tin tức ngày 01/12/2026</p></body></html>'
    )
    home = {"url": HOME, "site": "portal", "fetch_status": "ok", "http_status": 200, "depth": 0}
    return [home | {"facts": analyze_page(HOME, html), "elapsed_ms": 120}, *extra]


def test_every_criterion_id_is_spelled_in_at_most_one_python_module():
    """The registry is an id's one home in crawler/ and scoring/ (the demo and tests aside)."""
    sources = [
        p
        for d in ("crawler", "scoring")
        for p in (ROOT / d).rglob("*.py")
        if "demo" not in p.relative_to(ROOT).parts
    ]
    text = {p: p.read_text(encoding="utf-8") for p in sources}
    for cid in registry.criteria():
        quoted = re.compile(rf"[\"']{re.escape(cid)}[\"']")
        homes = sorted(str(p.relative_to(ROOT)) for p, t in text.items() if quoted.search(t))
        assert homes == ["crawler/criteria/registry.py"], (cid, homes)


def test_the_model_weights_only_declared_criteria_and_the_registry_holds_the_basis():
    model = load_model(ROOT / "config" / "criteria.yaml")
    assert set(model.criteria) <= set(registry.criteria())
    assert all(model.criteria[cid].basis == registry.get(cid).basis for cid in model.criteria)
    assert registry.get("tech.availability").params == {"pass": 0.98, "partial": 0.8}


def test_a_value_outside_the_vocabulary_fails_where_the_detector_is_judged():
    bad = Criterion("info.test", "sections", "crawl", "t", "t", ("present", "absent"),
                    lambda c, seen: verdict("maybe"))  # fmt: skip
    with pytest.raises(VocabularyError, match="maybe"):
        judge(bad, None, strict=True)
    measure = Criterion("func.test", "functions", "crawl", "t", "t", None,
                        lambda c, seen: verdict("12 days"))  # fmt: skip
    with pytest.raises(VocabularyError, match="numeric"):
        judge(measure, None, strict=True)


def test_every_crawl_detector_emits_its_vocabulary_on_a_small_portal_and_on_a_dead_one():
    seen = Seen(_pages(), date(2026, 12, 31), HOME, robots={"status": 404})
    for c in registry.of_stage("crawl"):
        judge(c, seen, strict=True)  # raises on a value or status outside the vocabulary
    dead = [{"url": HOME, "site": "portal", "fetch_status": "timeout", "depth": 0}]
    found = {f["criterion"]: f for f in judge_entity(Seen(dead, date(2026, 12, 31), HOME))}
    assert found["info.about"]["value"] == "unknown" and found["info.about"]["status"] == "timeout"
    assert found["tech.availability"]["value"] == "fail"


def test_a_detector_that_raises_leaves_its_own_criterion_unknown_and_the_rest_judged():
    seen = Seen(_pages(), date(2026, 12, 31), HOME)
    seen.https = {"scheme": "https", "http_redirects": True}
    good = {f["criterion"]: f for f in judge_entity(seen)}
    seen = Seen(_pages(), date(2026, 12, 31), HOME)
    seen.https = {"scheme": "https", "http_redirects": True}
    seen.tls = 42  # an int where a probe dict belongs: the TLS detector raises
    found = {f["criterion"]: f for f in judge_entity(seen)}
    assert (found["tech.tls"]["value"], found["tech.tls"]["status"]) == ("unknown", "error")
    assert "AttributeError" in found["tech.tls"]["excerpt"]
    assert found["tech.tls"]["detail"] == {"detector": "technical"}
    others = {k: v for k, v in found.items() if k != "tech.tls"}
    assert others == {k: v for k, v in good.items() if k != "tech.tls"}
    assert found["tech.https"]["value"] == "pass" and found["func.freshness"]["numeric"] == 30


def test_tech_mobile_has_one_rule_for_the_static_and_the_rendered_evidence():
    c = registry.get("tech.mobile")
    static = Seen(_pages(), date(2026, 12, 31), HOME)
    assert judge(c, static, strict=True)["value"] == "pass"  # viewport meta, overflow unseen
    audit = {"url": HOME, "status": "ok", "viewport_meta": 1, "overflow_px": 40}
    rendered = Seen(_pages(), date(2026, 12, 31), HOME, audits=[audit])
    found = judge(c, rendered, strict=True)
    assert (found["value"], found["source"]) == ("partial", "browser")
    fits = Seen([], date(2026, 12, 31), "", audits=[audit | {"overflow_px": 0}])
    assert judge(c, fits, strict=True)["value"] == "pass"
    neither = Seen([], date(2026, 12, 31), "", audits=[audit | {"viewport_meta": 0}])
    assert judge(c, neither, strict=True)["value"] == "fail"


def test_register_refuses_a_second_declaration_of_an_id():
    with pytest.raises(ValueError, match="declared already"):
        registry.register(registry.get("info.budget"))


def test_page_facts_hold_to_their_declared_contract():
    from typing import get_type_hints

    from crawler.detect.page import PageFacts

    facts = _pages()[0]["facts"]
    declared = get_type_hints(PageFacts)
    assert set(facts) <= set(declared), set(facts) - set(declared)
    assert {"links", "section_links", "blocks", "viewport", "dates"} <= set(facts)
