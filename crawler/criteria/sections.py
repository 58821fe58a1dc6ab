"""Information sections: is the section the law requires on the portal, with content of its kind?

One detector judges every section criterion; what tells them apart is data: each criterion's
cues (config/keywords.yaml `sections` and `content`) and, for a few, a `rule` in its declaration:

| rule | what else counts as the section |
|---|---|
| footer_contact | the contact block in the footer every page repeats |
| home_news | a dated news list on the home page |
| service_portal | a link to the entity's service portal or the national one |
| english | confirmed by the page's language, not its heading; English pages searched |
| sitemap | a page linking far more pages than the site's typical page; sitemap.xml |

| value | meaning |
|---|---|
| present | a link or heading led to a page of the section's kind (detail.decided_by says how) |
| linked_broken | led to a page that failed or is an empty shell (status: http_4xx, soft_404, ...) |
| absent | the crawled portal shows no such section |
| unknown | could not test: the home page failed, or the targets were never fetched |
"""

from __future__ import annotations

from crawler.criteria.base import Criterion, Verdict, unknown, verdict
from crawler.criteria.observed import Seen, fetch_reason, page_ok
from crawler.detect.priority import canonical
from crawler.detect.sections import (
    STRONG,
    Site,
    candidates,
    content_verdict,
    home_news_list,
    is_english,
    service_portal_link,
)


def section(c: Criterion, seen: Seen) -> Verdict:
    site = seen.site
    english = c.rule == "english"
    broken = shell = unfetched = None
    for url, text, hows, found_on in candidates(c.id, site, english=english):
        strong = bool(STRONG & set(hows))
        target = site.by_url.get(canonical(url))
        if target is None:
            if strong:
                unfetched = unfetched or (url, text)
            continue
        if not page_ok(target):
            if target.get("fetch_status") == "robots_disallowed":
                unfetched = unfetched or (url, text)
            elif broken is None and strong:
                broken = (url, text, target, fetch_reason(target), target.get("error"), {})
            continue
        facts = target.get("facts")
        if not facts or (not english and is_english(facts)):
            continue
        named = is_english(facts) if english else site.heading_names(target) == c.id
        if not strong and not named:
            continue  # an image or slug alone is a lead, confirmed only by the page's heading
        kind = content_verdict(c.id, target, site, many_links=c.rule == "sitemap")
        confirm = "language" if english else "heading"
        decided = "+".join((*hows, confirm) if named and confirm not in hows else hows)
        if kind == "ok":
            heading = facts.get("section_headings", {}).get(c.id) or facts.get("title")
            return verdict(
                "present",
                evidence_url=url,
                http_status=target.get("http_status"),
                link_text=text or None,
                excerpt=heading,
                detail={"found_on": found_on, "decided_by": decided},
            )
        if shell is None:
            detail = {"shell": kind, "decided_by": decided}
            shell = (url, text, target, kind, facts.get("title"), detail)
    elsewhere = RULES.get(c.rule, _nothing)(c, seen, site)
    if elsewhere:
        return elsewhere
    failed = shell or broken  # a 200 shell says more than an error code
    if failed:
        url, text, target, status, excerpt, detail = failed
        return verdict(
            "linked_broken",
            status=status,
            evidence_url=url,
            http_status=target.get("http_status"),
            link_text=text or None,
            excerpt=excerpt,
            detail=detail,
        )
    if unfetched:
        target = site.by_url.get(canonical(unfetched[0]))
        reason = (target or {}).get("fetch_status") or "not_checked"
        return unknown(reason, evidence_url=unfetched[0], link_text=unfetched[1])
    return verdict(
        "absent",
        evidence_url=site.pages[0]["url"] if site.pages else None,
        detail={"pages_searched": len(site.pages)},
    )


def _nothing(c: Criterion, seen: Seen, site: Site) -> None:
    return None


def _footer_contact(c: Criterion, seen: Seen, site: Site) -> Verdict | None:
    for p in site.pages:
        block = p["facts"].get("contact_block")
        if block:
            return verdict(
                "present",
                evidence_url=p["url"],
                http_status=p.get("http_status"),
                excerpt=block,
                selector="footer",
                detail={"where": "footer", "decided_by": "footer block"},
            )
    return None


def _home_news(c: Criterion, seen: Seen, site: Site) -> Verdict | None:
    news = home_news_list(site, c.id)
    if not news:
        return None
    return verdict(
        "present",
        evidence_url=news["url"],
        excerpt=news["heading"],
        detail={"where": "home", "decided_by": "home block", "dates": news["dates"]},
    )


def _service_portal(c: Criterion, seen: Seen, site: Site) -> Verdict | None:
    link = service_portal_link(site)
    if not link:
        return None
    url, text, found_on = link
    return verdict(
        "present",
        evidence_url=url,
        link_text=text or None,
        detail={"found_on": found_on, "decided_by": "service portal link"},
    )


def _sitemap_xml(c: Criterion, seen: Seen, site: Site) -> Verdict | None:
    sitemap = seen.sitemap
    if not (sitemap and sitemap.get("urls")):
        return None
    return verdict(
        "present",
        evidence_url=sitemap["url"],
        http_status=200,
        excerpt=f"{sitemap['urls']} URLs in sitemap.xml",
        detail={"decided_by": "sitemap.xml"},
    )


RULES = {
    "footer_contact": _footer_contact,
    "home_news": _home_news,
    "service_portal": _service_portal,
    "sitemap": _sitemap_xml,
}
