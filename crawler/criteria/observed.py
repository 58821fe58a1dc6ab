"""What the detectors read: one entity's observations, typed, with what they derive computed once.

`Seen` is the crawl stage's record (the stored pages and probes of one entity); `Services` is
what the derived service criteria read (the catalogue's rows and the browser's checks). A page's
`facts` are the extraction's output, typed by `crawler.detect.page.PageFacts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from crawler.detect.priority import canonical
from crawler.detect.sections import Site


def page_ok(page: dict | None) -> bool:
    return bool(page) and page.get("fetch_status") == "ok" and (page.get("http_status") or 0) < 400


def fetch_reason(page: dict) -> str:
    """Why a page does not count: its fetch failure, or the class of the error code it answered."""
    reason = page.get("fetch_status") or "not_checked"
    if reason == "ok" and (page.get("http_status") or 0) >= 400:
        return f"http_{page['http_status'] // 100}xx"
    return reason


@dataclass
class Seen:
    """One entity's crawl: its stored pages and the probes the spider made."""

    pages: list[dict]
    as_of: date
    home_url: str
    robots: dict | None = None
    tls: dict | None = None
    https: dict | None = None
    sitemap: dict | None = None
    service_hosts: tuple[str, ...] = ()
    # The browser stage's rendered audits of portal pages (empty until it ran).
    audits: list[dict] = field(default_factory=list)

    @cached_property
    def error_page(self) -> dict | None:
        """What the portal answered for a path it cannot have (the crawl's 404 probe)."""
        return next((p for p in self.pages if p.get("site") == "probe404"), None)

    @cached_property
    def fetched(self) -> list[dict]:
        """Every stored page but the 404 probe."""
        return [p for p in self.pages if p.get("site") != "probe404"]

    @cached_property
    def by_url(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for p in self.fetched:
            out.setdefault(canonical(p["url"]), p)
        return out

    @cached_property
    def home(self) -> dict | None:
        return self.by_url.get(canonical(self.home_url))

    @property
    def home_ok(self) -> bool:
        return page_ok(self.home) and bool(self.home.get("facts"))

    def home_failure(self) -> str:
        """Why the home page could not be judged (a fetch status or http_<code>)."""
        reason = fetch_reason(self.home or {})
        return "not_checked" if reason == "ok" else reason  # answered, but nothing to read

    @cached_property
    def portal(self) -> list[dict]:
        """The portal's good pages with facts, shallowest first."""
        pages = [
            p
            for p in self.fetched
            if p.get("site", "portal") == "portal" and page_ok(p) and p.get("facts")
        ]
        return sorted(pages, key=lambda p: (p.get("depth") or 0, p["url"]))

    @cached_property
    def site(self) -> Site:
        return Site.learn(
            self.portal, self.by_url, self.home_url, self.service_hosts, error_page=self.error_page
        )


@dataclass
class Services:
    """One entity's service catalogue and the browser's checks of it, for the derived criteria."""

    catalogue: dict | None  # the svc.catalogue finding (or observation) as a dict
    services: list[dict]
    checks: list[dict]
    sample: dict | None  # the check_samples row: population, checked, verified, interval

    @classmethod
    def of(cls, found: dict[str, dict], services, checks, sample) -> Services:
        """From the entity's findings by id: the catalogue family's finding is the one read."""
        from crawler.criteria import registry

        return cls(found.get(registry.catalogue_id()), services, checks, sample)
