"""Downloader middleware for robots.txt Crawl-delay, which Scrapy ignores by itself.

(Network safety lives in crawler.netsafety.NetSafetyMiddleware.)
"""

from __future__ import annotations

from urllib.parse import urlsplit


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
