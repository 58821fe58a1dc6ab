"""The criteria ids everything speaks in (docs/scoring.md; the reference catalogue).

A model may weight, drop or re-method these, but not invent ids: a typo in the model must be an
error, not a criterion that silently scores nothing.
"""

from __future__ import annotations

PILLARS = ("info", "func", "svc", "tech", "reported")

CRITERIA: dict[str, str] = {
    "info.about": "introduction; functions, tasks, powers",
    "info.org_structure": "organisation structure; affiliated units",
    "info.leadership": "leaders with names and titles",
    "info.contact": "agency address, phone, email",
    "info.contact_officials": "named focal official with contact details",
    "info.news": "news and events",
    "info.direction": "direction and administration; leaders' schedule",
    "info.legal_documents": "legal documents with metadata and search",
    "info.procedures": "administrative procedures or a link to the service portal",
    "info.law_dissemination": "dissemination of law and policy",
    "info.strategy_plans": "strategies, master plans, plans",
    "info.projects_procurement": "investment projects, bidding, procurement",
    "info.budget": "budget and financial disclosure",
    "info.consultation": "public consultation on drafts",
    "info.qa_feedback": "Q&A, feedback, petitions",
    "info.statistics": "sector statistics",
    "info.english": "an English version",
    "func.search": "site search that works",
    "func.links": "links to other state agencies' portals",
    "func.sitemap": "sitemap page or sitemap.xml",
    "func.freshness": "days since the newest dated news item",
    "svc.catalogue": "the service catalogue is reachable and lists services",
    "svc.count": "number of services listed",
    "svc.full_share": "share of services declared full-process (toàn trình)",
    "svc.partial_share": "share of services declared partial (một phần)",
    "svc.verified": "share of checked services whose online entry works",
    "svc.declared_vs_observed": "share of checked services observed at the declared level",
    "svc.payment": "share of checked full services with an online payment step",
    "svc.sso": "share of checked services entered through an identity gateway",
    "svc.procedure_fields": "share of the TT32 fields procedure pages show",
    "tech.availability": "share of requests the portal answered",
    "tech.https": "served over HTTPS, http redirects to https",
    "tech.tls": "certificate valid and trusted, TLS >= 1.2",
    "tech.headers": "share of the basic security headers sent",
    "tech.response_time": "median response time of sampled pages (ms)",
    "tech.broken_links": "share of internal links that fail",
    "tech.mobile": "viewport meta and no horizontal overflow at 375 px",
    "tech.accessibility": "axe-core violations per audited page, weighted by impact",
    "tech.lang": "share of pages whose html lang matches the content",
    "tech.robots": "robots.txt and sitemap sane; assessment not blocked",
    "reported.infrastructure": "IT infrastructure (agency report)",
    "reported.internal_it": "internal IT application (agency report)",
    "reported.policy": "policies and mechanisms for IT (agency report)",
    "reported.human_resources": "IT human resources (agency report)",
}


def pillar_of(criterion: str) -> str:
    return criterion.split(".", 1)[0]
