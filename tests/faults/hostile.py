"""A hostile web on loopback: one address per case, all on one port (aiohttp, own process).

    python tests/faults/hostile.py PORT        # prints "READY <port>" when every host answers

Cases (host -> what `/` does):
  127.4.0.1 bomb       gzip bomb: ~1 MB on the wire, declared Content-Encoding gzip, 1 GiB inflated
  127.4.0.2 huge       100 MB page with a Content-Length
  127.4.0.3 stream     100 MB page, chunked, no Content-Length
  127.4.0.4 endless    endless chunked response (stops after 10 minutes at the latest)
  127.4.0.5 slowloris  one byte per second (stops after 10 minutes at the latest)
  127.4.0.6 loop       redirect loop /a -> /b -> /a ..., and /r/N -> /r/N+1 forever
  127.4.0.7 links      a page with 10,000 links (each answers a tiny page)
  127.4.0.8 xss        titles, link texts and excerpts with <script>, javascript: links,
                       event-handler attributes, formula-like text and very long strings
  127.4.0.9 normal     a small ordinary portal (home + 5 pages), the control
  127.4.0.10 forms     service pages whose entry leads to: a form whose submit is the only
                       visible button (/nop/1), a form that POSTs itself on load (/nop/2), one
                       that submits itself by GET (/nop/3), fetch/sendBeacon POSTs on load
                       (/nop/4); any request to /submit* is appended to SUBMISSIONS (argv[2])
Every response is bounded in time and size on the server side too (tests stop by themselves).
"""

from __future__ import annotations

import asyncio
import sys
import zlib

from aiohttp import web

CASES = {
    "bomb": "127.4.0.1",
    "huge": "127.4.0.2",
    "stream": "127.4.0.3",
    "endless": "127.4.0.4",
    "slowloris": "127.4.0.5",
    "loop": "127.4.0.6",
    "links": "127.4.0.7",
    "xss": "127.4.0.8",
    "normal": "127.4.0.9",
    "forms": "127.4.0.10",
}
BOMB_INFLATED = 1 << 30
HUGE = 100 * 2**20
MAX_SECONDS = 600
XSS_MARK = "egovrank-xss"
XSS_TITLE = f'<script>alert("{XSS_MARK}-title")</script><img src=x onerror="alert(1)">'
XSS_LINK_TEXT = f'<svg onload=alert("{XSS_MARK}-link")>Liên hệ</svg>'
FORMULA = '=HYPERLINK("http://127.0.0.1/steal","Cổng thông tin")'
LONG = "Cổng thông tin điện tử " * 5000  # ~115 KB of text in one title/heading


def _bomb() -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip container
    chunk = bytes(1 << 20)
    parts = [comp.compress(chunk) for _ in range(BOMB_INFLATED >> 20)]
    parts.append(comp.flush())
    return b"".join(parts)


def page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="viewport" content="width=device-width"></head><body>{body}</body></html>'
    )


FORM_PAGES = {
    "1": '<form method="post" action="/submit" enctype="multipart/form-data">'
    '<input name="ho_ten" value="Nguyen Van A"><input type="file" name="tep">'
    '<button type="submit">Nộp hồ sơ</button></form>',
    "2": '<form method="post" action="/submit"><input name="a" value="1"></form>'
    "<script>document.forms[0].submit()</script>",
    "3": '<form method="get" action="/submit-get"><input name="a" value="1"></form>'
    "<script>setTimeout(() => document.forms[0].submit(), 100)</script>",
    "4": "<p>Thanh toán trực tuyến</p><script>fetch('/submit', {method: 'POST', body: 'x'});"
    "navigator.sendBeacon('/submit-beacon', 'y');</script>",
}


def make_app(port: int, submissions: str | None = None) -> web.Application:
    bomb = _bomb()
    app = web.Application()

    def case_of(request: web.Request) -> str:
        host = (request.host or "").split(":")[0]
        for name, addr in CASES.items():
            if addr == host:
                return name
        return "normal"

    async def stream(request, total: int | None, chunk: bytes, delay: float = 0.0):
        resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        sent = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_SECONDS
        try:
            await resp.write(b"<!doctype html><html><head><title>x</title></head><body>")
            while (total is None or sent < total) and loop.time() < deadline:
                await resp.write(chunk)
                sent += len(chunk)
                if delay:
                    await asyncio.sleep(delay)
        except (ConnectionResetError, asyncio.CancelledError):
            raise
        except Exception:  # client went away
            return resp
        return resp

    async def handle(request: web.Request) -> web.StreamResponse:
        case = case_of(request)
        path = request.path
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n")
        if path in ("/sitemap.xml", "/favicon.ico"):
            raise web.HTTPNotFound()
        if case == "forms":
            if path.startswith("/submit"):
                if submissions:
                    import json

                    line = {"method": request.method, "path": path, "query": request.query_string}
                    with open(submissions, "a", encoding="utf-8") as f:
                        f.write(json.dumps(line) + "\n")
                return web.Response(
                    text=page("Đã nộp", "<p>Đã nộp hồ sơ</p>"), content_type="text/html"
                )
            if path.startswith("/dich-vu/"):
                n = path.rsplit("/", 1)[1]
                body = (
                    f"<h1>Thủ tục {n}</h1><p>Mức độ 4</p>"
                    f'<a class="btn" href="/nop/{n}">Nộp trực tuyến</a>'
                )
                return web.Response(text=page(f"Thủ tục {n}", body), content_type="text/html")
            if path.startswith("/nop/"):
                n = path.rsplit("/", 1)[1]
                return web.Response(
                    text=page("Nộp hồ sơ", FORM_PAGES.get(n, "")), content_type="text/html"
                )
        if case == "bomb":
            return web.Response(
                body=bomb,
                headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
            )
        if case == "huge":
            filler = b"<p>" + b"a" * 1020 + b"</p>"
            resp = web.StreamResponse(
                headers={"Content-Type": "text/html; charset=utf-8", "Content-Length": str(HUGE)}
            )
            await resp.prepare(request)
            try:
                for _ in range(HUGE // len(filler)):
                    await resp.write(filler)
                await resp.write(b" " * (HUGE % len(filler)))
            except Exception:
                pass
            return resp
        if case == "stream":
            return await stream(request, HUGE, b"<p>" + b"b" * 65530 + b"</p>")
        if case == "endless":
            return await stream(request, None, b"<p>" + b"c" * 65530 + b"</p>")
        if case == "slowloris":
            return await stream(request, None, b" ", delay=1.0)
        if case == "loop":
            if path.startswith("/r/"):
                n = int(path.rsplit("/", 1)[1] or 0) + 1
                raise web.HTTPFound(f"/r/{n}")
            raise web.HTTPFound("/b" if path == "/a" else "/a")
        if case == "links":
            if path == "/":
                links = "".join(f'<a href="/p/{i}">Tin tức {i}</a> ' for i in range(10_000))
                return web.Response(text=page("10000 links", links), content_type="text/html")
            return web.Response(text=page(f"p {path}", "<p>tin</p>"), content_type="text/html")
        if case == "xss":
            body = (
                f"<h1>{LONG}</h1>"
                f"<a href=\"javascript:alert('{XSS_MARK}-js')\">{XSS_LINK_TEXT}</a> "
                f'<a href="/lien-he" onclick="alert(\'{XSS_MARK}-onclick\')">Liên hệ {XSS_TITLE}</a> '
                f'<a href="/tin-tuc">{FORMULA}</a> '
                f"<p>Địa chỉ: {XSS_TITLE} Điện thoại: 024 1234 5678 Email: a@b.vn</p>"
            )
            title = XSS_TITLE + (LONG if path == "/" else "")
            return web.Response(text=page(title, body), content_type="text/html")
        # normal
        pages = ["/gioi-thieu", "/tin-tuc", "/lien-he", "/so-do-cong", "/van-ban"]
        nav = "".join(f'<a href="{p}">{p.strip("/")}</a> ' for p in pages)
        if path == "/" or path in pages:
            return web.Response(
                text=page(f"Cổng thông tin {path}", f"<nav>{nav}</nav><p>Ngày 01/12/2026</p>"),
                content_type="text/html",
            )
        raise web.HTTPNotFound()

    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def serve(port: int, submissions: str | None = None) -> None:
    app = make_app(port, submissions)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    for host in CASES.values():
        await web.TCPSite(runner, host, port, reuse_address=True).start()
    print(f"READY {port}", flush=True)
    try:
        await asyncio.sleep(MAX_SECONDS * 3)
    finally:
        await runner.cleanup()


def urls(port: int) -> dict[str, str]:
    return {name: f"http://{addr}:{port}/" for name, addr in CASES.items()}


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None))
