"""How many requests per second a served demo sustains, so a crawl benchmark knows the server
is not its bottleneck: `python -m crawler.demo.bench OUT [--seconds S] [--concurrency C]`.

The demo must already be served (`egovrank demo serve OUT`). URLs are the ordinary pages of
every reachable portal (home, sections, articles, catalogues, procedure pages), excluding the
deliberately slow, hanging and huge ones.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from pathlib import Path

import aiohttp

SKIP_FAULTS = {"slow", "timeout", "large_page"}


def bench_urls(truth: dict) -> list[str]:
    urls = []
    for e in truth["entities"].values():
        if not e["reachable"] or e["facts"]["https"]:
            continue
        skip = {f.get("url") for f in e["faults"] if f["kind"] in SKIP_FAULTS | {"transient_503"}}
        if any(f["kind"] == "slow" for f in e["faults"]):
            continue
        urls.append(e["portal_url"])
        urls += [
            c["url"] for c in e["criteria"].values() if c.get("url") and c["value"] == "present"
        ]
        urls.append(e["criteria"]["func.freshness"]["url"])
        urls.append(e["catalogue"]["url"])
        urls += [s["url"] for s in e["services"][:5]]
        urls = [u for u in urls if u not in skip]
    return urls


async def measure(urls: list[str], seconds: float, concurrency: int) -> dict:
    statuses: dict[int, int] = {}
    sizes = 0
    cycle = itertools.cycle(urls)
    deadline = time.monotonic() + seconds
    conn = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0)

    async def worker(session):
        nonlocal sizes
        while time.monotonic() < deadline:
            async with session.get(next(cycle), allow_redirects=False) as resp:
                body = await resp.read()
                sizes += len(body)
                statuses[resp.status] = statuses.get(resp.status, 0) + 1

    started = time.monotonic()
    async with aiohttp.ClientSession(connector=conn) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    elapsed = time.monotonic() - started
    total = sum(statuses.values())
    return {
        "requests": total,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(total / elapsed, 1),
        "mb_per_s": round(sizes / elapsed / 1e6, 2),
        "statuses": statuses,
        "concurrency": concurrency,
        "distinct_urls": len(set(urls)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--concurrency", type=int, default=64)
    args = ap.parse_args()
    truth = json.loads((Path(args.out) / "truth.json").read_text(encoding="utf-8"))
    print(json.dumps(asyncio.run(measure(bench_urls(truth), args.seconds, args.concurrency))))


if __name__ == "__main__":
    main()
