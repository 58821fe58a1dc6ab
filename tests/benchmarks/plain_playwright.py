"""The browser benchmark's baseline: a plain Playwright loop that opens the given pages in one
Chromium (the same binary and flags egovrank uses), N at a time, and does nothing else.

Run: python tests/benchmarks/plain_playwright.py URLS_FILE CONCURRENCY
Prints one JSON line: {"loads": ..., "errors": ...}.
"""

from __future__ import annotations

import asyncio
import json
import sys

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from crawler.browser.chromium import launch_options


async def main(urls: list[str], concurrency: int) -> dict:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    counts = {"loads": 0, "errors": 0}
    async with async_playwright() as p:
        browser = await p.chromium.launch(**launch_options())
        context = await browser.new_context(ignore_https_errors=True)

        async def worker():
            page = await context.new_page()
            while not queue.empty():
                url = queue.get_nowait()
                try:
                    await page.goto(url, wait_until="domcontentloaded", timeout=30_000)
                    counts["loads"] += 1
                except PlaywrightError:
                    counts["errors"] += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        await browser.close()
    return counts


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        urls = [line.strip() for line in fh if line.strip()]
    print(json.dumps(asyncio.run(main(urls, int(sys.argv[2])))))
