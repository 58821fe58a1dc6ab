"""Network safety: never let a crawled page steer egovrank at private or special addresses.

A registry entry names a public portal, but its pages (and its redirects) may point anywhere:
`http://127.0.0.1:8080/admin`, `http://169.254.169.254/` (cloud metadata), `http://[::ffff:10.0.0.1]/`,
`http://2130706433/` (127.0.0.1 written as one decimal number), or a public-looking name whose DNS
answer is 10.x. `check_url` refuses all of those unless the entity is allowed private destinations
(the demo's portals live on loopback, so its registry sets `allow_private: true`).

Three ways to apply it:
- `check_url(url, allow_private)` -> a refusal reason, or None when the URL may be fetched;
- `NetSafetyMiddleware`, a Scrapy downloader middleware: every request (and every POST must
  also be a listed catalogue read, crawler/postpolicy.py), including each redirect
  target (RedirectMiddleware returns a new Request, which passes every process_request again),
  is checked; a refused one raises IgnoreRequest("netsafety: <reason>") and counts in the stats
  `netsafety/refused`; the request's errback sees the IgnoreRequest and records status `blocked`;
- `guard_route(allow_private)`, a Playwright route handler: `await page.route("**/*", guard_route(f))`.

Limits (README, "Safety and politeness"): the check resolves a name once and the downloader resolves it again,
so a DNS answer that changes between the two (rebinding) is not caught; a name that does not
resolve is not refused here (the crawl records `dns_error`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

Resolver = Callable[[str], Iterable[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = ("http", "https")
DNS_CACHE_TTL_S = 300.0
_PART = r"(?:0x[0-9a-f]*|[0-9]+)"
_NUMERIC_V4 = re.compile(rf"^{_PART}(?:\.{_PART}){{0,3}}\.?$", re.IGNORECASE)
# Ranges the ipaddress module does not flag in every Python version but which are never a portal.
_EXTRA_V4 = [
    ipaddress.ip_network(n)
    for n in ("0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4")
]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def parse_host_ip(host: str) -> IPAddress | None:
    """The address a URL host denotes if it is a literal, in any form browsers and libc accept:
    dotted quad, IPv6 (bracketed or not, with zone), and the inet_aton forms: one to four parts,
    each decimal, octal (leading 0) or hex (0x): `2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`."""
    host = host.strip().strip("[]").rstrip(".") if host else ""
    if not host:
        return None
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return None
    if not _NUMERIC_V4.match(host):
        return None
    values = []
    for part in host.split("."):
        low = part.lower()
        if low.startswith("0x"):
            values.append(int(low[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if any(c in "89" for c in part):
                return None  # not octal: libc rejects it, so do we
            values.append(int(part, 8))
        else:
            values.append(int(part))
    # inet_aton: the last part fills all the remaining bytes.
    limits = [1 << 8] * (len(values) - 1)
    last_bytes = 4 - (len(values) - 1)
    if any(v >= lim for v, lim in zip(values, limits, strict=False)) or values[-1] >= 1 << (
        8 * last_bytes
    ):
        return None
    number = 0
    for v in values[:-1]:
        number = (number << 8) | v
    number = (number << (8 * last_bytes)) | values[-1]
    return ipaddress.IPv4Address(number)


def ip_refusal(ip: IPAddress) -> str | None:
    """Why this address is not a public destination, or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            inner = ip_refusal(embedded)
            return f"{inner} (embedded in {ip})" if inner else None
    for label, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return f"{label} address {ip}"
    if isinstance(ip, ipaddress.IPv4Address) and any(ip in n for n in _EXTRA_V4):
        return f"reserved address {ip}"
    if not ip.is_global:
        return f"non-global address {ip}"
    return None


class _DnsCache:
    """getaddrinfo answers per host name, kept DNS_CACHE_TTL_S seconds (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[float, tuple[str, ...]]] = {}

    def __call__(self, host: str) -> tuple[str, ...]:
        now = time.monotonic()
        with self._lock:
            hit = self._answers.get(host)
            if hit and now - hit[0] < DNS_CACHE_TTL_S:
                return hit[1]
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
            answer = tuple(sorted({info[4][0] for info in infos}))
        except (OSError, UnicodeError):
            answer = ()
        with self._lock:
            self._answers[host] = (now, answer)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()


system_resolver = _DnsCache()


def check_url(url: str, allow_private: bool, *, resolver: Resolver | None = None) -> str | None:
    """Return why `url` must not be fetched, or None. `resolver(host)` returns the host's
    addresses (default: getaddrinfo, cached); a name with no answer is allowed (-> dns_error)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError as exc:
        return f"malformed URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return f"scheme {scheme or '(none)'!r} is not http or https"
    if not host:
        return "URL has no host"
    if allow_private:
        return None
    literal = parse_host_ip(host)
    if literal is not None:
        reason = ip_refusal(literal)
        return f"{host} is a {reason}" if reason else None
    if host.rstrip(".").lower() == "localhost" or host.rstrip(".").lower().endswith(".localhost"):
        return f"{host} is a loopback name"
    for answer in (resolver or system_resolver)(host):
        try:
            ip = ipaddress.ip_address(answer.split("%", 1)[0])
        except ValueError:
            continue
        reason = ip_refusal(ip)
        if reason:
            return f"{host} resolves to a {reason}"
    return None


class NetSafetyMiddleware:
    """Scrapy downloader middleware: refuse requests to private/special destinations.

    Reads `request.meta['allow_private']` (default False); RedirectMiddleware copies meta into
    the redirect request, so the entity's permission follows its redirects, and the redirect
    target passes this check again. Put it before the download handlers, e.g.
    `DOWNLOADER_MIDDLEWARES = {"crawler.netsafety.NetSafetyMiddleware": 50}`.
    """

    def __init__(self, stats=None, resolver: Resolver | None = None, stand_ins=None) -> None:
        self.stats = stats
        self.resolver = resolver
        self.stand_ins = stand_ins or {}

    @classmethod
    def from_crawler(cls, crawler):
        # NETSAFETY_RESOLVER: a callable (or its import path) host -> addresses; tests use it.
        resolver = crawler.settings.get("NETSAFETY_RESOLVER")
        if isinstance(resolver, str):
            from scrapy.utils.misc import load_object

            resolver = load_object(resolver)
        # CATALOGUE_API_HOSTS: {platform: [host:port]} standing in for a platform's API hosts.
        stand_ins = crawler.settings.getdict("CATALOGUE_API_HOSTS")
        return cls(stats=crawler.stats, resolver=resolver, stand_ins=stand_ins)

    def process_request(self, request, spider=None):
        from scrapy.exceptions import IgnoreRequest

        from crawler.postpolicy import post_refusal

        content_type = request.headers.get(b"Content-Type", b"").decode("latin-1")
        reason = post_refusal(
            request.method, request.url, request.body, content_type, self.stand_ins
        ) or check_url(request.url, bool(request.meta.get("allow_private")), resolver=self.resolver)
        if reason is None:
            return None
        if self.stats is not None:
            self.stats.inc_value("netsafety/refused")
        request.meta["netsafety_refused"] = reason
        logger.warning("netsafety refused %s: %s", request.url, reason)
        raise IgnoreRequest(f"netsafety: {reason}")


def refusal_of(failure_or_exc) -> str | None:
    """The netsafety reason inside an errback's Failure (or an exception), else None."""
    exc = getattr(failure_or_exc, "value", failure_or_exc)
    text = str(exc)
    for prefix in ("netsafety: ", "refused by network safety: "):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return None


def guard_route(allow_private: bool, *, resolver: Resolver | None = None, refused=None):
    """A Playwright route handler that aborts refused requests (and appends
    (url, reason) to the list `refused` when given): `await page.route("**/*", guard_route(f))`."""

    async def handler(route, request=None):
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")):
            await route.continue_()
            return
        reason = await asyncio.to_thread(check_url, url, allow_private, resolver=resolver)
        if reason is None:
            await route.continue_()
            return
        if refused is not None:
            refused.append((url, reason))
        logger.warning("netsafety refused %s in the browser: %s", url, reason)
        await route.abort("blockedbyclient")

    return handler
