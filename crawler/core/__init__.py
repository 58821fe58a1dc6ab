"""The kernel every stage shares: errors, quarters, the entity registry, the store, locks, paths,
the status vocabularies, the table declarations and the one stage shape (stage.py).

Nothing here imports Scrapy, Playwright or `scoring`; everything else may import it.
"""
