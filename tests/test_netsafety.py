"""crawler.netsafety: literal addresses in every spelling, DNS answers (stub resolver), the Scrapy
middleware on a real crawl with a redirect to loopback, and the Playwright route guard."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.netsafety import (
    NetSafetyMiddleware,
    check_url,
    guard_route,
    parse_host_ip,
    refusal_of,
)

REFUSED = [
    "http://127.0.0.1/",
    "http://127.9.9.9:8080/admin",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://100.64.0.1/",
    "http://255.255.255.255/",
    "http://[::1]/",
    "http://[::]/",
    "http://[fe80::1%25eth0]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]:81/",
    "http://[::ffff:7f00:1]/",
    "http://[64:ff9b::a00:1]/",
    "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0x7f000001/",
    "http://0x7f.0x0.0x0.0x1/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://127.1/",
    "http://10.1/",
    "http://3232235777/",  # 192.168.1.1
    "http://127.0.0.1./",
    "http://localhost:8000/",
    "http://LOCALHOST/",
    "http://api.localhost/",
    "http://user:pw@127.0.0.1/",
]
ALLOWED = [
    "https://chinhphu.vn/",
    "http://8.8.8.8/",
    "http://[2001:4860:4860::8888]/",
    "http://[::ffff:8.8.8.8]/",
    "http://134744072/",  # 8.8.8.8
    "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
]


def no_dns(host):
    return ["93.184.216.34"]


@pytest.mark.parametrize("url", REFUSED)
def test_special_destinations_are_refused(url):
    reason = check_url(url, False, resolver=no_dns)
    assert reason, url
    assert "\n" not in reason
    assert check_url(url, True, resolver=no_dns) is None


@pytest.mark.parametrize("url", ALLOWED)
def test_public_destinations_pass(url):
    assert check_url(url, False, resolver=no_dns) is None


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.vn/", "gopher://x/", "javascript:alert(1)", "x"]
)
def test_other_schemes_refused_even_when_private_allowed(url):
    assert check_url(url, False) and check_url(url, True)


def test_parse_host_ip_forms():
    assert str(parse_host_ip("2130706433")) == "127.0.0.1"
    assert str(parse_host_ip("0x7f.1")) == "127.0.0.1"
    assert str(parse_host_ip("0177.0.0.01")) == "127.0.0.1"
    assert str(parse_host_ip("127.1")) == "127.0.0.1"
    assert str(parse_host_ip("10.0.258")) == "10.0.1.2"
    assert parse_host_ip("chinhphu.vn") is None
    assert parse_host_ip("1.2.3.4.5") is None
    assert parse_host_ip("256.1.1.1") is None
    assert parse_host_ip("089.1.1.1") is None  # not octal, so a name, resolved by DNS
    assert parse_host_ip("4294967296") is None
    assert str(parse_host_ip("[::ffff:127.0.0.1]")) == "::ffff:7f00:1"


def test_dns_answers_decide_for_names():
    table = {
        "evil.example": ["93.184.216.34", "10.0.0.5"],  # any private answer refuses
        "meta.example": ["169.254.169.254"],
        "v6.example": ["::1"],
        "fine.example": ["93.184.216.34", "2606:2800:220:1::1"],
        "gone.example": [],
    }

    def resolver(host):
        return table[host]

    assert "10.0.0.5" in check_url("http://evil.example/", False, resolver=resolver)
    assert "link-local" in check_url("http://meta.example/x", False, resolver=resolver)
    assert "loopback" in check_url("https://v6.example/", False, resolver=resolver)
    assert check_url("http://fine.example/", False, resolver=resolver) is None
    # a name that does not resolve is not refused here: the crawl records dns_error
    assert check_url("http://gone.example/", False, resolver=resolver) is None
    assert check_url("http://evil.example/", True, resolver=resolver) is None


def test_system_resolver_localhost_and_unresolvable():
    assert check_url("http://localhost/", False)
    assert check_url("http://no-such-host.invalid/", False) is None


def test_middleware_raises_ignore_request_with_reason():
    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest

    mw = NetSafetyMiddleware(resolver=no_dns)
    assert mw.process_request(Request("http://8.8.8.8/")) is None
    req = Request("http://[::ffff:169.254.169.254]/")
    with pytest.raises(IgnoreRequest) as info:
        mw.process_request(req)
    assert "link-local" in refusal_of(info.value)
    assert req.meta["netsafety_refused"]
    ok = Request("http://127.0.0.1/", meta={"allow_private": True})
    assert mw.process_request(ok) is None


def test_guard_route_aborts_refused_and_continues_public():
    import asyncio

    class Route:
        def __init__(self, url):
            self.request = type("R", (), {"url": url})()
            self.done = None

        async def abort(self, code=None):
            self.done = ("abort", code)

        async def continue_(self):
            self.done = ("continue", None)

    refused = []
    handler = guard_route(False, resolver=no_dns, refused=refused)
    routes = [Route(u) for u in ("http://10.0.0.1/", "https://chinhphu.vn/", "data:text/html,x")]

    async def go():
        for r in routes:
            await handler(r)

    asyncio.run(go())
    assert [r.done[0] for r in routes] == ["abort", "continue", "continue"]
    assert refused and refused[0][0] == "http://10.0.0.1/"


SPIDER = textwrap.dedent(
    """
    import json, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.resolver import CachingThreadedResolver
    from twisted.internet import defer
    from crawler.netsafety import refusal_of

    PORT = int(sys.argv[1]); OUT = sys.argv[2]

    class LoopbackAsPublic(CachingThreadedResolver):
        # The downloader reaches portal.public.test on 127.0.0.1 ...
        def getHostByName(self, name, timeout=()):
            if name == "portal.public.test":
                return defer.succeed("127.0.0.1")
            return super().getHostByName(name, timeout)

    def public_dns(host):
        # ... while netsafety's DNS answer for it is a public address.
        return ["93.184.216.34"] if host == "portal.public.test" else []

    records = []

    class S(scrapy.Spider):
        name = "s"
        async def start(self):
            for path in ("/", "/direct"):
                yield scrapy.Request(f"http://portal.public.test:{PORT}{path}",
                                     meta={"allow_private": False}, errback=self.err,
                                     dont_filter=True)
            yield scrapy.Request(f"http://127.0.0.2:{PORT}/allowed",
                                 meta={"allow_private": True}, errback=self.err)

        def parse(self, response):
            records.append({"url": response.url, "status": response.status,
                            "redirects": response.meta.get("redirect_urls", [])})

        def err(self, failure):
            records.append({"url": failure.request.url, "blocked": refusal_of(failure)})

    p = CrawlerProcess({
        "TWISTED_DNS_RESOLVER": LoopbackAsPublic,
        "NETSAFETY_RESOLVER": public_dns,
        "DOWNLOADER_MIDDLEWARES": {"crawler.netsafety.NetSafetyMiddleware": 50},
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


class _Handler(BaseHTTPRequestHandler):
    hits: list[tuple[str, str]] = []

    def do_GET(self):
        host = self.server.server_address[0]
        _Handler.hits.append((host, self.path))
        if self.path == "/":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.2:{self.server.server_address[1]}/secret")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = f"<html><title>{host}{self.path}</title></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_real_crawl_refuses_redirect_to_loopback(tmp_path):
    public = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = public.server_address[1]
    private = ThreadingHTTPServer(("127.0.0.2", port), _Handler)
    servers = [public, private]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    _Handler.hits.clear()
    script = tmp_path / "spider.py"
    script.write_text(SPIDER)
    out = tmp_path / "out.json"
    try:
        proc = subprocess.run(
            [sys.executable, str(script), str(port), str(out)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        for s in servers:
            s.shutdown()
            s.server_close()
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(out.read_text())
    by_url = {r["url"]: r for r in result["records"]}
    # the "public" page was fetched, its redirect to loopback was refused and recorded
    assert ("127.0.0.1", "/") in _Handler.hits
    assert ("127.0.0.1", "/direct") in _Handler.hits
    redirected = by_url[f"http://127.0.0.2:{port}/secret"]
    assert "loopback" in redirected["blocked"]
    assert by_url[f"http://portal.public.test:{port}/direct"]["status"] == 200
    assert result["stats"]["netsafety/refused"] == 1
    # the private server saw only the request whose entity allows private destinations
    assert by_url[f"http://127.0.0.2:{port}/allowed"]["status"] == 200
    assert [h for h in _Handler.hits if h[0] == "127.0.0.2"] == [("127.0.0.2", "/allowed")]
