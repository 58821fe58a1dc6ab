"""The portal spider: each entity's portal and public-service portal, best-first, on a budget.

One spider serves every entity of the quarter (one process, per-host politeness in Scrapy's
download slots). Per entity it keeps a page budget, a depth limit and a count of requests in
flight; when the count reaches zero the entity is judged from its stored pages.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from datetime import date
from urllib.parse import urljoin, urlsplit

import scrapy
from twisted.internet import task

from crawler import catalogues
from crawler.catalogues.config import platform
from crawler.core.failures import classify_failure
from crawler.crawl_store import CrawlStore
from crawler.detect import robots
from crawler.detect.page import analyze_page
from crawler.detect.priority import canonical, is_asset, is_trap, link_priority
from crawler.detect.sitemap import sitemap_urls
from crawler.middlewares import crawl_delay_found

SECURITY_HEADERS = (
    "strict-transport-security",
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "server",
)


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(
        self,
        quarter: str,
        db: str,
        entities: list[dict] | str,
        as_of: str,
        budget: dict,
        tls: dict | None = None,
        national: dict | None = None,
        progress=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.progress = progress or self.logger.warning
        self.quarter = quarter
        self.as_of = date.fromisoformat(as_of)
        self.entities = {
            e["id"]: e for e in (json.loads(entities) if isinstance(entities, str) else entities)
        }
        self.budget = budget
        self.tls = tls or {}
        self.national = national or {}
        self.store = CrawlStore(db, quarter)
        self.seen: set[str] = set()
        self.scheduled: Counter[tuple[str, str]] = Counter()
        self.in_flight: Counter[str] = Counter()
        self.judged: set[str] = set()
        self.stats_pages = 0
        self.stats_errors = 0
        self.started = time.monotonic()

    # -- start and resume ---------------------------------------------------------------------
    def private_hosts(self) -> set[str]:
        """Hosts of entities the registry allows on private addresses (the demo's loopback
        portals, and its national portal beside them); the network-safety middleware asks for
        them when the spider opens."""
        hosts = {
            urlsplit(e[key]).netloc
            for e in self.entities.values()
            if e.get("allow_private")
            for key in ("portal_url", "dvc_url")
            if e.get(key)
        }
        if self.national.get("base") and any(
            e.get("allow_private") for e in self.entities.values()
        ):
            hosts.add(urlsplit(self.national["base"]).netloc)
        return hosts

    async def start(self):
        self._ticker = task.LoopingCall(self._report)
        self._ticker.start(5.0, now=False)
        for entity in self.entities.values():
            for request in self._start_entity(entity):
                yield request

    def _start_entity(self, entity: dict):
        yield from self._national_requests(entity)
        rows = self.store.frontier(entity["id"])
        for r in rows:
            self.seen.add(r["url"])
            self.scheduled[(entity["id"], r["site"])] += 1
            if _is_detail(r["site"], r["priority"], r["url"]):
                self.scheduled[(entity["id"], "detail")] += 1
        if rows:  # resume: re-queue what was scheduled but never stored
            queued = [r for r in rows if r["state"] == "queued"]
            for r in queued:
                yield self._request(
                    entity, r["url"], r["site"], r["depth"], r["priority"], r["link_text"]
                )
            return  # an entity with nothing queued is judged again at close
        seeds = []
        for site, base in (("portal", entity.get("portal_url")), ("dvc", entity.get("dvc_url"))):
            if not base:
                continue
            seeds.append((base, site, 1000))
            if site == "portal":
                seeds.append((urljoin(base, "/robots.txt"), "robots", 900))
                seeds.append((urljoin(base, "/sitemap.xml"), "sitemap", 800))
                seeds.append((urljoin(base, NOT_FOUND_PROBE), "probe404", 850))
        rows = []
        for url, site, prio in seeds:
            url = canonical(url)
            if url in self.seen:
                continue
            self.seen.add(url)
            self.scheduled[(entity["id"], site)] += 1
            rows.append(self._frontier_row(entity, url, site, 0, prio, None, None))
        self.store.enqueue(rows)
        for r in rows:
            yield self._request(entity, r["url"], r["site"], 0, r["priority"], None)

    def _frontier_row(self, entity, url, site, depth, prio, found_on, text):
        return {
            "url": url,
            "entity_id": entity["id"],
            "site": site,
            "depth": depth,
            "priority": prio,
            "found_on": found_on,
            "link_text": text,
        }

    def _request(self, entity, url, site, depth, priority, text, headers=None):
        self.in_flight[entity["id"]] += 1
        meta = {
            "entity": entity["id"],
            "site": site,
            "depth_": depth,
            "allow_private": bool(entity.get("allow_private")),
            "link_text": text,
            "started": time.monotonic(),
        }
        if site == "robots":
            meta["dont_obey_robotstxt"] = True
        return scrapy.Request(
            url,
            headers=headers,
            callback=self.parse,
            errback=self.failed,
            priority=priority - depth * 10,
            meta=meta,
            dont_filter=True,
        )

    # -- responses ----------------------------------------------------------------------------
    def parse(self, response):
        meta = response.meta
        entity = self.entities[meta["entity"]]
        site = meta["site"]
        url = response.request.meta.get("redirect_urls", [response.url])[0]
        status = response.status
        page = {
            "url": canonical(url),
            "entity_id": entity["id"],
            "site": site,
            "host": urlsplit(url).netloc,
            "depth": meta["depth_"],
            "http_status": status,
            "fetch_status": "ok" if status < 400 else f"http_{status // 100}xx",
            "final_url": response.url,
            "content_type": response.headers.get(b"Content-Type", b"").decode("latin-1"),
            "bytes": len(response.body),
            "elapsed_ms": round(meta.get("download_latency", 0) * 1000, 1),
            "headers": {
                k: response.headers.get(k.encode(), b"").decode("latin-1")
                for k in SECURITY_HEADERS
                if response.headers.get(k.encode())
            },
        }
        new_requests = []
        if site == "robots":
            page["facts"] = self._robots_facts(response, entity)
        elif site == "sitemap":
            page["facts"] = {
                "sitemap_urls": len(sitemap_urls(response.body)) if status < 400 else 0
            }
        elif site == "national":
            yield from self._national_rows(response, entity)
            self._done(entity)
            return
        elif site == "api":
            page["facts"] = self._api_facts(response, entity)
        elif (
            isinstance(response, scrapy.http.TextResponse)
            and "html" in page["content_type"].lower()
        ):
            facts = analyze_page(
                response.url, response.text, site="dvc" if site == "dvc" else "portal"
            )
            page["title"] = facts["title"]
            page["lang"] = facts["lang"]
            if facts.get("blocked"):
                page["fetch_status"] = "blocked"
            page["facts"] = facts
            if status < 400 and site in ("portal", "dvc"):
                new_requests = self._follow(entity, site, page, facts)
                self._record_services(entity, response.url, facts)
        self.stats_pages += 1
        self.stats_errors += page["fetch_status"] != "ok"
        frontier_rows = [r for r, _ in new_requests]
        self.store.save_page(page, frontier_rows)
        for _, req in new_requests:
            yield req
        self._done(entity)

    def failed(self, failure):
        request = failure.request
        meta = request.meta
        entity = self.entities[meta["entity"]]
        fetch_status, detail = classify_failure(failure)
        url = meta.get("redirect_urls", [request.url])[0]
        page = {
            "url": canonical(url),
            "entity_id": entity["id"],
            "site": meta["site"],
            "host": urlsplit(url).netloc,
            "depth": meta["depth_"],
            "fetch_status": fetch_status,
            "error": detail[:500],
            "final_url": request.url,
            "elapsed_ms": round((time.monotonic() - meta["started"]) * 1000, 1),
        }
        if meta["site"] == "national":  # one endpoint for every agency: keep them apart
            page["url"] = f"{url}#agency={meta['agency']}&lastId={meta.get('last_id') or ''}"
        self.stats_pages += 1
        self.stats_errors += 1
        self.store.save_page(page, [])
        self._done(entity)

    def _done(self, entity: dict) -> None:
        self.in_flight[entity["id"]] -= 1
        if self.in_flight[entity["id"]] <= 0:
            self.judge(entity)

    def judge(self, entity: dict) -> None:
        self.store.judge(
            entity["id"],
            as_of=self.as_of,
            home_url=canonical(entity["portal_url"]),
            tls=self.tls.get(urlsplit(entity["portal_url"]).netloc),
            https=_https_facts(entity),
            service_hosts=tuple(
                urlsplit(u).hostname for u in (entity.get("dvc_url"),) if u and urlsplit(u).hostname
            ),
            **self.store.probes(entity["id"]),
        )
        self.judged.add(entity["id"])

    def _report(self) -> None:
        rate = self.stats_pages / max(time.monotonic() - self.started, 1e-6)
        count = getattr(self.progress, "count", None)  # a live bar, when stderr is a terminal
        if count:
            count(len(self.judged), len(self.entities))
        self.progress(
            f"  {self.stats_pages} pages ({rate:.1f}/s), {self.stats_errors} errors, "
            f"{len(self.judged)}/{len(self.entities)} entities done"
        )

    def closed(self, reason):
        if getattr(self, "_ticker", None) and self._ticker.running:
            self._ticker.stop()
        for entity in self.entities.values():
            if entity["id"] not in self.judged:
                self.judge(entity)

    # -- link following -----------------------------------------------------------------------
    def _follow(self, entity, site, page, facts):
        """Requests for the links worth fetching, best first, inside the entity's budget."""
        depth = page["depth"] + 1
        if depth > self.budget["max_depth"]:
            return []
        limit = self.budget["max_pages"] if site == "portal" else self.budget["dvc_max_pages"]
        candidates = []
        for url, text in facts.get("links", []):
            url = canonical(url)
            if url in self.seen or is_asset(url) or is_trap(url):
                continue
            candidates.append((link_priority(url, text), url, text))
        form = facts.get("search_form")
        if form and site == "portal":
            if form.get("method") == "get":
                query = f"{form['action'].split('?')[0]}?{form['param']}=dich+vu+cong"
                candidates.append((95, canonical(query), "search"))
            else:  # never submitted: a plain GET only shows whether the handler exists at all
                candidates.append((95, canonical(form["action"]), "search handler"))
        catalogue = facts.get("catalogue") or {}
        out = []
        for api in catalogue.get("json_endpoints", []):
            api = canonical(api)
            if api not in self.seen:
                self.seen.add(api)
                row = self._frontier_row(entity, api, "api", depth, 85, page["url"], "json")
                headers = catalogue.get("api_headers")  # OpenCPS: the page's own groupId
                out.append((row, self._request(entity, api, "api", depth, 85, "json", headers)))
        detail_budget = self.budget["procedure_pages"]
        for prio, url, text in sorted(candidates, key=lambda c: -c[0]):
            if url in self.seen:
                continue
            is_detail = _is_detail(site, prio, url)
            if is_detail and self.scheduled[(entity["id"], "detail")] >= detail_budget:
                continue
            if self.scheduled[(entity["id"], site)] >= limit:
                break
            self.seen.add(url)
            self.scheduled[(entity["id"], site)] += 1
            if is_detail:
                self.scheduled[(entity["id"], "detail")] += 1
            row = self._frontier_row(entity, url, site, depth, prio, page["url"], text)
            out.append((row, self._request(entity, url, site, depth, prio, text)))
        return out

    def _record_services(self, entity, url, facts):
        catalogue = facts.get("catalogue") or {}
        if catalogue.get("services"):
            self.store.save_services(entity["id"], catalogue["services"], url, "static")
        if facts.get("tt32_fields"):
            self.store.save_tt32(canonical(url), facts["tt32_fields"])

    def _robots_facts(self, response, entity) -> dict:
        if response.status >= 400:
            return {"robots": {"status": response.status}}
        text = robots.decode(response.body)
        rp = robots.parse(text)
        ua = self.settings.get("USER_AGENT")
        delay = rp.crawl_delay(ua)
        if delay:
            host = urlsplit(response.url).hostname
            self.crawler.signals.send_catch_log(crawl_delay_found, host=host, delay=float(delay))
        base = entity["portal_url"]
        return {
            "robots": {
                "status": response.status,
                "crawl_delay": float(delay) if delay else None,
                "sitemaps": list(rp.sitemaps),
                "blocks_all": not rp.can_fetch(base, ua),
                "text": text[:2000],
            }
        }

    def _api_facts(self, response, entity) -> dict:
        try:
            doc = catalogues.load(response.body)
            got = catalogues.parse(response.url, doc) if not isinstance(doc, str) else {}
        except ValueError:
            got = {}
        rows = got.get("services", [])
        # The national rows are the reference declared level; a portal's own per-agency rows
        # (OpenCPS serviceConfigs) are its own catalogue, with the URL it gives the service.
        national = [r for r in rows if str(r.get("adapter")).startswith("national")]
        services = [r for r in rows if r["url"] and r not in national]
        self.store.save_services(entity["id"], services, response.url, "json")
        declared = self.store.save_declared(entity["id"], _own_rows(entity, national), response.url)
        return {
            "catalogue": {
                "services": [],
                "json_services": len(services),
                "platform": got.get("platform"),
                "declared_rows": declared,
            }
        }

    # -- the national portal's per-agency rows -------------------------------------------------
    def _national_requests(self, entity: dict, agency: str | None = None, last_id=None):
        """POST reads of the national rows for each of the entity's agency codes (allowlisted)."""
        base = self.national.get("base")
        if not base or not entity.get("agency_codes"):
            return
        path = platform("national_new")["api"]["rows"]
        for code in [agency] if agency else entity["agency_codes"]:
            body = {
                self.national.get("agency_param", "agencyCode"): code,
                "limit": self.national.get("page_size", 100),
                "lastId": last_id,
            }
            self.in_flight[entity["id"]] += 1
            yield scrapy.Request(
                f"{base}{path}",
                method="POST",
                body=json.dumps(body),
                headers={"Content-Type": "application/json"},
                callback=self.parse,
                errback=self.failed,
                dont_filter=True,
                meta={
                    "entity": entity["id"],
                    "site": "national",
                    "depth_": 0,
                    "allow_private": bool(entity.get("allow_private")),
                    "agency": code,
                    "last_id": last_id,
                    "started": time.monotonic(),
                    "dont_obey_robotstxt": False,
                },
            )

    def _national_rows(self, response, entity: dict):
        """Store the rows of the entity's own agencies; ask for the next page while pages are full."""
        meta = response.meta
        self.stats_pages += 1
        if response.status >= 400:
            self.stats_errors += 1
            self.store.save_page(
                self._national_page(response, f"http_{response.status // 100}xx"), []
            )
            return
        try:
            got = catalogues.parse(response.url, catalogues.load(response.body), "national_new")
        except ValueError:
            got = {"services": []}
        rows = _own_rows(entity, got["services"])
        self.store.save_declared(entity["id"], rows, response.url)
        cursor = got.get("next_cursor")
        if cursor and len(got["services"]) >= self.national.get("page_size", 100):
            yield from self._national_requests(entity, meta["agency"], next(iter(cursor.values())))

    def _national_page(self, response, status: str) -> dict:
        meta = response.meta
        return {
            "url": f"{response.url}#agency={meta['agency']}&lastId={meta.get('last_id') or ''}",
            "entity_id": meta["entity"],
            "site": "national",
            "host": urlsplit(response.url).netloc,
            "depth": 0,
            "http_status": response.status,
            "fetch_status": status,
            "final_url": response.url,
        }


def _own_rows(entity: dict, rows: list[dict]) -> list[dict]:
    """Rows of the entity's agencies: its codes, or codes below them (H26 -> H26.105)."""
    codes = tuple(entity.get("agency_codes") or ())
    return [
        r
        for r in rows
        if r.get("agency_code")
        and r.get("code")
        and any(r["agency_code"] == c or r["agency_code"].startswith(c + ".") for c in codes)
    ]


# A path no portal has: what the site answers there is its own error page, 200 or not.
NOT_FOUND_PROBE = "/egovrank-no-such-page-7f3a9c"


def _is_detail(site: str, priority: int, url: str) -> bool:
    """A procedure detail page: its own small budget, counted again when a crawl resumes.

    Real platforms name detail pages in many ways (`/thu-tuc/`, `dvc-chi-tiet-thu-tuc-hanh-
    chinh.html?ma_thu_tuc=`, `/thu-tuc-hanh-chinh/<uuid>`, `?MaTTHC=`); a link is one when its
    path or query carries a procedure code or a procedure id, or a detail slug (keywords.yaml).
    """
    return site == "dvc" and priority == 80 and bool(_DETAIL.search(url))


_DETAIL = re.compile(
    r"/thu-tuc(-hanh-chinh)?/|chi-tiet-thu-tuc|[?&](ma_thu_tuc|MaTTHC|MA_TTHC|maThuTuc)=",
    re.IGNORECASE,
)


def _https_facts(entity: dict) -> dict:
    url = entity["portal_url"]
    return {"url": url, "scheme": urlsplit(url).scheme, "http_redirects": None}
