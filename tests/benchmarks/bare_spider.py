"""The crawl benchmark's baseline: a hand-written Scrapy spider that follows the same links
(same seeds, same host, same per-host page budget) and stores nothing.

Run: scrapy runspider tests/benchmarks/bare_spider.py -a seeds=FILE [-s SETTING=VALUE ...]
where FILE has one `URL BUDGET` per line: a start page and how many pages its host may give.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"
    custom_settings = {
        "ROBOTSTXT_OBEY": False,
        "LOG_LEVEL": "WARNING",
        "TELEMETRY_ENABLED": False,
        "COOKIES_ENABLED": False,
    }

    def __init__(self, seeds: str, **kwargs):
        super().__init__(**kwargs)
        self.seeds, self.budget = [], {}
        with open(seeds, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    url, budget = line.split()
                    self.seeds.append(url)
                    self.budget[urlsplit(url).netloc] = int(budget)
        self.scheduled: Counter[str] = Counter()
        self.seen: set[str] = set()
        self.pages = 0

    async def start(self):
        for url in self.seeds:
            self.seen.add(url)
            self.scheduled[urlsplit(url).netloc] += 1
            yield scrapy.Request(url, callback=self.parse, errback=self.failed)

    def parse(self, response):
        self.pages += 1
        if not hasattr(response, "css"):
            return
        host = urlsplit(response.url).netloc
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href).split("#")[0]
            if urlsplit(url).netloc != host or url in self.seen:
                continue
            if self.scheduled[host] >= self.budget.get(host, 0):
                break
            self.seen.add(url)
            self.scheduled[host] += 1
            yield scrapy.Request(url, callback=self.parse, errback=self.failed)

    def failed(self, failure):
        self.pages += 1

    def closed(self, reason):
        self.logger.warning("bare spider: %d responses", self.pages)
