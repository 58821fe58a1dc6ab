"""The criteria: one declaration per id (registry.py) and one detector module per family.

| family | module | stage | criteria |
|---|---|---|---|
| information sections | sections.py | crawl | info.*, func.sitemap |
| portal functions | functions.py | crawl | func.search, func.links, func.freshness |
| technical quality | technical.py | crawl, check | tech.* (rendered audits in the check stage) |
| service catalogue | catalogue.py | crawl | svc.catalogue |
| online services | services.py | derived at scoring | svc.count, shares, verified, payment, sso, procedure fields |
| reported indicators | (agencies' files, scoring/reported.py) | reported | reported.* |

`judge` runs one detector in isolation: a detector that raises leaves its own criterion
`unknown` with status `error` and the exception, and every other criterion is still judged.
"""

from __future__ import annotations

from crawler.criteria import registry
from crawler.criteria.base import Criterion, Verdict, failed, unknown
from crawler.criteria.observed import Seen, Services

NEEDS_HOME = frozenset(("sections", "functions"))  # families judged from the portal's pages


def judge(c: Criterion, seen, *, strict: bool = False) -> Verdict:
    """The criterion's finding; `strict` lets a detector's exception through (its tests)."""
    try:
        return c.check(c.judge(c, seen))
    except Exception as exc:
        if strict:
            raise
        return c.check(failed(exc, c.family))


def judge_entity(seen: Seen) -> list[Verdict]:
    """Findings for every criterion the crawl judges, from one entity's stored pages."""
    out = []
    for c in registry.of_stage("crawl"):
        if c.family in NEEDS_HOME and not seen.home_ok:
            home = seen.home or {}
            out.append(
                c.check(
                    unknown(
                        seen.home_failure(),
                        evidence_url=seen.home_url,
                        http_status=home.get("http_status"),
                        excerpt=home.get("error"),
                    )
                )
            )
        else:
            out.append(judge(c, seen))
    return out


def judge_rendered(seen: Seen) -> list[Verdict]:
    """The criteria the browser's rendered audits decide (or refine), same rules as the crawl."""
    return [judge(registry.get(cid), seen) for cid in sorted(registry.RENDERED)]


def derive(svc: Services) -> dict[str, Verdict]:
    """The service criteria derived from the catalogue's rows and the checks, by id."""
    return {c.id: judge(c, svc) for c in registry.of_stage("derived")}
