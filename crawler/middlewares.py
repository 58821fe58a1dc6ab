"""Downloader middlewares: network safety, and robots.txt Crawl-delay (Scrapy ignores it)."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.netsafety import check_url


class NetSafetyMiddleware:
    """Refuses private/loopback destinations, redirect targets included (they pass here again)."""

    def process_request(self, request, spider=None):
        reason = check_url(request.url, bool(request.meta.get("allow_private")))
        if reason:
            raise IgnoreRequest(f"refused by network safety: {reason}")


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
