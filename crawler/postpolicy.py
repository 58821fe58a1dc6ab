"""Which POST requests egovrank may send: only listed read-only catalogue reads.

Some catalogue APIs answer only to POST (the national portal's `/api/v1/...` with a JSON body,
the old platform's `/jsp/rest.jsp` with the form body `params=<JSON>`). config/catalogues.yaml
`post_allowlist` names those endpoints per platform; a POST is let through only when its host is
one of the platform's hosts (or a host standing in for them, the demo's national portal), its
path is listed and its body has the listed shape. Every other POST, PUT, PATCH or DELETE is
refused: the crawler and the browser call this same function, so they cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from crawler.catalogues.config import catalogues

READ_METHODS = {"GET", "HEAD"}

StandIns = Mapping[str, list[str]] | None


def api_hosts(platform: str, stand_ins: StandIns = None) -> set[str]:
    """Host names (and host:port of stand-ins) of a platform's catalogue API."""
    hosts = set(catalogues()["platforms"][platform].get("hosts", []))
    return hosts | set((stand_ins or {}).get(platform, []))


def post_refusal(
    method: str,
    url: str,
    body: bytes | str | None = None,
    content_type: str | None = None,
    stand_ins: StandIns = None,
) -> str | None:
    """Why this request must not be sent, or None (GET/HEAD, or a listed catalogue read)."""
    method = (method or "GET").upper()
    if method in READ_METHODS:
        return None
    if method != "POST":
        return f"{method} requests are never sent (no submission)"
    parts = urlsplit(url)
    platforms = []
    for entry in catalogues()["post_allowlist"]:
        hosts = api_hosts(entry["platform"], stand_ins)
        if parts.hostname not in hosts and parts.netloc not in hosts:
            continue
        platforms.append(entry["platform"])
        if parts.path in entry["paths"]:
            problem = _body_problem(entry, body, content_type or "")
            return f"POST {parts.path}: {problem}" if problem else None
    if platforms:
        return f"POST {parts.path} is not a listed catalogue read of {', '.join(platforms)}"
    return f"POST to {parts.netloc} is refused: not a listed catalogue API (no submission)"


def _body_problem(entry: dict, body, content_type: str) -> str | None:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    kind = content_type.split(";")[0].strip().lower()
    if entry["body"] == "json":
        if kind != "application/json":
            return f"body must be JSON, not {kind or 'untyped'}"
        try:
            return None if isinstance(json.loads(text or "{}"), dict) else "body is not an object"
        except ValueError:
            return "body is not valid JSON"
    if kind != "application/x-www-form-urlencoded":
        return f"body must be a form, not {kind or 'untyped'}"
    form = parse_qs(text, keep_blank_values=True)
    if set(form) != {entry["form_field"]}:
        return f"a form with only {entry['form_field']}= is a read; got {sorted(form)}"
    try:
        params = json.loads(form[entry["form_field"]][0])
    except ValueError:
        return f"{entry['form_field']}= is not JSON"
    service = params.get("service") if isinstance(params, dict) else None
    if service not in entry.get("services", []):
        return f"service {service!r} is not a listed read"
    return None
