"""Scale-out: crawl shards run by Scrapyd nodes, browser checks queued in PostgreSQL (procrastinate).

egovrank only cuts the work, hands it to these engines and merges what comes back; it schedules
nothing itself. The single-machine path (`egovrank run`) never imports this package.
"""
