"""In a real Chromium: JS catalogues fill from their endpoint; a never-rendering form stays loading."""

from __future__ import annotations

import pytest

from crawler.browser.chromium import launch_options

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(**launch_options())
        yield b
        b.close()


def test_js_catalogue_renders_all_services_with_badges(demo_site, browser):
    checked = set()
    for e in demo_site.truth["entities"].values():
        cat = e["catalogue"]
        if not e["reachable"] or cat["kind"] != "js":
            continue
        page = browser.new_page()
        seen_api = []
        page.on("request", lambda r, seen=seen_api: seen.append(r.url))
        page.goto(cat["url"])
        page.wait_for_selector(".dvc-item", timeout=10_000)
        items = page.query_selector_all(".dvc-item")
        assert len(items) == len(e["services"])
        by_url = {
            page.evaluate("a => a.href", it.query_selector("a")): it.query_selector(
                ".muc-do"
            ).inner_text()
            for it in items
        }
        for s in e["services"]:
            badge = by_url[s["url"]]
            if cat["api_field"] == "mucDoText":
                assert badge == s["declared_raw"]
            else:
                assert (
                    badge
                    == {"full": "Mức độ 4", "partial": "Mức độ 3", "info_only": "Mức độ 2"}[
                        s["declared"]
                    ]
                )
        assert cat["api_url"] in seen_api
        page.close()
        checked.add(cat["api_visible"])
    assert checked == {True, False}, "the fixture demo has JS catalogues of both kinds"


def test_never_rendering_form_stays_loading(demo_site, browser):
    page = browser.new_page()
    for e in demo_site.truth["entities"].values():
        for s in e["services"]:
            if e["reachable"] and s["entry"] == "never_renders":
                page.goto(s["entry_url"])
                page.wait_for_timeout(1500)
                assert "Đang tải..." in page.inner_text("body")
                assert page.query_selector("form") is None
                return
    pytest.skip("no never-rendering form in the fixture demo")
