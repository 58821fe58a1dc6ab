"""The failure taxonomy: every failed fetch gets one of a few named reasons.

Could-not-test is not failed: a `timeout` or `robots_disallowed` becomes an `unknown` finding
with that reason, never `absent`.
"""

from __future__ import annotations

from crawler.core.status import FAILURES

TAXONOMY = FAILURES  # the names live with every other status, in crawler/core/status.py

_BY_NAME = {
    "DNSLookupError": "dns_error",
    "CannotResolveHostError": "dns_error",
    "ConnectionRefusedError": "connect_error",
    "DownloadConnectionRefusedError": "connect_error",
    "ConnectError": "connect_error",
    "NoRouteError": "connect_error",
    "ConnectionLost": "connect_error",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "DownloadTimeoutError": "timeout",
    "UserTimeoutError": "timeout",
    "SSLError": "tls_error",
    "Error": "tls_error",  # OpenSSL.SSL.Error
}


def classify_failure(failure) -> tuple[str, str]:
    """(reason, detail) for a Twisted failure from a Scrapy errback."""
    exc = failure.value
    name = type(exc).__name__
    text = f"{name}: {exc}"
    lowered = text.lower()
    if name == "IgnoreRequest" or "ignorerequest" in lowered:
        if "robots.txt" in lowered:
            return "robots_disallowed", text
        if "max redirections" in lowered:
            return "too_many_redirects", text
        if "netsafety" in lowered or "network safety" in lowered:
            return "refused_unsafe", text
        if "maxsize" in lowered:  # HttpCompressionMiddleware: body over DOWNLOAD_MAXSIZE unzipped
            return "too_large", text
        return "error", text
    # A timeout or DNS failure is one whatever its message says ("Getting https://x/ssl-vpn took
    # longer than 180 seconds" is no TLS error), so the class name decides before the text does.
    if _BY_NAME.get(name) in ("dns_error", "timeout"):
        return _BY_NAME[name], text
    if "maxsize" in lowered or "max size" in lowered or name == "DownloadCancelledError":
        return "too_large", text
    if "ssl" in lowered or "tls" in lowered or "certificate" in lowered:
        return "tls_error", text
    if name in _BY_NAME:
        return _BY_NAME[name], text
    if "timeout" in lowered or "timed out" in lowered:
        return "timeout", text
    if "refused" in lowered or "connect" in lowered:
        return "connect_error", text
    return "error", text
