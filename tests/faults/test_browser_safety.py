"""The browser stage can look, never act: its real pool and service walk, in Chromium, on hostile
service pages (a form whose submit is the only visible button, forms that submit themselves on
load by POST or by GET, fetch/sendBeacon POSTs) leave no entry in the server's submissions log.
And crawler.netsafety.guard_route keeps a page from reaching private addresses."""

from __future__ import annotations

import asyncio
import json

import pytest

pytestmark = pytest.mark.faults

QUARTER = "2026Q4"


def _submissions(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


async def _walk_all(base: str, evidence, n_services=(1, 2, 3, 4)):
    from playwright.async_api import async_playwright

    from crawler.browser.pool import BrowserPool
    from crawler.browser.walk import walk_service

    blocked: list = []
    results = {}
    async with async_playwright() as pw:
        pool = BrowserPool(pw, blocked=blocked)
        try:
            ctx, _ = await pool.context("forms", True)
            for n in n_services:
                service = {"url": f"{base}dich-vu/{n}", "entity_id": "hostile-forms"}
                results[n] = await asyncio.wait_for(
                    walk_service(
                        ctx, service, quarter=QUARTER, evidence_root=evidence, timeout_ms=15000
                    ),
                    timeout=60,
                )
            # let any late timer-driven submission fire before we look
            await asyncio.sleep(1.5)
        finally:
            await pool.close()
    return results, blocked


def test_service_walk_never_submits(hostile_web, tmp_path):
    subs = hostile_web["submissions"]
    before = _submissions(subs)
    results, blocked = asyncio.run(_walk_all(hostile_web["forms"], tmp_path / "evidence"))
    after = _submissions(subs)
    new = after[len(before) :]
    # the walk reached each entry page and saw the form (it looked) ...
    assert results[1]["has_form"] and results[1]["has_submit"], results[1]
    assert all(r["entry_text"] == "Nộp trực tuyến" for r in results.values()), results
    # ... the self-submitting POSTs were stopped in the browser ...
    methods = {b["method"] for b in blocked}
    assert "POST" in methods, blocked
    # ... and nothing reached the server's submission endpoints
    posted = [s for s in new if s["method"] != "GET"]
    assert posted == [], posted
    assert [s for s in new if s["path"] != "/submit-get"] == [], new


def test_self_submitting_get_form_does_not_reach_the_server(hostile_web, tmp_path):
    subs = hostile_web["submissions"]
    before = _submissions(subs)
    asyncio.run(_walk_all(hostile_web["forms"], tmp_path / "evidence", n_services=(3,)))
    new = _submissions(subs)[len(before) :]
    assert new == [], f"requests reached /submit*: {new}"


def test_guard_route_blocks_private_subresources(hostile_web, tmp_path):
    """A page on an allowed host that pulls from a private address: guard_route aborts it."""
    from playwright.async_api import async_playwright

    from crawler.browser.chromium import launch_options
    from crawler.netsafety import guard_route

    public = "portal.public.test"
    target = hostile_web["forms"] + "submit-probe"

    def resolver(host):
        return ["93.184.216.34"] if host == public else []

    async def go():
        refused: list = []
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(**launch_options())
            try:
                ctx = await browser.new_context()
                await ctx.route("**/*", guard_route(False, resolver=resolver, refused=refused))

                async def fulfil_public(route):
                    html = f'<img src="{target}"><script>fetch("{target}")</script>'
                    await route.fulfill(body=html, content_type="text/html")

                # the "public" page is answered locally; everything else passes the guard
                await ctx.route(f"http://{public}/**", fulfil_public)
                page = await ctx.new_page()
                await page.goto(f"http://{public}/", timeout=15000)
                await page.wait_for_timeout(1000)
            finally:
                await browser.close()
        return refused

    before = _submissions(hostile_web["submissions"])
    refused = asyncio.run(go())
    assert any(url.startswith(target) for url, _ in refused), refused
    assert _submissions(hostile_web["submissions"]) == before
