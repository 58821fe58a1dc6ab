"""Technical quality: availability, HTTPS and TLS, headers, speed, links, mobile, accessibility,
language, robots.txt.

The crawl judges them from the stored pages and probes; the browser stage adds rendered audits
(`Seen.audits`), and tech.mobile and tech.accessibility are judged again by the same functions
with that evidence, so whichever stage writes last writes the same verdict for the same evidence.
Grade bounds are the model's (config/criteria.yaml `detect`), read through `Criterion.params`.
"""

from __future__ import annotations

import statistics

from crawler.criteria.base import UNKNOWN, Criterion, Verdict, grade, unknown, verdict
from crawler.criteria.observed import Seen, page_ok
from crawler.detect.priority import canonical
from crawler.detect.text import excerpt

NOT_FETCHED = (None, "robots_disallowed", "skipped")


def _bounds(c: Criterion) -> tuple[float, float]:
    return c.params["pass"], c.params["partial"]


def availability(c: Criterion, seen: Seen) -> Verdict:
    fetched = [p for p in seen.fetched if p.get("fetch_status") not in NOT_FETCHED]
    answered = [
        p for p in fetched if p.get("fetch_status") == "ok" and (p.get("http_status") or 0) < 500
    ]
    share = len(answered) / len(fetched) if fetched else None
    return verdict(
        grade(share, *_bounds(c)),
        numeric=share,
        detail={"fetched": len(fetched), "answered": len(answered)},
    )


def https(c: Criterion, seen: Seen) -> Verdict:
    probe = seen.https or {}
    if probe.get("scheme") == "https":
        value = "pass" if probe.get("http_redirects") in (True, None) else "partial"
    elif probe.get("scheme") == "http":
        value = "fail"
    else:
        value = UNKNOWN
    return verdict(value, evidence_url=probe.get("url"), detail=probe)


def tls(c: Criterion, seen: Seen) -> Verdict:
    probe = seen.tls or {}
    state = probe.get("state")
    value = {"valid": "pass", "incomplete_chain": "partial", None: UNKNOWN}.get(state, "fail")
    if value == "pass" and probe.get("version") in ("TLSv1", "TLSv1.1"):
        value = "partial"
    return verdict(value, status="ok" if state else "not_checked", excerpt=state, detail=probe)


def headers(c: Criterion, seen: Seen) -> Verdict:
    home = seen.home
    sent = {k.lower(): v for k, v in ((home or {}).get("headers") or {}).items()}
    checks = {
        "hsts": "strict-transport-security" in sent,
        "csp": "content-security-policy" in sent,
        "nosniff": sent.get("x-content-type-options", "").lower() == "nosniff",
        "frames": "x-frame-options" in sent
        or "frame-ancestors" in sent.get("content-security-policy", ""),
    }
    share = sum(checks.values()) / len(checks) if page_ok(home) else None
    return verdict(grade(share, *_bounds(c)), numeric=share, detail=checks)


def response_time(c: Criterion, seen: Seen) -> Verdict:
    ok = [p for p in seen.fetched if page_ok(p)]
    times = [p["elapsed_ms"] for p in ok if p.get("elapsed_ms") is not None]
    if not times:
        return unknown("ok", detail={"pages": 0})
    median = statistics.median(times)
    return verdict(f"{median:.0f} ms", numeric=median, detail={"pages": len(times)})


def broken_links(c: Criterion, seen: Seen) -> Verdict:
    by_url = {canonical(p["url"]): p for p in seen.fetched}
    targets, broken = set(), []
    for p in seen.fetched:
        for url, _text in (p.get("facts") or {}).get("links", []):
            key = canonical(url)
            t = by_url.get(key)
            if t is None or t.get("fetch_status") in ("robots_disallowed", "skipped"):
                continue
            if key in targets:
                continue
            targets.add(key)
            if not page_ok(t) and t.get("fetch_status") != "too_large":
                broken.append(url)
    share = len(broken) / len(targets) if targets else None
    if share is None:
        value = UNKNOWN
    else:
        value = "pass" if share == 0 else "partial" if share <= c.params["partial"] else "fail"
    return verdict(
        value,
        numeric=share,
        excerpt=", ".join(sorted(broken)[:5]) or None,
        detail={"checked": len(targets), "broken": sorted(broken)[:50]},
    )


def mobile(c: Criterion, seen: Seen) -> Verdict:
    """A viewport meta and no horizontal overflow at 375 px: half of it is partial.

    Without a rendered audit the overflow is not known, and the viewport meta decides alone."""
    audits = [a for a in seen.audits if a.get("status") == "ok"]
    if audits:
        viewport = all(a["viewport_meta"] for a in audits)
        overflow = max(a["overflow_px"] for a in audits)
        where, source = audits[0]["url"], "browser"
    elif page_ok(seen.home):
        viewport = bool((seen.home.get("facts") or {}).get("viewport"))
        overflow, where, source = None, seen.home["url"], "crawl"
    else:
        return unknown("ok", selector='meta[name="viewport"]')
    fits = overflow is None or overflow == 0
    value = "pass" if viewport and fits else "partial" if viewport or overflow == 0 else "fail"
    seen_overflow = "not rendered" if overflow is None else f"{overflow}px at 375px"
    return verdict(
        value,
        numeric=float(viewport and fits),
        evidence_url=where,
        selector='meta[name="viewport"]',
        excerpt=f"viewport meta {'present' if viewport else 'missing'}; overflow {seen_overflow}",
        detail={"overflow_px": overflow, "viewport_meta": viewport, "pages": len(audits)},
        source=source,
    )


def accessibility(c: Criterion, seen: Seen) -> Verdict:
    """Critical and serious axe-core violations per rendered page."""
    audits = [a for a in seen.audits if a.get("status") == "ok"]
    if not audits:
        return unknown("not_checked", source="browser")
    grave = sum(a["violations_critical"] + a["violations_serious"] for a in audits) / len(audits)
    value = "pass" if grave == 0 else "partial" if grave <= c.params["partial"] else "fail"
    return verdict(
        value,
        numeric=grave,
        evidence_url=audits[0]["url"],
        excerpt=f"{grave:.1f} critical/serious axe violations per page over {len(audits)} pages",
        detail=[{"url": a["url"], "axe": a.get("axe") or []} for a in audits],
        source="browser",
    )


def lang(c: Criterion, seen: Seen) -> Verdict:
    judged, mismatched = 0, []
    for p in seen.fetched:
        if not page_ok(p):
            continue
        facts = p.get("facts") or {}
        content = facts.get("content_lang")
        if content in (None, UNKNOWN):
            continue
        judged += 1
        declared = (facts.get("lang") or "").lower().split("-")[0]
        if declared != content:
            mismatched.append(p["url"])
    share = (judged - len(mismatched)) / judged if judged else None
    return verdict(
        grade(share, *_bounds(c)),
        numeric=share,
        excerpt=", ".join(mismatched[:5]) or None,
        detail={"judged": judged, "mismatched": mismatched[:50]},
    )


def robots(c: Criterion, seen: Seen) -> Verdict:
    probe = seen.robots
    if not probe or probe.get("status") is None:
        return unknown("not_checked")
    if probe["status"] != 200:
        return verdict("partial", excerpt=f"robots.txt answered {probe['status']}", detail=probe)
    if probe.get("blocks_all"):
        return verdict("fail", excerpt="robots.txt disallows the whole site", detail=probe)
    return verdict(
        "pass" if probe.get("sitemaps") else "partial",
        excerpt=excerpt(probe.get("text", ""), 200),
        detail={k: v for k, v in probe.items() if k != "text"},
    )
