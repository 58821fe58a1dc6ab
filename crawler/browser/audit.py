"""Rendered audits: axe-core WCAG results by impact, 375 px overflow, and JS catalogues."""

from __future__ import annotations

import json

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Error as PlaywrightError

from crawler.core.status import AuditStatus
from crawler.detect.services import parse_catalogue

IMPACTS = ("critical", "serious", "moderate", "minor")
OVERFLOW_JS = "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
_axe = Axe()


async def audit_page(context, url: str, *, timeout_ms: int) -> dict:
    """axe violations by impact and horizontal overflow, for one page in a 375 px context."""
    page = await context.new_page()
    try:
        await page.goto(url, wait_until="load", timeout=timeout_ms)
        results = await _axe.run(page)
        overflow = await page.evaluate(OVERFLOW_JS)
        viewport = await page.evaluate("() => !!document.querySelector('meta[name=viewport]')")
    except PlaywrightError as exc:
        return {
            "url": url,
            "status": AuditStatus.ERROR,
            "axe": json.dumps({"error": str(exc)[:300]}),
        }
    finally:
        await page.close()
    violations = results.response["violations"]
    counts = {i: sum(len(v["nodes"]) for v in violations if v.get("impact") == i) for i in IMPACTS}
    summary = [
        {"id": v["id"], "impact": v.get("impact"), "nodes": len(v["nodes"])} for v in violations
    ]
    return {
        "url": url,
        "status": AuditStatus.OK,
        **{f"violations_{i}": n for i, n in counts.items()},
        "axe": json.dumps(summary),
        "overflow_px": int(overflow),
        "viewport_meta": int(bool(viewport)),
    }


async def render_catalogue(context, url: str, *, timeout_ms: int) -> list[dict] | None:
    """Services of a catalogue that only a browser can see (filled by script from an API);
    None when the page did not render."""
    page = await context.new_page()
    try:
        await page.goto(url, wait_until="networkidle", timeout=timeout_ms)
        html = await page.content()
    except PlaywrightError:
        return None
    finally:
        await page.close()
    return parse_catalogue(url, html)["services"]
