"""The crawl's hand-off to the check stage (browser_work): what goes over, what does not, and
that a re-judged entity keeps what the check stage has done."""

from __future__ import annotations

import json
from datetime import date

from crawler.crawl_store import CrawlStore, handoff

HOME = "https://a.gov.vn/"
DVC = "https://dvc.a.gov.vn/"


def page(url, site, *, depth=1, status="ok", http=200, catalogue=None):
    return {
        "url": url,
        "site": site,
        "depth": depth,
        "fetch_status": status,
        "http_status": http,
        "facts": {"catalogue": catalogue} if catalogue is not None else {},
    }


SHELL = {"services": [], "json_endpoints": [], "needs_browser": True}
LISTED = {"services": [{"url": DVC + "tt/1", "declared": "full"}], "needs_browser": False}


def test_js_shell_and_fetched_home_are_handed_over():
    pages = [page(HOME, "portal", depth=0), page(DVC, "dvc", catalogue=SHELL)]
    got = {(w["kind"], w["url"]) for w in handoff(pages, HOME)}
    assert got == {("catalogue", DVC), ("audit", HOME)}


def test_nothing_to_hand_over():
    # a catalogue the HTML lists already: no browser needed, even beside a shell
    listed = [page(DVC, "dvc", catalogue=LISTED), page(DVC + "js", "dvc", catalogue=SHELL)]
    assert handoff(listed, None) == []
    # a shell that did not load, a home that failed or answered 404
    failed = [
        page(DVC, "dvc", status="timeout", catalogue=SHELL),
        page(HOME, "portal", depth=0, status="timeout"),
    ]
    assert handoff(failed, HOME) == []
    assert handoff([page(HOME, "portal", depth=0, http=404)], HOME) == []
    # a portal page (not the service portal) that runs script is no catalogue
    assert handoff([page(HOME + "x", "portal", catalogue=SHELL)], None) == []


def _judge(cs, pages):
    cs.db["pages"].insert_all(
        [
            {**p, "quarter": "2026Q4", "entity_id": "a", "facts": json.dumps(p["facts"])}
            for p in pages
        ],
        pk=("quarter", "url"),
        replace=True,
    )
    cs.judge("a", as_of=date(2026, 12, 31), home_url=HOME)


def test_rejudging_keeps_done_work_and_drops_what_is_gone(tmp_path):
    cs = CrawlStore(str(tmp_path / "e.db"), "2026Q4")
    _judge(cs, [page(HOME, "portal", depth=0), page(DVC, "dvc", catalogue=SHELL)])
    rows = {(r["kind"], r["url"]): r["state"] for r in cs.db["browser_work"].rows}
    assert rows == {("catalogue", DVC): "pending", ("audit", HOME): "pending"}
    cs.db.execute("update browser_work set state = 'done' where kind = 'catalogue'")
    _judge(cs, [page(HOME, "portal", depth=0), page(DVC, "dvc", catalogue=SHELL)])
    assert cs.db["browser_work"].get(("2026Q4", "a", "catalogue", DVC))["state"] == "done"
    # the next crawl finds the catalogue in the HTML: nothing left for the browser there
    _judge(cs, [page(HOME, "portal", depth=0), page(DVC, "dvc", catalogue=LISTED)])
    assert [(r["kind"], r["url"]) for r in cs.db["browser_work"].rows] == [("audit", HOME)]
