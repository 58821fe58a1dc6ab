"""Every criterion id, declared once: family, stage, vocabulary, cues, detector, meaning, basis.

This is the one Python module that spells the ids. Model validation (scoring/model.py), the
data dictionary, the audit pages and docs/criteria.md all read it; weights, methods and grade
bounds stay in the model file (config/criteria.yaml), whose `detect` entries reach a detector
as `Criterion.params`. To add a section criterion: one `section(...)` line here, its cues in
config/keywords.yaml `sections` (and `content.require` if its content has a shape), and its
model entry in config/criteria.yaml.
"""

from __future__ import annotations

from functools import lru_cache

import yaml

from crawler.criteria import catalogue, functions, sections, services, technical
from crawler.criteria.base import GRADE, MEASURE, SECTION, Criterion

PILLARS = ("info", "func", "svc", "tech", "reported")


def section(cid, description, basis, *, rule=None, priority=100, family="sections"):
    """An information section: judged by the section detector from its cues."""
    return Criterion(
        cid,
        family,
        "crawl",
        description,
        basis,
        SECTION,
        sections.section,
        cues="sections",
        rule=rule,
        crawl_priority=priority,
    )


def _tech(cid, description, judge, *, values=GRADE, stage="crawl", basis="good practice"):
    return Criterion(cid, "technical", stage, description, basis, values, judge)


def _svc(cid, description, basis, judge, *, values=MEASURE, params=None):
    return Criterion(
        cid, "services", "derived", description, basis, values, judge, params=params or {}
    )


def _reported(cid, description):
    return Criterion(cid, "reported", "reported", description, f"MIC: {description}", MEASURE)


DECLARED: tuple[Criterion, ...] = (
    section("info.about", "introduction; functions, tasks, powers", "D42 4(1)(e); D43 10"),
    section("info.org_structure", "organisation structure; affiliated units", "D42 4(1)(e)"),
    section("info.leadership", "leaders with names and titles", "D43 10"),
    section("info.contact", "agency address, phone, email", "D42 4(1)(e)", rule="footer_contact"),
    section("info.contact_officials", "named focal official with contact details", "D42 4(1)(e)"),
    section("info.news", "news and events", "D43 10", rule="home_news"),
    section("info.direction", "direction and administration; leaders' schedule", "D43 10"),
    section("info.legal_documents", "legal documents with metadata and search", "D42 4(1)(a)"),
    section(
        "info.procedures",
        "administrative procedures or a link to the service portal",
        "D42 4(1)(c)",
        rule="service_portal",
    ),
    section("info.law_dissemination", "dissemination of law and policy", "D42 4(1)(d)"),
    section("info.strategy_plans", "strategies, master plans, plans", "D42 4(1)(đ)"),
    section("info.projects_procurement", "investment projects, bidding, procurement", "D43 10"),
    section("info.budget", "budget and financial disclosure", "D42 4(1)"),
    section("info.consultation", "public consultation on drafts", "D43 10"),
    section("info.qa_feedback", "Q&A, feedback, petitions", "D43 10"),
    section("info.statistics", "sector statistics", "D42 4(1)"),
    section("info.english", "an English version", "D42 Art. 7", rule="english", priority=70),
    Criterion(
        "func.search",
        "functions",
        "crawl",
        "site search that works",
        "D42 Art. 7",
        SECTION,
        functions.search,
        cues="search",
    ),
    Criterion(
        "func.links",
        "functions",
        "crawl",
        "links to other state agencies' portals",
        "D42 Art. 7",
        SECTION,
        functions.links,
        cues="links_block",
    ),
    section(
        "func.sitemap",
        "sitemap page or sitemap.xml",
        "good practice",
        rule="sitemap",
        priority=90,
    ),
    Criterion(
        "func.freshness",
        "functions",
        "crawl",
        "days since the newest dated news item",
        "D42 (update promptly); good practice",
        MEASURE,
        functions.freshness,
    ),
    Criterion(
        "svc.catalogue",
        "catalogue",
        "crawl",
        "the service catalogue is reachable and lists services",
        "D42 4(1)(c)",
        SECTION,
        catalogue.catalogue,
        cues="catalogue",
    ),
    _svc("svc.count", "number of services listed", "MIC ratio to the group's best", services.count),
    _svc(
        "svc.full_share",
        "share of services declared full-process (toàn trình)",
        "D42 Art. 11",
        services.declared_share,
        params={"level": "full"},
    ),
    _svc(
        "svc.partial_share",
        "share of services declared partial (một phần)",
        "D42 Art. 11",
        services.declared_share,
        params={"level": "partial"},
    ),
    _svc(
        "svc.verified",
        "share of checked services whose online entry works",
        "D42 Art. 11 (observed in a browser)",
        services.verified,
    ),
    _svc(
        "svc.declared_vs_observed",
        "share of checked services observed at the declared level",
        "D42 Art. 11",
        services.declared_vs_observed,
    ),
    _svc(
        "svc.payment",
        "share of checked full services with an online payment step",
        "D43 level 4; D42 toàn trình",
        services.payment,
    ),
    _svc(
        "svc.sso",
        "share of checked services entered through an identity gateway",
        "good practice (national identity gateway)",
        services.sso,
    ),
    _svc(
        "svc.procedure_fields",
        "share of the TT32 fields procedure pages show",
        "TT32",
        services.procedure_fields,
    ),
    _tech("tech.availability", "share of requests the portal answered", technical.availability),
    _tech("tech.https", "served over HTTPS, http redirects to https", technical.https),
    _tech("tech.tls", "certificate valid and trusted, TLS >= 1.2", technical.tls),
    _tech("tech.headers", "share of the basic security headers sent", technical.headers),
    _tech(
        "tech.response_time",
        "median response time of sampled pages (ms)",
        technical.response_time,
        values=MEASURE,
    ),
    _tech("tech.broken_links", "share of internal links that fail", technical.broken_links),
    _tech("tech.mobile", "viewport meta and no horizontal overflow at 375 px", technical.mobile),
    _tech(
        "tech.accessibility",
        "axe-core violations per audited page, weighted by impact",
        technical.accessibility,
        stage="check",
        basis="WCAG 2.1 (axe-core)",
    ),
    _tech("tech.lang", "share of pages whose html lang matches the content", technical.lang),
    _tech("tech.robots", "robots.txt and sitemap sane; assessment not blocked", technical.robots),
    _reported("reported.infrastructure", "IT infrastructure (agency report)"),
    _reported("reported.internal_it", "internal IT application (agency report)"),
    _reported("reported.policy", "policies and mechanisms for IT (agency report)"),
    _reported("reported.human_resources", "IT human resources (agency report)"),
)
# Judged again, with the browser's rendered audits, when the check stage has run.
RENDERED = frozenset(("tech.mobile", "tech.accessibility"))

_EXTRA: dict[str, Criterion] = {}


def register(criterion: Criterion) -> None:
    """Declare a criterion at run time (a plugin, or a test adding one to see it end to end)."""
    if criterion.id in _declared():
        raise ValueError(f"criterion {criterion.id} is declared already")
    if criterion.pillar not in PILLARS:
        raise ValueError(f"criterion {criterion.id}: pillar must be one of {', '.join(PILLARS)}")
    _EXTRA[criterion.id] = criterion
    criteria.cache_clear()


@lru_cache(maxsize=1)
def _declared() -> dict[str, Criterion]:
    out: dict[str, Criterion] = {}
    for c in DECLARED:
        if c.id in out:
            raise ValueError(f"criterion {c.id} is declared twice in {__name__}")
        out[c.id] = c
    return out


@lru_cache(maxsize=1)
def criteria() -> dict[str, Criterion]:
    """id -> Criterion, with the model file's grade bounds as each criterion's params."""
    from dataclasses import replace

    detect = _detect_params()
    return {
        cid: replace(c, params={**c.params, **detect.get(cid, {})})
        for cid, c in {**_declared(), **_EXTRA}.items()
    }


def _detect_params() -> dict[str, dict]:
    from crawler.core.paths import config_path

    with open(config_path("criteria"), encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    return {
        cid: dict(spec["detect"])
        for cid, spec in (raw.get("criteria") or {}).items()
        if isinstance(spec, dict) and isinstance(spec.get("detect"), dict)
    }


def get(cid: str) -> Criterion:
    try:
        return criteria()[cid]
    except KeyError:
        raise KeyError(f"criterion {cid!r} is not declared in {__name__}") from None


def of_stage(stage: str) -> list[Criterion]:
    return [c for c in criteria().values() if c.stage == stage]


def of_family(family: str) -> list[Criterion]:
    return [c for c in criteria().values() if c.family == family]


def catalogue_id() -> str:
    """The criterion the browser stage completes when it renders a script-built catalogue."""
    (c,) = of_family("catalogue")
    return c.id
