"""The spider and the middlewares talk through Scrapy's own seams (signals, stats), not through
attributes added to the Crawler."""

from scrapy import signals
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from crawler.middlewares import (
    CrawlDelayMiddleware,
    EntityNetSafetyMiddleware,
    crawl_delay_found,
)
from crawler.spiders.portal import PortalSpider

ENTITIES = [
    {
        "id": "demo",
        "portal_url": "http://127.0.0.1:8123/",
        "dvc_url": "http://127.0.0.2:8124/",
        "allow_private": True,
    },
    {"id": "real", "portal_url": "https://example.gov.vn/", "allow_private": False},
]


def _spider(crawler, tmp_path):
    return PortalSpider.from_crawler(
        crawler,
        quarter="2026Q4",
        db=str(tmp_path / "a.db"),
        entities=ENTITIES,
        as_of="2026-12-01",
        budget={},
        national={"base": "http://127.0.0.1:9000"},
    )


def test_private_hosts_reach_the_safety_middleware_when_the_spider_opens(tmp_path):
    crawler = get_crawler(PortalSpider)
    mw = EntityNetSafetyMiddleware.from_crawler(crawler)
    spider = _spider(crawler, tmp_path)
    assert mw.private_hosts == set()
    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    assert mw.private_hosts == {"127.0.0.1:8123", "127.0.0.2:8124", "127.0.0.1:9000"}
    request = Request("http://127.0.0.1:8123/robots.txt")
    mw.process_request(request, spider)
    assert request.meta.get("allow_private") is True
    assert not hasattr(crawler, "private_hosts")


def test_a_robots_crawl_delay_reaches_the_delay_middleware_as_a_signal(tmp_path):
    crawler = get_crawler(PortalSpider)
    mw = CrawlDelayMiddleware.from_crawler(crawler)
    crawler.signals.send_catch_log(crawl_delay_found, host="slow.gov.vn", delay=4.0)
    assert mw.delays == {"slow.gov.vn": 4.0}
    assert crawler.stats.get_value("crawl_delay/slow.gov.vn") == 4.0
    assert not hasattr(crawler, "crawl_delays")
