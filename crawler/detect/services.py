"""Service catalogues and their declared levels, in both legal vocabularies.

D43 levels (Mức độ 1-4) and D42 labels (toàn trình / một phần) are normalised to one enum:
full, partial, info_only, none, unknown; the raw text is always kept beside it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import html as lxml_html

from crawler import catalogues
from crawler.catalogues import opencps, provincial
from crawler.catalogues.common import normalise_level
from crawler.detect.keywords import keywords
from crawler.detect.text import fold, nfc

_CODE = re.compile(r"\b(\d\.\d{6}|\d\.\d{3}\.\d{3})\b")
_API_IN_SCRIPT = re.compile(r"""fetch\(\s*['"]([^'"]+)['"]""")
__all__ = ["normalise_level", "parse_catalogue", "parse_catalogue_json", "tt32_fields"]


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
        # the link's own code first (/thu-tuc/1.004222.html, ?ma_thu_tuc=): a row's text may
        # name other procedures
        code = _CODE.search(href) or _CODE.search(text)
        services.append(
            {
                "url": href,
                "name": nfc(link.text_content().strip()),
                "code": code.group(1) if code else None,
                "declared": normalise_level(raw),
                "declared_raw": raw,
            }
        )
    # The family whose links carry the level (MA_MUC_DO=MUC_DO_4): no badge to read. (nps/apply
    # links sit beside a badge and are read above, with the row's own link.)
    if provincial.sniff(url, html):
        for r in provincial.parse(url, html)["services"]:
            if r["url"] not in seen and r["code"] and r["family"] == "muc_do_server":
                seen.add(r["url"])
                services.append(
                    {k: r[k] for k in ("url", "name", "code", "declared")}
                    | {"declared_raw": r["declared_raw"]}
                )
    endpoints = [urljoin(url, a) for a in doc.xpath("//@data-api")]
    for script in doc.xpath("//script[not(@src)]/text()"):
        endpoints += [urljoin(url, m) for m in _API_IN_SCRIPT.findall(script)]
    has_scripts = bool(doc.xpath("//script"))
    out = {
        "services": services,
        "json_endpoints": sorted(set(endpoints)),
        "needs_browser": not services and not endpoints and has_scripts,
    }
    # OpenCPS answers only with the site's groupId header, which its own page states.
    headers = opencps.request_headers(html) if any(map(opencps.is_endpoint, endpoints)) else {}
    if headers:
        out["api_headers"] = headers
    return out


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
    """Services with a link from a catalogue's JSON answer, read by the platform's adapter
    (crawler/catalogues); per-agency rows without their own link are read by the adapters."""
    doc = catalogues.load(payload) if isinstance(payload, str | bytes) else payload
    if isinstance(doc, str):
        raise ValueError(f"{url}: not a JSON answer")
    return [s for s in catalogues.parse(url, doc)["services"] if s["url"]]


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
