"""The kernel every stage shares: errors, quarters, the entity registry, the store, locks, paths.

Nothing here imports Scrapy, Playwright or `scoring`; everything else may import it.
"""
