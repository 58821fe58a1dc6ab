"""OpenCPS (`GET /o/rest/v2/serviceinfos`, the site picked by a `groupId` header).

A service info carries `maxLevel` (the best level of any agency) and `serviceConfigs`, one per
agency with its own `serviceLevel`: the per-agency level is the declared one.
"""

from __future__ import annotations

import re

from crawler.catalogues.common import pick, result, service
from crawler.catalogues.config import platform

NAME = "opencps"


def _conf() -> dict:
    return platform(NAME)


def _items(doc) -> list[dict]:
    if isinstance(doc, dict):
        for key in _conf()["list_keys"]:
            if isinstance(doc.get(key), list):
                return [i for i in doc[key] if isinstance(i, dict)]
        return []
    return [i for i in doc if isinstance(i, dict)] if isinstance(doc, list) else []


def sniff(url: str, doc) -> bool:
    if isinstance(doc, str):
        return False
    items = _items(doc)
    f = _conf()["fields"]
    return (
        bool(items)
        and pick(items[0], f["code"]) is not None
        and (pick(items[0], f["level"]) is not None or pick(items[0], f["configs"]) is not None)
    )


def parse(url: str, doc) -> dict:
    f = _conf()["fields"]
    services = []
    for item in _items(doc):
        code, name = pick(item, f["code"]), pick(item, f["name"])
        configs = [c for c in pick(item, f["configs"]) or [] if isinstance(c, dict)]
        if not configs:
            services.append(
                service(adapter=NAME, code=code, name=name, level_raw=pick(item, f["level"]))
            )
        for c in configs:
            services.append(
                service(
                    adapter=NAME,
                    code=code,
                    name=name,
                    agency_code=pick(c, f["agency_code"]),
                    agency_name=pick(c, f["agency_name"]),
                    level_raw=pick(c, f["config_level"]),
                    url=pick(c, f["url"]),
                    max_level=pick(item, f["level"]),
                )
            )
    total = doc.get("total") if isinstance(doc, dict) else None
    return result(NAME, services, total=total)


_GROUP_ID = (
    re.compile(r"getScopeGroupId\s*:\s*function\s*\(\)\s*\{\s*return\s*['\"]?(\d+)"),
    re.compile(r"data-group-id=['\"](\d+)"),
    re.compile(r"['\"]?groupId['\"]?\s*[:=]\s*['\"]?(\d+)"),
)


def request_headers(html: str) -> dict:
    """The `groupId` header OpenCPS wants, read from the page (Liferay's themeDisplay scope
    group): the site's own id as its own script sends it, never a guessed or spoofed value."""
    for pattern in _GROUP_ID:
        m = pattern.search(html or "")
        if m:
            return {_conf()["header"]: m.group(1)}
    return {}


def is_endpoint(url: str) -> bool:
    return _conf()["endpoint"] in url
