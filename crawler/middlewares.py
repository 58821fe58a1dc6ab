"""Downloader middlewares: robots.txt Crawl-delay (Scrapy ignores it), and network safety
that knows which hosts the registry allows on private addresses."""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.netsafety import NetSafetyMiddleware


class EntityNetSafetyMiddleware(NetSafetyMiddleware):
    """Network safety where permission belongs to the host, not only to one request.

    Scrapy's own robots.txt requests carry no meta of ours; without this they would be refused
    on the demo's loopback hosts, and a robots.txt that cannot be fetched means "allow all".
    """

    @classmethod
    def from_crawler(cls, crawler):
        mw = super().from_crawler(crawler)
        mw.private_hosts = getattr(crawler, "private_hosts", set())
        return mw

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
        crawler.crawl_delays = mw.delays
        return mw

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
