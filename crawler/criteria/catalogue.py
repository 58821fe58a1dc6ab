"""The service catalogue: does the entity's service portal list its online services?

| value | meaning |
|---|---|
| present | the service portal (or its catalogue API) listed services; numeric: how many |
| absent | the service portal answered but lists none |
| unknown | not crawled, failed (status says why), or a script-built page the browser must render (needs_browser) |
"""

from __future__ import annotations

from crawler.criteria.base import Criterion, Verdict, unknown, verdict
from crawler.criteria.observed import Seen, page_ok


def catalogue(c: Criterion, seen: Seen) -> Verdict:
    dvc = [p for p in seen.fetched if p.get("site") in ("dvc", "api")]
    if not dvc:
        return unknown("not_checked")
    if not any(page_ok(p) for p in dvc):
        return unknown(dvc[0].get("fetch_status") or "not_checked", evidence_url=dvc[0]["url"])
    listed, shell = 0, None
    for p in dvc:
        cat = (p.get("facts") or {}).get("catalogue") or {}
        listed += len(cat.get("services", [])) + cat.get("json_services", 0)
        if cat.get("needs_browser"):
            shell = p["url"]
    if listed:
        return verdict("present", numeric=listed)
    if shell:
        return unknown("needs_browser", evidence_url=shell)
    return verdict("absent")
