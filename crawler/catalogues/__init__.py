"""Service-catalogue adapters, one per platform, over one interface.

Each adapter module has `NAME`, `sniff(url, doc) -> bool` and `parse(url, doc) -> dict`, where
`doc` is a decoded JSON answer or a page's HTML text. `parse` returns `{"platform", "services",
...}` with every service in the shape of `common.service` (code, name, agency code, declared
level + raw, status + raw, URL, family, adapter). Platforms are tried most specific first.
"""

from __future__ import annotations

import json

from crawler.catalogues import generic, national_new, national_old, opencps, provincial
from crawler.core.errors import InputError

ADAPTERS = {a.NAME: a for a in (national_new, national_old, opencps, provincial, generic)}


def load(text: str | bytes):
    """A saved answer as JSON when it is JSON, else the page text."""
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig", errors="replace")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except ValueError:
            pass
    return text


def detect(url: str, doc) -> str | None:
    """The first adapter that recognises the answer, or None."""
    return next((name for name, a in ADAPTERS.items() if a.sniff(url, doc)), None)


def parse(url: str, doc, platform: str | None = None) -> dict:
    """Normalised services of a catalogue answer, by `platform` or by the one that sniffs it."""
    if platform is not None and platform not in ADAPTERS:
        raise InputError(f"unknown platform {platform!r}: use one of {', '.join(ADAPTERS)}")
    name = platform or detect(url, doc)
    if name is None:
        return {"platform": None, "services": []}
    return ADAPTERS[name].parse(url, doc)
