"""report.pdf: the same report.html printed by Chromium, so the publication and the web page
cannot disagree (no second layout to keep in step)."""

from __future__ import annotations

from pathlib import Path


def print_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print `html_path` to A4 PDF in headless Chromium (launched as the check stage does)."""
    from playwright.sync_api import sync_playwright

    from crawler.browser.chromium import launch_options

    with sync_playwright() as p:
        browser = p.chromium.launch(**launch_options())
        try:
            page = browser.new_page()
            # a file:// report needs nothing from the network; refuse anything else it asks for
            page.route("**/*", _local_only)
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            page.pdf(
                path=str(pdf_path),
                format="A4",
                print_background=True,
                margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
            )
        finally:
            browser.close()
    return pdf_path


def _local_only(route) -> None:
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()
