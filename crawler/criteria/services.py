"""Online public services, derived from the catalogue's rows and the browser's checks.

Judged when a quarter is scored, from what the crawl and the check stage stored: the services
the catalogue lists with their declared levels, and the sampled walks of their online entry.
Shares of sampled services carry their 95% interval (`margin`, crawler/browser/sampling.py
`interval`, one rule for every share), and every verdict's `detail` lists the services it rests
on, so the audit page can answer "why 0.4 ± 0.12".

| rule | value | numeric |
|---|---|---|
| count | services listed | the count (scored against the group's best) |
| full_share / partial_share | declared full / partial out of listed | the share |
| procedure_fields | TT32 fields shown out of those required, over procedure pages | the share |
| verified | checked services whose online entry works | the share, with its interval |
| declared_vs_observed | checked services observed at their declared level | the share |
| payment | checked full services with an online payment step | the share |
| sso | checked services entered through an identity gateway | the share |
"""

from __future__ import annotations

import json

from crawler.browser.sampling import interval
from crawler.criteria.base import UNKNOWN, Criterion, Verdict, unknown, verdict
from crawler.criteria.observed import Services

TT32_FIELDS = 10
WORKING = ("full", "partial")  # an online entry that works, at either online level
EVIDENCE_ROWS = 50  # services listed in a verdict's detail


def _no_catalogue(svc: Services) -> Verdict | None:
    cat = svc.catalogue
    if cat is None:
        return unknown("not_crawled", source="derived")
    if cat.get("value") == UNKNOWN:
        return unknown(cat.get("status") or "not_checked", source="derived")
    return None


def _share(hits: list[dict], of: list[dict], population: int | None, source: str) -> Verdict:
    low, high = interval(len(hits), len(of), population)
    return verdict(
        f"{len(hits)}/{len(of)}",
        numeric=len(hits) / len(of),
        source=source,
        margin=round((high - low) / 2, 4),
        detail={
            "interval": [low, high],
            "population": population,
            "services": [_row(r, r in hits) for r in of[:EVIDENCE_ROWS]],
        },
    )


def _row(r: dict, hit: bool) -> dict:
    keys = ("url", "name", "declared", "observed", "status", "identity_provider", "payment")
    return {**{k: r.get(k) for k in keys if k in r}, "counted": hit}


def count(c: Criterion, svc: Services) -> Verdict:
    gap = _no_catalogue(svc)
    if gap:
        return gap
    n = len(svc.services)
    return verdict(str(n), numeric=float(n), source="derived")


def declared_share(c: Criterion, svc: Services) -> Verdict:
    """The share declared at the level the criterion's `params.level` names."""
    gap = _no_catalogue(svc)
    if gap:
        return gap
    rows = svc.services
    if not rows:
        return verdict("0/0", numeric=0.0, source="derived")
    hits = [s for s in rows if s["declared"] == c.params["level"]]
    return verdict(f"{len(hits)}/{len(rows)}", numeric=len(hits) / len(rows), source="derived")


def procedure_fields(c: Criterion, svc: Services) -> Verdict:
    gap = _no_catalogue(svc)
    if gap:
        return gap
    fields = [len(json.loads(s["tt32_fields"])) for s in svc.services if s.get("tt32_fields")]
    if not fields:
        return unknown("no_procedure_pages", source="derived")
    need = TT32_FIELDS * len(fields)
    return verdict(f"{sum(fields)}/{need}", numeric=sum(fields) / need, source="derived")


def works_online(check: dict) -> bool:
    """What "verified" means: the walk reached a working online entry (check_samples counts
    the same, crawler/browser/jobs.py)."""
    return check["observed"] in WORKING


def _done(svc: Services) -> list[dict]:
    return [c for c in svc.checks if c["state"] == "done" and c["observed"] != UNKNOWN]


def _not_sampled(svc: Services) -> Verdict | None:
    return _no_catalogue(svc) or (
        unknown("not_checked", source="browser") if svc.sample is None else None
    )


def verified(c: Criterion, svc: Services) -> Verdict:
    gap = _not_sampled(svc)
    if gap:
        return gap
    population = svc.sample.get("population") or 0
    if population == 0:
        # Nothing declared online to verify: none verified, which is what the entity offers.
        return verdict("no online services", numeric=0.0, source="browser")
    done = _done(svc)
    if not done:
        return unknown("checks_failed", source="browser")
    works = [r for r in done if works_online(r)]
    return _share(works, done, population, "browser")


def declared_vs_observed(c: Criterion, svc: Services) -> Verdict:
    return _checked_share(svc, lambda r: True, lambda r: r["observed"] == r["declared"])


def payment(c: Criterion, svc: Services) -> Verdict:
    return _checked_share(svc, lambda r: r["declared"] == "full", lambda r: bool(r["payment"]))


def sso(c: Criterion, svc: Services) -> Verdict:
    return _checked_share(svc, lambda r: True, lambda r: bool(r["identity_provider"]))


def _checked_share(svc: Services, among, hit) -> Verdict:
    gap = _not_sampled(svc)
    if gap:
        return gap
    rows = [r for r in _done(svc) if among(r)]
    if not rows:
        return unknown("nothing_to_check", source="browser")
    population = svc.sample.get("population") or 0
    return _share([r for r in rows if hit(r)], rows, population, "browser")
