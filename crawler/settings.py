"""Scrapy settings for `scrapy crawl portal` (the egovrank CLI builds the same from config)."""

from crawler.config import load_crawl_config, scrapy_settings

SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
globals().update(scrapy_settings(load_crawl_config()))
