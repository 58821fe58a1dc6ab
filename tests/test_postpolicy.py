"""The POST allowlist (crawler/postpolicy.py) both ways, in a real Scrapy crawl and in real
Chromium against a loopback server standing in for the national portal: a listed catalogue read
goes out, a form POST to the same host is refused. And the national API's slow rate and circuit
breaker (crawler.middlewares.CatalogueApiPolitenessMiddleware) in the same real crawl."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.postpolicy import post_refusal

ROWS = "/api/v1/submitting/formality/list-department-url-by-citizen"
CREATE = "/api/v1/submitting/dossier/create"
NATIONAL = "https://dichvucong.gov.vn"
JSON_CT = "application/json"
FORM_CT = "application/x-www-form-urlencoded"


def _old(service: str) -> str:
    return "params=" + json.dumps({"service": service, "provider": "dvcquocgia", "type": "ref"})


@pytest.mark.parametrize(
    ("method", "url", "body", "ctype", "allowed"),
    [
        ("GET", f"{NATIONAL}/anything", None, None, True),
        ("POST", f"{NATIONAL}{ROWS}", '{"limit": 50, "lastId": null}', JSON_CT, True),
        ("POST", f"{NATIONAL}{ROWS}", "limit=50", FORM_CT, False),  # listed path, form body
        ("POST", f"{NATIONAL}{ROWS}", "[1]", JSON_CT, False),  # not an object
        ("POST", f"{NATIONAL}{CREATE}", '{"a": 1}', JSON_CT, False),  # not listed
        ("POST", f"{NATIONAL}/jsp/rest.jsp", _old("get_ds_tthc_da_cong_bo_dvc_service"), FORM_CT,
         True),
        ("POST", f"{NATIONAL}/jsp/rest.jsp", _old("save_dossier_service"), FORM_CT, False),
        ("POST", f"{NATIONAL}/jsp/rest.jsp", _old("get_list_agency_service_v2") + "&x=1", FORM_CT,
         False),
        ("POST", "https://dichvucong.hanoi.gov.vn/api/v1/x", '{"a": 1}', JSON_CT, False),
        ("PUT", f"{NATIONAL}{ROWS}", '{"a": 1}', JSON_CT, False),
        ("DELETE", f"{NATIONAL}{ROWS}", None, None, False),
    ],
)  # fmt: skip
def test_post_allowlist_decisions(method, url, body, ctype, allowed):
    assert (post_refusal(method, url, body, ctype) is None) is allowed


def test_stand_in_host_only_when_named():
    url = f"http://127.0.0.1:8123{ROWS}"
    assert post_refusal("POST", url, "{}", JSON_CT) is not None
    assert post_refusal("POST", url, "{}", JSON_CT, {"national_new": ["127.0.0.1:8123"]}) is None


class _Handler(BaseHTTPRequestHandler):
    hits: list[tuple[float, str, str]] = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        _Handler.hits.append((time.monotonic(), self.command, self.path))
        status = 503 if self.path.startswith("/api/v1/busy") else 200
        body = b'{"data": []}' if self.path.startswith("/api") else b"<html><body>ok</body></html>"
        if self.path == "/page":
            body = PAGE.encode()
        self.send_response(status)
        ctype = "application/json" if self.path.startswith("/api") else "text/html"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


PAGE = f"""<html><body><form id="f" method="post" action="{CREATE}"><input name="a" value="1">
</form><script>
window.done = Promise.allSettled([
  fetch("{ROWS}", {{method: "POST", headers: {{"Content-Type": "application/json"}},
                   body: JSON.stringify({{limit: 10}})}}),
  fetch("{CREATE}", {{method: "POST", headers: {{"Content-Type": "{FORM_CT}"}}, body: "a=1"}}),
  fetch("{ROWS}", {{method: "POST", headers: {{"Content-Type": "{FORM_CT}"}}, body: "limit=10"}}),
])
</script></body></html>"""


@pytest.fixture
def national():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Handler.hits.clear()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


SPIDER = textwrap.dedent(
    """
    import json, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from crawler.netsafety import refusal_of

    HOST = sys.argv[1]; OUT = sys.argv[2]; BASE = "http://" + HOST
    ROWS = "/api/v1/submitting/formality/list-department-url-by-citizen"
    records = []

    class S(scrapy.Spider):
        name = "s"
        async def start(self):
            yield scrapy.Request(BASE + ROWS, method="POST", body='{"limit": 10}',
                                 headers={"Content-Type": "application/json"},
                                 meta={"allow_private": True, "n": "listed"}, errback=self.err)
            yield scrapy.FormRequest(BASE + "/api/v1/submitting/dossier/create",
                                     formdata={"a": "1"}, meta={"allow_private": True, "n": "form"},
                                     errback=self.err)
            yield scrapy.FormRequest(BASE + ROWS, formdata={"limit": "10"},
                                     meta={"allow_private": True, "n": "form-listed"},
                                     errback=self.err)
            yield self.busy(0)

        def busy(self, i):
            return scrapy.Request(BASE + f"/api/v1/busy?{i}", callback=self.parse,
                                  errback=self.err, meta={"allow_private": True, "n": f"busy{i}"})

        def parse(self, response):
            n = response.meta["n"]
            records.append({"n": n, "status": response.status})
            if n.startswith("busy") and int(n[4:]) < 4:
                yield self.busy(int(n[4:]) + 1)

        def err(self, failure):
            n = failure.request.meta["n"]
            records.append({"n": n, "refused": refusal_of(failure) or str(failure.value)})
            if n.startswith("busy") and int(n[4:]) < 4:
                return [self.busy(int(n[4:]) + 1)]

    p = CrawlerProcess({
        "CATALOGUE_API_HOSTS": {"national_new": [HOST]},
        "DOWNLOADER_MIDDLEWARES": {"crawler.netsafety.NetSafetyMiddleware": 50,
                                   "crawler.middlewares.CatalogueApiPolitenessMiddleware": 560},
        "RETRY_ENABLED": False, "HTTPERROR_ALLOW_ALL": True,
        "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "WARNING", "DOWNLOAD_TIMEOUT": 10,
        "CLOSESPIDER_TIMEOUT": 60, "TELNETCONSOLE_ENABLED": False,
    })
    crawler = p.create_crawler(S)
    p.crawl(crawler)
    p.start()
    json.dump({"records": records, "stats": crawler.stats.get_stats()},
              open(OUT, "w"), default=str)
    """
)


def test_crawler_sends_listed_read_refuses_form_post_and_breaks_the_circuit(national, tmp_path):
    script = tmp_path / "spider.py"
    script.write_text(SPIDER)
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, str(script), national, str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(out.read_text())
    by_n = {r["n"]: r for r in got["records"]}
    assert by_n["listed"] == {"n": "listed", "status": 200}
    assert "not a listed catalogue read" in by_n["form"]["refused"]
    assert "body must be JSON" in by_n["form-listed"]["refused"]
    posts = [(m, p) for _, m, p in _Handler.hits if m == "POST"]
    assert posts == [("POST", ROWS)]  # only the listed read reached the server
    # three 503s open the circuit; the next two requests never leave
    busy = [t for t, _, p in _Handler.hits if p.startswith("/api/v1/busy")]
    assert len(busy) == 3
    assert [by_n[f"busy{i}"].get("status") for i in range(3)] == [503, 503, 503]
    assert all("circuit open" in by_n[f"busy{i}"]["refused"] for i in (3, 4))
    assert got["stats"]["catalogue_api/circuit_opened"] == 1
    # and the API host is read slowly: at least min_delay_s (0.5 s) between requests
    assert min(b - a for a, b in zip(busy, busy[1:], strict=False)) >= 0.45


def test_browser_sends_listed_read_refuses_form_post(national):
    from playwright.async_api import async_playwright

    from crawler.browser.chromium import launch_options
    from crawler.browser.safety import guard

    blocked: list = []

    async def go():
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(**launch_options())
            ctx = await browser.new_context()
            await ctx.route("**/*", guard(True, blocked, {"national_new": [national]}))
            page = await ctx.new_page()
            await page.goto(f"http://{national}/page")
            await page.evaluate("window.done")
            # a form POST by navigation: refused (a destroyed context would be fine too)
            with contextlib.suppress(Exception):
                await page.evaluate("document.getElementById('f').submit()")
            await asyncio.sleep(1.0)
            await browser.close()

    asyncio.run(go())
    posts = [p for _, m, p in _Handler.hits if m == "POST"]
    assert posts == [ROWS]
    reasons = sorted((b["url"].split(national)[1], b["reason"].split(";")[0]) for b in blocked)
    assert reasons == [
        (CREATE, f"POST {CREATE} is not a listed catalogue read of national_new"),
        (CREATE, f"POST {CREATE} is not a listed catalogue read of national_new"),
        (ROWS, f"POST {ROWS}: body must be JSON, not {FORM_CT}"),
    ]
