"""Service catalogues and their declared levels, in both legal vocabularies.

D43 levels (Mức độ 1-4) and D42 labels (toàn trình / một phần) are normalised to one enum:
full, partial, info_only, none, unknown; the raw text is always kept beside it.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from lxml import html as lxml_html

from crawler.detect.keywords import keywords
from crawler.detect.text import fold, nfc

STRUCTURED = {4: "full", 3: "partial", 2: "info_only", 1: "info_only"}
_LEVEL_KEYS = ("maxLevel", "mucDo", "muc_do", "level", "mucDoText", "mucdo", "capDo")
_NAME_KEYS = ("ten", "name", "serviceName", "tenThuTuc", "title", "NAME")
_CODE_KEYS = ("ma", "code", "serviceCode", "maThuTuc", "TTHC_MA", "id")
_URL_KEYS = ("url", "link", "href", "detailUrl")
_CODE = re.compile(r"\b(\d\.\d{6}|\d\.\d{3}\.\d{3})\b")
_API_IN_SCRIPT = re.compile(r"""fetch\(\s*['"]([^'"]+)['"]""")


def normalise_level(raw) -> str:
    """`4`, "Mức độ 4", "DVCTT toàn trình" -> full; unknown when nothing is recognised."""
    if raw is None or raw == "":
        return "unknown"
    if isinstance(raw, int | float) and int(raw) in STRUCTURED:
        return STRUCTURED[int(raw)]
    text = fold(str(raw))
    if text.isdigit() and int(text) in STRUCTURED:
        return STRUCTURED[int(text)]
    for level, cues in keywords()["levels"]:
        if any(re.search(rf"\b{re.escape(c)}\b", text) for c in cues):
            return level
    return "unknown"


def parse_catalogue(url: str, html: str) -> dict:
    """Services a catalogue page lists, the JSON endpoints it names, or that it needs a browser."""
    doc = lxml_html.fromstring(html or "<html/>")
    services = []
    seen = set()
    for badge in doc.xpath('//*[contains(@class, "muc-do") or contains(@class, "badge")]'):
        row = _row_of(badge)
        link = next(iter(row.xpath(".//a[@href]")), None) if row is not None else None
        if link is None:
            continue
        href = urljoin(url, link.get("href"))
        if href in seen:
            continue
        seen.add(href)
        raw = nfc(badge.text_content().strip())
        text = nfc(row.text_content())
        code = _CODE.search(text)
        services.append(
            {
                "url": href,
                "name": nfc(link.text_content().strip()),
                "code": code.group(1) if code else None,
                "declared": normalise_level(raw),
                "declared_raw": raw,
            }
        )
    endpoints = [urljoin(url, a) for a in doc.xpath("//@data-api")]
    for script in doc.xpath("//script[not(@src)]/text()"):
        endpoints += [urljoin(url, m) for m in _API_IN_SCRIPT.findall(script)]
    has_scripts = bool(doc.xpath("//script"))
    return {
        "services": services,
        "json_endpoints": sorted(set(endpoints)),
        "needs_browser": not services and not endpoints and has_scripts,
    }


def _row_of(el):
    """The list item or table row a badge sits in (the unit that names one service)."""
    node = el
    for _ in range(6):
        node = node.getparent()
        if node is None:
            return None
        if node.tag in ("tr", "li", "article") or "item" in (node.get("class") or ""):
            return node
    return None


def parse_catalogue_json(url: str, payload) -> list[dict]:
    """Services from a catalogue's JSON endpoint, whatever list key and level field it uses."""
    if isinstance(payload, str | bytes):
        payload = json.loads(payload)
    items = payload
    if isinstance(payload, dict):
        for key in ("data", "items", "results", "rows", "content", "list"):
            if isinstance(payload.get(key), list):
                items = payload[key]
                break
        else:
            items = []
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        raw = next((item[k] for k in _LEVEL_KEYS if item.get(k) not in (None, "")), None)
        link = next((item[k] for k in _URL_KEYS if item.get(k)), None)
        if not link:
            continue
        out.append(
            {
                "url": urljoin(url, str(link)),
                "name": nfc(str(next((item[k] for k in _NAME_KEYS if item.get(k)), ""))),
                "code": next((str(item[k]) for k in _CODE_KEYS if item.get(k)), None),
                "declared": normalise_level(raw),
                "declared_raw": "" if raw is None else str(raw),
            }
        )
    return out


def tt32_fields(doc_or_html) -> list[str]:
    """Which TT32 fields a procedure page shows, from its field labels."""
    doc = lxml_html.fromstring(doc_or_html) if isinstance(doc_or_html, str) else doc_or_html
    labels = [
        fold(t)
        for t in doc.xpath(
            '//*[contains(@class,"key") or self::th or self::dt or self::strong or self::b'
            " or self::label or self::h3 or self::h4]/text()"
        )
    ]
    found = []
    for field, cues in keywords()["tt32_fields"].items():
        if any(label == c or label.startswith(c) for label in labels for c in cues):
            found.append(field)
    return found
