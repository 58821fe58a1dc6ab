"""Rendered-audit criteria (crawler/criteria/technical.py) on hand-made audit dicts: the
verdicts, and what must not count. The crawl and the check stage judge through these."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.criteria import judge, registry
from crawler.criteria.observed import Seen

HOME = "https://a.gov.vn/"
PARTIAL = registry.get("tech.accessibility").params["partial"]  # the model's bound


def audit(url=HOME, status="ok", critical=0, serious=0, moderate=0, **kw):
    return {
        "url": url,
        "status": status,
        "violations_critical": critical,
        "violations_serious": serious,
        "violations_moderate": moderate,
        "violations_minor": 0,
        "axe": [{"id": "color-contrast", "impact": "serious", "nodes": serious}],
        "overflow_px": kw.get("overflow", 0),
        "viewport_meta": kw.get("viewport", 1),
    }


def seen(viewport: bool | None, audits=()) -> Seen:
    """An entity whose home page the crawl fetched (static meta or not), or did not (None)."""
    pages = []
    if viewport is not None:
        facts = {"viewport": viewport}
        pages = [{"url": HOME, "site": "portal", "depth": 0, "fetch_status": "ok",
                  "http_status": 200, "facts": facts}]  # fmt: skip
    return Seen(pages, date(2026, 12, 31), HOME, audits=list(audits))


def accessibility(audits):
    return judge(registry.get("tech.accessibility"), seen(True, audits), strict=True)


def mobile(viewport, audits=()):
    return judge(registry.get("tech.mobile"), seen(viewport, audits), strict=True)


# -- tech.accessibility ---------------------------------------------------------------------
def test_accessibility_pass_partial_fail_on_the_mean_of_grave_violations():
    assert accessibility([audit(), audit("https://a.gov.vn/x")])["value"] == "pass"
    assert accessibility([audit(moderate=40)])["value"] == "pass"  # moderate is not grave
    half = accessibility([audit(critical=2, serious=2), audit("https://a.gov.vn/x")])
    assert (half["value"], half["numeric"]) == ("partial", 2.0)
    assert accessibility([audit(serious=PARTIAL)])["value"] == "partial"
    bad = accessibility([audit(serious=PARTIAL + 1)])
    assert bad["value"] == "fail" and "per page over 1 pages" in bad["excerpt"]


def test_accessibility_ignores_failed_audits_and_needs_one_good_one():
    assert accessibility([])["value"] == "unknown"
    none = accessibility([audit(status="error"), audit(status="timeout")])
    assert (none["value"], none["status"]) == ("unknown", "not_checked")
    # a timed-out page with many violations recorded must not drag the verdict
    got = accessibility([audit(), audit("https://a.gov.vn/t", status="timeout", critical=99)])
    assert got["value"] == "pass" and got["evidence_url"] == HOME
    assert [d["url"] for d in got["detail"]] == [HOME]


# -- tech.mobile: one rule, both stages ---------------------------------------------------------
@pytest.mark.parametrize(
    ("viewport", "overflow", "value"),
    [(1, 0, "pass"), (1, 40, "partial"), (0, 0, "partial"), (0, 40, "fail")],
)
def test_mobile_rendered_viewport_and_overflow(viewport, overflow, value):
    got = mobile(True, [audit(viewport=viewport, overflow=overflow)])
    assert got["value"] == value and got["numeric"] == float(value == "pass")
    assert f"overflow {overflow}px at 375px" in got["excerpt"] and got["source"] == "browser"


def test_mobile_static_viewport_alone_is_judged_on_what_was_seen():
    assert mobile(True)["value"] == "pass"
    assert mobile(False)["value"] == "fail"
    assert "not measured" in mobile(True)["excerpt"] and mobile(True)["source"] == "crawl"
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
    assert mobile(True, [audit(), audit("https://a.gov.vn/x", viewport=0)])["value"] == "partial"
    failed = [audit(status="error", viewport=0, overflow=999)]  # back to the static meta
    assert mobile(True, failed)["value"] == "pass"
    assert mobile(False, failed)["value"] == "fail"
    assert mobile(None, failed)["value"] == "unknown"


def test_same_inputs_same_verdict_whichever_stage_asks():
    """The crawl (no audits yet) and the check stage (audits) call the same rule, so a verdict
    depends on the evidence, not on which stage wrote last."""
    audits = [audit(viewport=1, overflow=0)]
    assert mobile(True, audits) == mobile(True, list(audits))
    assert mobile(True, []) == mobile(True)
