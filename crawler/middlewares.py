"""Downloader middlewares: robots.txt Crawl-delay (Scrapy ignores it), network safety that
knows which hosts the registry allows on private addresses, and the catalogue APIs' slow rate
and circuit breaker.

They learn from the spider through Scrapy's own seams, never through attributes added to the
Crawler: the private hosts when the spider opens (signals.spider_opened), a robots.txt
Crawl-delay through the `crawl_delay_found` signal the spider sends.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from scrapy import signals

from crawler.netsafety import NetSafetyMiddleware

# Sent by the spider when a robots.txt names a Crawl-delay: host=..., delay=seconds.
crawl_delay_found = object()


class EntityNetSafetyMiddleware(NetSafetyMiddleware):
    """Network safety where permission belongs to the host, not only to one request.

    Scrapy's own robots.txt requests carry no meta of ours; without this they would be refused
    on the demo's loopback hosts, and a robots.txt that cannot be fetched means "allow all".
    """

    @classmethod
    def from_crawler(cls, crawler):
        mw = super().from_crawler(crawler)
        mw.private_hosts = set()
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider) -> None:
        hosts = getattr(spider, "private_hosts", None)
        self.private_hosts = set(hosts()) if callable(hosts) else set()

    def process_request(self, request, spider=None):
        if urlsplit(request.url).netloc in self.private_hosts:
            request.meta["allow_private"] = True
        return super().process_request(request, spider)


class CrawlDelayMiddleware:
    """Keeps each host's download slot at least as slow as its robots.txt Crawl-delay.

    AutoThrottle rewrites slot delays as it goes, so the floor is applied on every request.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler)
        crawler.signals.connect(mw.crawl_delay_found, signal=crawl_delay_found)
        return mw

    def crawl_delay_found(self, host: str, delay: float) -> None:
        self.delays[host] = delay
        self.crawler.stats.set_value(f"crawl_delay/{host}", delay)

    def process_request(self, request, spider=None):
        host = urlsplit(request.url).hostname or ""
        delay = self.delays.get(host)
        if not delay:
            return None
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, delay)
            slot.concurrency = 1
        return None


class CatalogueApiPolitenessMiddleware:
    """Slow rate and a circuit breaker for the national catalogue APIs (behind a WAF).

    Every request to an API host (the national platforms' hosts and their stand-ins in
    CATALOGUE_API_HOSTS) keeps its download slot at one request at a time and at least
    `min_delay_s` apart. After `breaker_after` consecutive 403/429/5xx answers the circuit opens:
    further requests to that host are refused ("catalogue api: circuit open") for
    `breaker_cooldown_s`, counted in `catalogue_api/circuit_refused`; no header is spoofed.
    """

    def __init__(self, crawler, hosts: set[str], conf: dict, clock=time.monotonic):
        self.crawler = crawler
        self.hosts = hosts
        self.conf = conf
        self.clock = clock
        self.failures: dict[str, int] = {}
        self.open_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        from crawler.catalogues.config import catalogues
        from crawler.postpolicy import api_hosts

        stand_ins = crawler.settings.getdict("CATALOGUE_API_HOSTS")
        hosts = api_hosts("national_new", stand_ins) | api_hosts("national_old", stand_ins)
        conf = dict(catalogues()["api_politeness"])
        floor = crawler.settings.getfloat("CATALOGUE_API_MIN_DELAY", -1.0)
        if floor >= 0:  # --no-politeness on the local demo
            conf["min_delay_s"] = floor
        return cls(crawler, hosts, conf)

    def _host(self, request) -> str | None:
        parts = urlsplit(request.url)
        for host in (parts.netloc, parts.hostname):
            if host in self.hosts:
                return host
        return None

    def process_request(self, request, spider=None):
        from scrapy.exceptions import IgnoreRequest

        host = self._host(request)
        if host is None:
            return None
        if self.open_until.get(host, 0) > self.clock():
            self.crawler.stats.inc_value("catalogue_api/circuit_refused")
            raise IgnoreRequest(f"catalogue api: circuit open for {host}")
        engine = getattr(self.crawler, "engine", None)
        downloader = getattr(engine, "downloader", None)
        if downloader is not None:
            slot = downloader.slots.get(downloader.get_slot_key(request))
            if slot is not None:
                slot.delay = max(slot.delay, self.conf["min_delay_s"])
                slot.randomize_delay = False  # a floor, not an average
                slot.concurrency = 1
        return None

    def process_response(self, request, response, spider=None):
        host = self._host(request)
        if host is None:
            return response
        if response.status in self.conf["breaker_statuses"]:
            self.failures[host] = self.failures.get(host, 0) + 1
            if self.failures[host] >= self.conf["breaker_after"]:
                self.open_until[host] = self.clock() + self.conf["breaker_cooldown_s"]
                self.crawler.stats.inc_value("catalogue_api/circuit_opened")
        else:
            self.failures[host] = 0
        return response
