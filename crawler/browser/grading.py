"""Grading rendered audits: tech.accessibility and tech.mobile, pure functions of audit dicts.

An audit dict is a `page_audits` row (crawler/browser/audit.py): status, violations_<impact>,
axe (JSON), overflow_px, viewport_meta. Only audits with status `ok` count. The thresholds are
named here until the model file holds them (issue 14: thresholds move to config/model).
"""

from __future__ import annotations

import json

# Mean critical+serious axe nodes per page: 0 passes, up to this is partial, more fails.
ACCESSIBILITY_PARTIAL_MAX = 5
MOBILE_WIDTH_PX = 375


def _ok(audits) -> list[dict]:
    return [a for a in audits or () if a.get("status") == "ok"]


def accessibility(audits: list[dict]) -> dict | None:
    """tech.accessibility from the rendered audits; None when no audit succeeded."""
    rows = _ok(audits)
    if not rows:
        return None
    grave = sum(
        (a.get("violations_critical") or 0) + (a.get("violations_serious") or 0) for a in rows
    )
    grave /= len(rows)
    return {
        "criterion": "tech.accessibility",
        "numeric": grave,
        "value": "pass"
        if grave == 0
        else "partial"
        if grave <= ACCESSIBILITY_PARTIAL_MAX
        else "fail",
        "excerpt": f"{grave:.1f} critical/serious axe violations per page over {len(rows)} pages",
        "detail": json.dumps(
            [{"url": a.get("url"), "axe": json.loads(a.get("axe") or "[]")} for a in rows]
        ),
        "evidence_url": rows[0].get("url"),
    }


def mobile(viewport: bool | None, audits: list[dict] | None = None) -> dict:
    """tech.mobile, one rule for the crawl and the check stage.

    Two tests: the page declares a meta viewport, and nothing overflows horizontally at 375 px.
    Both pass: pass; both fail: fail; one of each: partial. A test that was not observed takes
    the other's outcome (the crawl sees the static viewport meta but cannot measure overflow),
    so the verdict is always on what was seen. `viewport` is the crawl's static meta (None when
    the home page was not fetched); `audits` the rendered audits (None when not run), whose
    rendered viewport meta, when known, stands over the static one (script may add it).
    """
    rows = _ok(audits)
    seen_viewport = viewport
    overflow = None
    if rows:
        rendered = [a.get("viewport_meta") for a in rows if a.get("viewport_meta") is not None]
        if rendered:
            seen_viewport = all(bool(v) for v in rendered)
        widths = [a["overflow_px"] for a in rows if a.get("overflow_px") is not None]
        overflow = max(widths) if widths else None
    fits = None if overflow is None else overflow == 0
    tests = [t for t in (seen_viewport, fits) if t is not None]
    finding = {
        "criterion": "tech.mobile",
        "selector": 'meta[name="viewport"]',
        "detail": json.dumps({"overflow_px": overflow, "viewport_meta": seen_viewport}),
    }
    if not tests:
        return {**finding, "value": "unknown", "numeric": None, "status": "not_checked"}
    value = "pass" if all(tests) else "fail" if not any(tests) else "partial"
    parts = []
    if seen_viewport is not None:
        parts.append(f"viewport meta {'present' if seen_viewport else 'missing'}")
    parts.append(
        f"overflow {overflow}px at {MOBILE_WIDTH_PX}px"
        if overflow is not None
        else "overflow not measured (no browser)"
    )
    if rows:
        finding["evidence_url"] = rows[0].get("url")
    return {
        **finding,
        "value": value,
        "numeric": float(value == "pass"),
        "status": "ok",
        "excerpt": "; ".join(parts),
    }
