"""egovrank's network side: registry, store, Scrapy crawl, Playwright checks, pure detectors.

This package never imports `scoring`: observation stays apart from judgement.
"""

__version__ = "0.1.0"
