"""Which links to fetch first, which URLs are the same page, and which are traps.

A 300-page budget on a 20,000-page portal must be spent on the mandatory sections, the service
catalogue, the sitemap and the English version; calendars, endless pagination, session ids and
HTTrack-style /vi/vi/vi/ loops must not eat it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.detect.keywords import keywords
from crawler.detect.page import match_section
from crawler.detect.text import fold, slug_fold

SESSION_PARAMS = {"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "aspsessionid"}
TRACKING_PREFIXES = ("utm_", "fbclid", "gclid")
MAX_PAGE_NUMBER = 20
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.I)
_DATE_VALUE = re.compile(r"^\d{4}-\d{1,2}(-\d{1,2})?$|^\d{1,2}[/-]\d{4}$")
_PAGE_KEYS = {"page", "trang", "p", "pageindex", "page_index", "start", "offset", "cur", "pg"}
_ASSET = re.compile(r"\.(png|jpe?g|gif|svg|webp|ico|css|js|woff2?|ttf|mp4|mp3|zip|rar|exe)$", re.I)


@lru_cache(maxsize=65536)
def canonical(url: str) -> str:
    """The URL with fragment, session ids and tracking parameters gone and the query sorted.

    Cached: every page's menu links are canonicalised again (5% of the crawl's CPU time)."""
    parts = urlsplit(url)
    path = _PATH_SESSION.sub("", parts.path) or "/"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in SESSION_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    )
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, urlencode(query), ""))


def is_trap(url: str) -> str | None:
    """Why this URL is a crawler trap, or None."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if any(segments[i] == segments[i + 1] == segments[i + 2] for i in range(len(segments) - 2)):
        return "repeated_path"
    if len(segments) > 12:
        return "deep_path"
    query = parse_qsl(parts.query, keep_blank_values=True)
    for key, value in query:
        k = key.lower()
        if k in _PAGE_KEYS and value.isdigit() and int(value) > MAX_PAGE_NUMBER:
            return "pagination"
        if _DATE_VALUE.match(value) and any(
            c in slug_fold(parts.path) for c in ("lich", "calendar", "su kien")
        ):
            return "calendar"
    if re.search(r"/(19|20)\d{2}/\d{1,2}/\d{1,2}/", parts.path) and "lich" in slug_fold(parts.path):
        return "calendar"
    return None


def is_asset(url: str) -> bool:
    return bool(_ASSET.search(urlsplit(url).path))


def link_priority(url: str, text: str) -> int:
    """Higher is fetched first: sections and catalogues, then the sitemap and English version."""
    from crawler.criteria import registry  # the registry's detectors import this module

    kw = keywords()
    crit = match_section(text, url)
    if crit:
        return registry.get(crit).crawl_priority
    folded, path = fold(text), slug_fold(urlsplit(url).path)
    cat = kw["catalogue"]
    if any(c in folded for c in map(fold, cat["text"])) or any(
        s in path for s in map(fold, kw["service_detail_slugs"])
    ):
        return 80
    return 0
