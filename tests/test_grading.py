"""crawler/browser/grading.py on hand-made audit dicts: the verdicts, and what must not count."""

from __future__ import annotations

import json

import pytest

from crawler.browser.grading import ACCESSIBILITY_PARTIAL_MAX, accessibility, mobile


def audit(url="https://a.gov.vn/", status="ok", critical=0, serious=0, moderate=0, **kw):
    return {
        "url": url,
        "status": status,
        "violations_critical": critical,
        "violations_serious": serious,
        "violations_moderate": moderate,
        "violations_minor": 0,
        "axe": json.dumps([{"id": "color-contrast", "impact": "serious", "nodes": serious}]),
        "overflow_px": kw.get("overflow", 0),
        "viewport_meta": kw.get("viewport", 1),
    }


# -- tech.accessibility ---------------------------------------------------------------------
def test_accessibility_pass_partial_fail_on_the_mean_of_grave_violations():
    assert accessibility([audit(), audit("https://a.gov.vn/x")])["value"] == "pass"
    # moderate violations are not grave
    assert accessibility([audit(moderate=40)])["value"] == "pass"
    half = accessibility([audit(critical=2, serious=2), audit("https://a.gov.vn/x")])
    assert (half["value"], half["numeric"]) == ("partial", 2.0)
    edge = accessibility([audit(serious=ACCESSIBILITY_PARTIAL_MAX)])
    assert edge["value"] == "partial"
    bad = accessibility([audit(serious=ACCESSIBILITY_PARTIAL_MAX + 1)])
    assert bad["value"] == "fail" and "per page over 1 pages" in bad["excerpt"]


def test_accessibility_ignores_failed_audits_and_needs_one_good_one():
    assert accessibility([]) is None
    assert accessibility([audit(status="error"), audit(status="timeout")]) is None
    # a timed-out page with many violations recorded must not drag the verdict
    got = accessibility([audit(), audit("https://a.gov.vn/t", status="timeout", critical=99)])
    assert got["value"] == "pass" and got["evidence_url"] == "https://a.gov.vn/"
    assert [d["url"] for d in json.loads(got["detail"])] == ["https://a.gov.vn/"]


# -- tech.mobile: one rule, both stages ---------------------------------------------------------
@pytest.mark.parametrize(
    ("viewport", "overflow", "value"),
    [(1, 0, "pass"), (1, 40, "partial"), (0, 0, "partial"), (0, 40, "fail")],
)
def test_mobile_rendered_viewport_and_overflow(viewport, overflow, value):
    got = mobile(True, [audit(viewport=viewport, overflow=overflow)])
    assert got["value"] == value and got["numeric"] == float(value == "pass")
    assert f"overflow {overflow}px at 375px" in got["excerpt"]


def test_mobile_static_viewport_alone_is_judged_on_what_was_seen():
    assert mobile(True)["value"] == "pass"
    assert mobile(False)["value"] == "fail"
    assert "not measured" in mobile(True)["excerpt"]
    none = mobile(None)
    assert (none["value"], none["status"], none["numeric"]) == ("unknown", "not_checked", None)


def test_mobile_rendered_audit_stands_over_the_static_meta():
    # script adds the meta: the rendered page has it though the static HTML has not
    assert mobile(False, [audit(viewport=1, overflow=0)])["value"] == "pass"
    # the static HTML had it, the rendered page lost it and overflows
    assert mobile(True, [audit(viewport=0, overflow=12)])["value"] == "fail"


def test_mobile_worst_page_counts_and_failed_audits_do_not():
    two = [audit(overflow=0), audit("https://a.gov.vn/x", overflow=300)]
    assert mobile(True, two)["value"] == "partial"
    # one page without the meta is enough to miss it
    assert mobile(True, [audit(), audit("https://a.gov.vn/x", viewport=0)])["value"] == "partial"
    # only failed audits: back to the static meta, overflow not measured
    failed = [audit(status="error", viewport=0, overflow=999)]
    assert mobile(True, failed)["value"] == "pass"
    assert mobile(False, failed)["value"] == "fail"
    assert mobile(None, failed)["value"] == "unknown"


def test_same_inputs_same_verdict_whichever_stage_asks():
    """The crawl (no audits yet) and the check stage (audits) call the same function, so the
    check stage's verdict depends on the evidence, not on which stage wrote last."""
    audits = [audit(viewport=1, overflow=0)]
    assert mobile(True, audits) == mobile(True, list(audits))
    assert mobile(True, None) == mobile(True, [])
