"""Certificate checks with the standard library: Scrapy itself does not verify certificates.

Browsers fetch missing intermediates (AIA) and Python does not, so "unable to get local issuer
certificate" is reported as `incomplete_chain`, a lower-severity state of its own.
"""

from __future__ import annotations

import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

# OpenSSL verify codes (x509_vfy.h) mapped to the states a finding records.
_CODES = {
    10: "expired",
    9: "not_yet_valid",
    18: "self_signed",
    19: "self_signed",
    20: "incomplete_chain",
    21: "incomplete_chain",
    62: "hostname_mismatch",
}


def probe(url: str, *, timeout: float = 8.0, cafile: str | None = None) -> dict:
    """State of the certificate of an https URL's host; `no_https` for plain http."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        return {"state": "no_https", "host": parts.hostname}
    host, port = parts.hostname, parts.port or 443
    ctx = ssl.create_default_context(cafile=cafile)
    if cafile:
        ctx.load_default_certs()
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            ctx.wrap_socket(sock, server_hostname=host) as tls,
        ):
            cert = tls.getpeercert()
            return {
                "state": "valid",
                "host": host,
                "version": tls.version(),
                "not_after": cert.get("notAfter"),
            }
    except ssl.SSLCertVerificationError as exc:
        state = _CODES.get(exc.verify_code, "untrusted")
        return {
            "state": state,
            "host": host,
            "version": _version(host, port, timeout),
            "error": exc.verify_message,
        }
    except ssl.SSLError as exc:
        return {"state": "tls_error", "host": host, "error": str(exc)}
    except OSError as exc:
        return {"state": "unreachable", "host": host, "error": str(exc)}


def _version(host: str, port: int, timeout: float) -> str | None:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            ctx.wrap_socket(sock, server_hostname=host) as tls,
        ):
            return tls.version()
    except OSError:
        return None


def probe_all(urls: list[str], *, cafile: str | None = None, workers: int = 8) -> dict[str, dict]:
    """Probe every distinct host once, in parallel, before the crawl starts."""
    unique = sorted({f"{urlsplit(u).scheme}://{urlsplit(u).netloc}/" for u in urls if u})
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda u: probe(u, cafile=cafile), unique)
    return {urlsplit(u).netloc: r for u, r in zip(unique, results, strict=True)}
