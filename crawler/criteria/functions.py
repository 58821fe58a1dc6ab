"""Portal functions: site search, links to other agencies' portals, how fresh the news is.

| criterion rule | value | meaning |
|---|---|---|
| search | present / linked_broken / absent | a search form, and whether its results page answered |
| links | present / absent | a "Liên kết website" block linking other portals, or enough gov.vn links (model `detect.gov_links`) |
| freshness | days (numeric) | as_of minus the newest date on the portal's pages (future dates ignored) |
"""

from __future__ import annotations

from datetime import date

from crawler.criteria.base import Criterion, Verdict, unknown, verdict
from crawler.criteria.observed import Seen, fetch_reason, page_ok
from crawler.detect.priority import canonical


def search(c: Criterion, seen: Seen) -> Verdict:
    portal, by_url = seen.portal, seen.by_url
    form = next((p["facts"]["search_form"] for p in portal if p["facts"].get("search_form")), None)
    if not form:
        return verdict("absent", evidence_url=seen.home["url"])
    if form.get("method") == "get":
        base = canonical(form["action"]).split("?")[0] + "?"
        results = [p for u, p in by_url.items() if u.startswith(base)]
    else:
        handler = by_url.get(canonical(form["action"]))
        results = [handler] if handler else []
    if results and not any(page_ok(r) for r in results):
        r = results[0]
        return verdict(
            "linked_broken",
            status=fetch_reason(r),
            evidence_url=r["url"],
            http_status=r.get("http_status"),
            detail={**form, "decided_by": "search handler answered an error"},
        )
    return verdict(
        "present",
        evidence_url=results[0]["url"] if results else form["action"],
        status="ok" if results else "not_checked",
        selector="form",
        detail=form,
    )


def links(c: Criterion, seen: Seen) -> Verdict:
    portal = seen.portal
    for p in portal:
        block = p["facts"].get("links_block")
        if block:
            return verdict(
                "present",
                evidence_url=p["url"],
                excerpt=block["heading"],
                numeric=block["links"],
                detail=block,
            )
    for p in portal:
        if p["facts"].get("gov_links", 0) >= c.params["gov_links"]:
            return verdict(
                "present",
                evidence_url=p["url"],
                numeric=p["facts"]["gov_links"],
                excerpt="links to gov.vn portals",
            )
    return verdict("absent", evidence_url=portal[0]["url"] if portal else None)


def freshness(c: Criterion, seen: Seen) -> Verdict:
    best, where = None, None
    for p in seen.portal:
        for iso in p["facts"].get("dates", []):
            d = date.fromisoformat(iso)
            if d <= seen.as_of and (best is None or d > best):
                best, where = d, p["url"]
    if best is None:
        return unknown("no_dates")
    days = (seen.as_of - best).days
    return verdict(f"{days} days", numeric=days, evidence_url=where, excerpt=best.isoformat())
