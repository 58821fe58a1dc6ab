"""One entity's findings, judged from its stored pages (pure: pages in, findings out).

| criteria | value | meaning |
|---|---|---|
| info.*, func.sitemap | present | a link naming the section was found and its target answered 200 with content |
| | linked_broken | links were found but every target failed (status keeps the HTTP code or error) |
| | absent | the crawled portal shows no such link (and, for info.contact, no footer contact block) |
| | unknown | could not test: the home page failed, or the targets were never fetched (status says why) |
| func.search | present / linked_broken / absent | a search form, and whether its results page answered |
| func.links | present / absent | a "Liên kết website" block linking other portals, or 3+ gov.vn links |
| func.freshness | days (numeric) | as_of minus the newest date on the portal's pages (future dates ignored) |
| tech.* | pass / partial / fail (+ numeric) | static technical evidence; the browser stage adds rendered audits |
| svc.catalogue | present / absent / unknown | the service portal lists services (needs_browser: a JS shell) |
"""

from __future__ import annotations

import statistics
from datetime import date

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
from crawler.detect.text import excerpt

SECTION_CRITERIA = (
    "info.about",
    "info.org_structure",
    "info.leadership",
    "info.contact",
    "info.contact_officials",
    "info.news",
    "info.direction",
    "info.legal_documents",
    "info.procedures",
    "info.law_dissemination",
    "info.strategy_plans",
    "info.projects_procurement",
    "info.budget",
    "info.consultation",
    "info.qa_feedback",
    "info.statistics",
    "info.english",
    "func.sitemap",
)
SITE_CRITERIA = (*SECTION_CRITERIA, "func.search", "func.links", "func.freshness")
FAILED = {"dns_error", "connect_error", "timeout", "tls_error", "too_many_redirects", "too_large"}


def _ok(page: dict | None) -> bool:
    return bool(page) and page.get("fetch_status") == "ok" and (page.get("http_status") or 0) < 400


def _finding(criterion: str, value: str, **kw) -> dict:
    row = {
        "criterion": criterion,
        "value": value,
        "numeric": None,
        "status": "ok",
        "evidence_url": None,
        "http_status": None,
        "link_text": None,
        "excerpt": None,
        "selector": None,
        "detail": {},
        "source": "crawl",
    }
    row.update(kw)
    return row


def judge_entity(
    pages: list[dict],
    *,
    as_of: date,
    home_url: str,
    robots: dict | None = None,
    tls: dict | None = None,
    https: dict | None = None,
    sitemap: dict | None = None,
    service_hosts: tuple[str, ...] = (),
) -> list[dict]:
    """Findings for every site-level criterion of one entity."""
    error_page = next((p for p in pages if p.get("site") == "probe404"), None)
    pages = [p for p in pages if p.get("site") != "probe404"]
    by_url: dict[str, dict] = {}
    for p in pages:
        by_url.setdefault(canonical(p["url"]), p)
    home = by_url.get(canonical(home_url))
    portal = [p for p in pages if p.get("site", "portal") == "portal" and _ok(p) and p.get("facts")]
    portal.sort(key=lambda p: (p.get("depth") or 0, p["url"]))

    findings: list[dict] = []
    if not _ok(home) or not (home or {}).get("facts"):
        reason = (home or {}).get("fetch_status") or "not_checked"
        if reason == "ok":
            reason = f"http_{(home or {}).get('http_status')}"
        findings += [
            _finding(
                c,
                "unknown",
                status=reason,
                evidence_url=home_url,
                http_status=(home or {}).get("http_status"),
                excerpt=(home or {}).get("error"),
            )
            for c in SITE_CRITERIA
        ]
    else:
        site = Site.learn(portal, by_url, home_url, service_hosts, error_page=error_page)
        findings += [_section(c, site, sitemap) for c in SECTION_CRITERIA]
        findings.append(_search(home, portal, by_url))
        findings.append(_links(portal))
        findings.append(_freshness(portal, as_of))
    findings += _tech(pages, home, robots, tls, https)
    findings.append(_catalogue(pages))
    return findings


def _section(crit: str, site: Site, sitemap: dict | None) -> dict:
    broken = shell = unfetched = None
    for url, text, hows, found_on in candidates(crit, site):
        strong = bool(STRONG & set(hows))
        target = site.by_url.get(canonical(url))
        if target is None:
            if strong:
                unfetched = unfetched or (url, text)
            continue
        if not _ok(target):
            if target.get("fetch_status") == "robots_disallowed":
                unfetched = unfetched or (url, text)
            elif broken is None and strong:
                status = target.get("fetch_status")
                if status == "ok":
                    status = f"http_{target.get('http_status')}"
                broken = (url, text, target, status, target.get("error"), {})
            continue
        facts = target.get("facts")
        if not facts or (crit != "info.english" and is_english(facts)):
            continue
        # The English version is confirmed by its language, not by a heading naming it.
        named = is_english(facts) if crit == "info.english" else site.heading_names(target) == crit
        if not strong and not named:
            continue  # an image or slug alone is a lead, confirmed only by the page's heading
        verdict = content_verdict(crit, target, site)
        confirm = "language" if crit == "info.english" else "heading"
        decided = "+".join((*hows, confirm) if named and confirm not in hows else hows)
        if verdict == "ok":
            facts = target["facts"]
            heading = facts.get("section_headings", {}).get(crit) or facts.get("title")
            return _finding(
                crit,
                "present",
                evidence_url=url,
                http_status=target.get("http_status"),
                link_text=text or None,
                excerpt=heading,
                detail={"found_on": found_on, "decided_by": decided},
            )
        if shell is None:
            detail = {"shell": verdict, "decided_by": decided}
            shell = (url, text, target, verdict, target["facts"].get("title"), detail)
    home_block = _home_block(crit, site)
    if home_block:
        return home_block
    if crit == "func.sitemap" and sitemap and sitemap.get("urls"):
        return _finding(
            crit,
            "present",
            evidence_url=sitemap["url"],
            http_status=200,
            excerpt=f"{sitemap['urls']} URLs in sitemap.xml",
            detail={"decided_by": "sitemap.xml"},
        )
    failed = shell or broken  # a 200 shell says more than an error code
    if failed:
        url, text, target, status, excerpt, detail = failed
        return _finding(
            crit,
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
        return _finding(
            crit, "unknown", status=reason, evidence_url=unfetched[0], link_text=unfetched[1]
        )
    return _finding(
        crit,
        "absent",
        evidence_url=site.pages[0]["url"] if site.pages else None,
        detail={"pages_searched": len(site.pages)},
    )


def _home_block(crit: str, site: Site) -> dict | None:
    """Content that portals put in a block rather than on a page of its own."""
    if crit == "info.contact":
        for p in site.pages:
            block = p["facts"].get("contact_block")
            if block:
                return _finding(
                    crit,
                    "present",
                    evidence_url=p["url"],
                    http_status=p.get("http_status"),
                    excerpt=block,
                    selector="footer",
                    detail={"where": "footer", "decided_by": "footer block"},
                )
    if crit == "info.news":
        news = home_news_list(site)
        if news:
            return _finding(
                crit,
                "present",
                evidence_url=news["url"],
                excerpt=news["heading"],
                detail={"where": "home", "decided_by": "home block", "dates": news["dates"]},
            )
    if crit == "info.procedures":
        link = service_portal_link(site)
        if link:
            url, text, found_on = link
            return _finding(
                crit,
                "present",
                evidence_url=url,
                link_text=text or None,
                detail={"found_on": found_on, "decided_by": "service portal link"},
            )
    return None


def _search(home: dict, portal: list[dict], by_url: dict) -> dict:
    form = next((p["facts"]["search_form"] for p in portal if p["facts"].get("search_form")), None)
    if not form:
        return _finding("func.search", "absent", evidence_url=home["url"])
    if form.get("method") == "get":
        base = canonical(form["action"]).split("?")[0] + "?"
        results = [p for u, p in by_url.items() if u.startswith(base)]
    else:
        handler = by_url.get(canonical(form["action"]))
        results = [handler] if handler else []
    if results and not any(_ok(r) for r in results):
        r = results[0]
        status = r.get("fetch_status")
        return _finding(
            "func.search",
            "linked_broken",
            status=f"http_{r.get('http_status')}" if status == "ok" else status,
            evidence_url=r["url"],
            http_status=r.get("http_status"),
            detail={**form, "decided_by": "search handler answered an error"},
        )
    evidence = results[0]["url"] if results else form["action"]
    return _finding(
        "func.search",
        "present",
        evidence_url=evidence,
        status="ok" if results else "not_checked",
        selector="form",
        detail=form,
    )


def _links(portal: list[dict]) -> dict:
    for p in portal:
        block = p["facts"].get("links_block")
        if block:
            return _finding(
                "func.links",
                "present",
                evidence_url=p["url"],
                excerpt=block["heading"],
                numeric=block["links"],
                detail=block,
            )
    for p in portal:
        if p["facts"].get("gov_links", 0) >= 3:
            return _finding(
                "func.links",
                "present",
                evidence_url=p["url"],
                numeric=p["facts"]["gov_links"],
                excerpt="links to gov.vn portals",
            )
    return _finding("func.links", "absent", evidence_url=portal[0]["url"] if portal else None)


def _freshness(portal: list[dict], as_of: date) -> dict:
    best, where = None, None
    for p in portal:
        for iso in p["facts"].get("dates", []):
            d = date.fromisoformat(iso)
            if d <= as_of and (best is None or d > best):
                best, where = d, p["url"]
    if best is None:
        return _finding("func.freshness", "unknown", status="no_dates")
    days = (as_of - best).days
    return _finding(
        "func.freshness", f"{days} days", numeric=days, evidence_url=where, excerpt=best.isoformat()
    )


def _grade(share: float | None, full: float = 1.0, part: float = 0.5) -> str:
    if share is None:
        return "unknown"
    return "pass" if share >= full else "partial" if share >= part else "fail"


def _tech(pages, home, robots, tls, https) -> list[dict]:
    fetched = [
        p for p in pages if p.get("fetch_status") not in (None, "robots_disallowed", "skipped")
    ]
    ok = [p for p in fetched if _ok(p)]
    out = []
    answered = [
        p for p in fetched if p.get("fetch_status") == "ok" and (p.get("http_status") or 0) < 500
    ]
    share = len(answered) / len(fetched) if fetched else None
    out.append(
        _finding(
            "tech.availability",
            _grade(share, 0.98, 0.8),
            numeric=share,
            detail={"fetched": len(fetched), "answered": len(answered)},
        )
    )
    https = https or {}
    if https.get("scheme") == "https":
        value = "pass" if https.get("http_redirects") in (True, None) else "partial"
    elif https.get("scheme") == "http":
        value = "fail"
    else:
        value = "unknown"
    out.append(_finding("tech.https", value, evidence_url=https.get("url"), detail=https))
    tls = tls or {}
    state = tls.get("state")
    tls_value = {"valid": "pass", "incomplete_chain": "partial", None: "unknown"}.get(state, "fail")
    if tls_value == "pass" and tls.get("version") in ("TLSv1", "TLSv1.1"):
        tls_value = "partial"
    out.append(
        _finding(
            "tech.tls",
            tls_value,
            status="ok" if state else "not_checked",
            excerpt=state,
            detail=tls,
        )
    )
    headers = {k.lower(): v for k, v in ((home or {}).get("headers") or {}).items()}
    checks = {
        "hsts": "strict-transport-security" in headers,
        "csp": "content-security-policy" in headers,
        "nosniff": headers.get("x-content-type-options", "").lower() == "nosniff",
        "frames": "x-frame-options" in headers
        or "frame-ancestors" in headers.get("content-security-policy", ""),
    }
    hshare = sum(checks.values()) / len(checks) if home and _ok(home) else None
    out.append(_finding("tech.headers", _grade(hshare, 0.75, 0.25), numeric=hshare, detail=checks))
    times = [p["elapsed_ms"] for p in ok if p.get("elapsed_ms") is not None]
    median = statistics.median(times) if times else None
    out.append(
        _finding(
            "tech.response_time",
            f"{median:.0f} ms" if median is not None else "unknown",
            numeric=median,
            detail={"pages": len(times)},
        )
    )
    out.append(_broken_links(pages))
    viewport = (home or {}).get("facts", {}) and home["facts"].get("viewport")
    out.append(
        _finding(
            "tech.mobile",
            "unknown" if not _ok(home) else ("pass" if viewport else "fail"),
            numeric=None if not _ok(home) else float(bool(viewport)),
            selector='meta[name="viewport"]',
        )
    )
    out.append(_lang(ok))
    out.append(_robots(robots))
    return out


def _broken_links(pages: list[dict]) -> dict:
    by_url = {canonical(p["url"]): p for p in pages}
    targets, broken = set(), []
    for p in pages:
        for url, _text in (p.get("facts") or {}).get("links", []):
            t = by_url.get(canonical(url))
            if t is None or t.get("fetch_status") in ("robots_disallowed", "skipped"):
                continue
            key = canonical(url)
            if key in targets:
                continue
            targets.add(key)
            if not _ok(t) and t.get("fetch_status") != "too_large":
                broken.append(url)
    share = len(broken) / len(targets) if targets else None
    value = (
        "unknown"
        if share is None
        else "pass"
        if share == 0
        else "partial"
        if share <= 0.05
        else "fail"
    )
    return _finding(
        "tech.broken_links",
        value,
        numeric=share,
        excerpt=", ".join(sorted(broken)[:5]) or None,
        detail={"checked": len(targets), "broken": sorted(broken)[:50]},
    )


def _lang(ok_pages: list[dict]) -> dict:
    judged, mismatched = 0, []
    for p in ok_pages:
        facts = p.get("facts") or {}
        content = facts.get("content_lang")
        if content in (None, "unknown"):
            continue
        judged += 1
        declared = (facts.get("lang") or "").lower().split("-")[0]
        if declared != content:
            mismatched.append(p["url"])
    share = (judged - len(mismatched)) / judged if judged else None
    return _finding(
        "tech.lang",
        _grade(share, 1.0, 0.9),
        numeric=share,
        excerpt=", ".join(mismatched[:5]) or None,
        detail={"judged": judged, "mismatched": mismatched[:50]},
    )


def _robots(robots: dict | None) -> dict:
    if not robots or robots.get("status") is None:
        return _finding("tech.robots", "unknown", status="not_checked")
    if robots["status"] != 200:
        return _finding(
            "tech.robots",
            "partial",
            excerpt=f"robots.txt answered {robots['status']}",
            detail=robots,
        )
    if robots.get("blocks_all"):
        return _finding(
            "tech.robots", "fail", excerpt="robots.txt disallows the whole site", detail=robots
        )
    value = "pass" if robots.get("sitemaps") else "partial"
    return _finding(
        "tech.robots",
        value,
        excerpt=excerpt(robots.get("text", ""), 200),
        detail={k: v for k, v in robots.items() if k != "text"},
    )


def _catalogue(pages: list[dict]) -> dict:
    dvc = [p for p in pages if p.get("site") in ("dvc", "api")]
    if not dvc:
        return _finding("svc.catalogue", "unknown", status="not_checked")
    if not any(_ok(p) for p in dvc):
        return _finding(
            "svc.catalogue",
            "unknown",
            status=dvc[0].get("fetch_status") or "not_checked",
            evidence_url=dvc[0]["url"],
        )
    listed, shell = 0, None
    for p in dvc:
        cat = (p.get("facts") or {}).get("catalogue") or {}
        listed += len(cat.get("services", [])) + cat.get("json_services", 0)
        if cat.get("needs_browser"):
            shell = p["url"]
    if listed:
        return _finding("svc.catalogue", "present", numeric=listed)
    if shell:
        return _finding("svc.catalogue", "unknown", status="needs_browser", evidence_url=shell)
    return _finding("svc.catalogue", "absent")
