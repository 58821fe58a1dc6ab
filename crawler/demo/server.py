"""Serve a built demo: every portal on its own loopback address, all on one port (aiohttp).

Binding each address separately (instead of 0.0.0.0) is what makes the unreachable entity
refuse connections and lets two hosts serve HTTPS with their own certificates. The handler
picks the site by the local address the connection arrived on, then renders the page.
"""

from __future__ import annotations

import asyncio
import json
import signal
import ssl
import time
from pathlib import Path
from urllib.parse import parse_qsl

from aiohttp import web

from crawler.core.errors import InputError
from crawler.demo import faults, national, portal, services
from crawler.demo.common import Reply

SITE_FILE = "site.json"


def load_site(root: Path) -> dict:
    path = Path(root) / SITE_FILE
    if not path.is_file():
        raise InputError(
            f"{root}: no {SITE_FILE}; build it first with `egovrank demo build {root}`"
        )
    return json.loads(path.read_text(encoding="utf-8"))


class DemoServer:
    """Routes by local address; keeps the little state faults need (first-hit 503s)."""

    def __init__(self, root: Path, port: int | None = None):
        self.root = Path(root)
        self.site = load_site(self.root)
        if port:
            self.site["port"] = port
        self.hosts: dict[str, tuple[str, dict | None]] = {
            self.site["identity_host"]: ("identity", None),
            self.site["payment_host"]: ("payment", None),
            national.host(self.site): ("national", None),
        }
        for e in self.site["entities"]:
            if e["reachable"]:
                self.hosts[e["host"]] = ("portal", e)
                self.hosts[e["dvc_host"]] = ("dvc", e)
        self.transient_hits: dict[tuple[str, str], int] = {}
        self.submissions = self.root / "submissions.jsonl"

    def ssl_context(self, e: dict) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        certs = self.root / "certs"
        ctx.load_cert_chain(certs / f"{e['id']}.pem", certs / "key.pem")
        return ctx

    async def _record(self, request: web.Request, kind: str) -> None:
        fields, files = [], []
        if request.method == "POST" and request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                (files if part.filename else fields).append(part.filename or part.name)
                await part.release()
        elif request.method == "POST":
            data = await request.post()
            fields = sorted(data.keys())
        line = {
            "time": time.time(),
            "host": request.transport.get_extra_info("sockname")[0] if request.transport else "",
            "kind": kind,
            "method": request.method,
            "path": request.path,
            "query": request.query_string,
            "fields": fields,
            "files": files,
        }
        with self.submissions.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")

    async def handle(self, request: web.Request) -> web.StreamResponse:
        sock = request.transport.get_extra_info("sockname") if request.transport else None
        kind, e = self.hosts.get(sock[0] if sock else "", ("", None))
        path = request.raw_path.split("?", 1)[0]
        query = dict(parse_qsl(request.query_string, keep_blank_values=True))
        if kind == "portal":
            if request.method not in ("GET", "HEAD"):
                reply = Reply(status=405, record=True)
            else:
                if "portal_heals" in e["faults"]:
                    home = self.transient_hits.get((e["host"], "/"), 0)
                    if path == "/":
                        self.transient_hits[(e["host"], "/")] = home + 1
                    if home < faults.HEAL_AFTER_HOME_HITS:  # still down
                        return web.Response(status=503, text="Service Unavailable")
                if "transient_503" in e["faults"] and path == faults.transient_path(e):
                    key = (e["host"], path)
                    self.transient_hits[key] = self.transient_hits.get(key, 0) + 1
                    if self.transient_hits[key] % 2 == 1:  # 1st, 3rd, ...: a retry succeeds
                        return web.Response(
                            status=503,
                            text="Service Unavailable",
                            headers={"Retry-After": faults.TRANSIENT_RETRY_AFTER},
                        )
                reply = portal.route(self.site, e, path, query)
                reply.headers.update(e.get("security_headers", []))
                if "slow" in e["faults"]:
                    reply.delay += faults.SLOW_S
        elif kind == "dvc":
            reply = services.dvc_route(self.site, e, request.method, path, query, request.headers)
        elif kind == "identity":
            reply = services.identity_route(self.site, request.method, path, query)
        elif kind == "payment":
            reply = services.payment_route(self.site, request.method, path, query)
        elif kind == "national":
            body = await request.read() if request.method == "POST" else b""
            reply = national.route(self.site, request.method, path, body, request.headers)
        else:
            reply = Reply(status=421, body=b"unknown host")
        if reply.record:
            await self._record(request, kind)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.hang:
            await asyncio.sleep(24 * 3600)
        if reply.stream_bytes:
            resp = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
            resp.content_length = reply.stream_bytes
            await resp.prepare(request)
            for chunk in faults.large_page_chunks(reply.stream_bytes):
                await resp.write(chunk)
            await resp.write_eof()
            return resp
        headers = {"Content-Type": reply.content_type, **reply.headers}
        return web.Response(status=reply.status, body=reply.body, headers=headers)

    async def start(self, port: int) -> web.AppRunner:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        tls = {e["host"]: e for e in self.site["entities"] if e["tls"] != "none" and e["reachable"]}
        for host in self.hosts:
            ctx = self.ssl_context(tls[host]) if host in tls else None
            site = web.TCPSite(runner, host, port, ssl_context=ctx)
            try:
                await site.start()
            except OSError as exc:
                await runner.cleanup()
                raise InputError(
                    f"cannot listen on {host}:{port} ({exc.strerror}); try --port"
                ) from None
        return runner


async def serve(root: Path, port: int | None = None, ready=None) -> None:
    """Serve until SIGINT/SIGTERM, then close every listener and return."""
    server = DemoServer(root, port)
    port = server.site["port"]
    runner = await server.start(port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if ready:
        ready(server, port)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
