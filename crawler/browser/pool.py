"""The browser's lifecycle: one Chromium, a context per host, idle pages kept for reuse.

The check stage that drives it is crawler/browser/stage.py; its storage crawler/browser/persist.py.

Built, with the check stage, to hold for tens of thousands of checks: contexts are recycled every N checks (memory is
released when a context closes), every whole check sits under asyncio.wait_for (page.evaluate
has no timeout of its own), a timed-out check's context is thrown away, and a browser that
crashes is relaunched while its in-flight jobs go back to pending.
"""

from __future__ import annotations

import asyncio
import contextlib

from playwright.async_api import Error as PlaywrightError

from crawler.browser.chromium import launch_options
from crawler.browser.safety import NO_SUBMIT_JS, guard


class BrowserPool:
    def __init__(
        self,
        playwright,
        *,
        recycle_every: int = 100,
        blocked: list | None = None,
        keep_idle: int = 4,
    ):
        self.playwright = playwright
        self.recycle_every = recycle_every
        self.browser = None
        self.contexts: dict[tuple, list] = {}
        # Pages kept open between checks, oldest first: (context key, page), at most keep_idle.
        self.idle: list[tuple[tuple, object]] = []
        self.keep_idle = keep_idle
        self.blocked = blocked if blocked is not None else []
        self.launches = 0
        self._lock = asyncio.Lock()

    async def ensure_browser(self):
        async with self._lock:
            if self.browser is None or not self.browser.is_connected():
                self.contexts.clear()
                self.idle.clear()
                self.browser = await self.playwright.chromium.launch(**launch_options())
                self.launches += 1
            return self.browser

    async def context(self, host: str, allow_private: bool, *, width: int = 1280):
        """The host's context, recycled after `recycle_every` uses."""
        browser = await self.ensure_browser()
        key = (host, width)
        entry = self.contexts.get(key)
        if entry and entry[1] >= self.recycle_every:
            await self.drop(key)
            entry = None
        if entry is None:
            ctx = await browser.new_context(
                ignore_https_errors=True,
                viewport={"width": width, "height": 900},
                user_agent=None,
                locale="vi-VN",
            )
            await ctx.add_init_script(NO_SUBMIT_JS)
            await ctx.route("**/*", guard(allow_private, self.blocked))
            entry = self.contexts[key] = [ctx, 0]
        entry[1] += 1
        return entry[0], key

    async def page(self, ctx, key):
        """An idle page of this context, else a new one. Opening a fresh page for every check
        cost about as much as loading a page (profiled on the browser benchmark)."""
        for i, (k, page) in enumerate(self.idle):
            if k == key:
                del self.idle[i]
                if not page.is_closed():
                    return page
                break
        return await ctx.new_page()

    async def release(self, key, page) -> None:
        """Keep a page whose check ended cleanly for the context's next check; close the oldest
        idle pages beyond keep_idle (a finished host's pages must not pile up)."""
        if key in self.contexts and not page.is_closed():
            self.idle.append((key, page))
        while len(self.idle) > self.keep_idle:
            _, old = self.idle.pop(0)
            with contextlib.suppress(PlaywrightError):
                await old.close()

    async def drop(self, key) -> None:
        self.idle = [(k, p) for k, p in self.idle if k != key]
        entry = self.contexts.pop(key, None)
        if entry:
            with contextlib.suppress(PlaywrightError):
                await entry[0].close()

    async def close(self):
        for key in list(self.contexts):
            await self.drop(key)
        if self.browser and self.browser.is_connected():
            await self.browser.close()
