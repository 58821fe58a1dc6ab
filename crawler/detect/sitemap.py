"""URLs of a sitemap, sitemap index, RSS or Atom feed (namespaced XML parsed, not regexed).

Only the URLs the document lists as pages count: the <loc> of each <url>/<sitemap> entry (not
image:loc, xhtml:link alternates), the link of each RSS <item> (its guid when that is a URL) and
of each Atom <entry>. A plain-text sitemap is one URL a line; a gzipped body is unpacked (bounded).
An HTML page served as /sitemap.xml lists nothing: its <link rel="stylesheet"> are not pages.
"""

from __future__ import annotations

import zlib

from lxml import etree

MAX_UNZIPPED = 50 * 1024 * 1024  # the sitemap protocol's own limit for an uncompressed file
_URL_PREFIXES = ("http://", "https://")


def _local(el) -> str | None:
    return etree.QName(el).localname if el is not None and isinstance(el.tag, str) else None


def _children(el, name: str) -> list:
    return [c for c in el if _local(c) == name]


def _text(el) -> str:
    return "".join(el.itertext()).strip()


def sitemap_urls(body: bytes | str) -> list[str]:
    """Every page URL the document lists, in document order."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if body[:2] == b"\x1f\x8b":
        try:
            body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, MAX_UNZIPPED)
        except zlib.error:
            return []
    body = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body:
        return []
    if not body.startswith(b"<"):
        lines = body.decode("utf-8", errors="replace").splitlines()
        return [ln.strip() for ln in lines if ln.strip().lower().startswith(_URL_PREFIXES)]
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    urls = []
    for el in root.iter():
        tag = _local(el)
        if tag in ("url", "sitemap") and _local(el.getparent()) in ("urlset", "sitemapindex"):
            loc = next((_text(c) for c in _children(el, "loc") if _text(c)), None)
            if loc is None and _text(el).lower().startswith(_URL_PREFIXES):
                loc = _text(el)  # an index entry without <loc>, read leniently
            if loc:
                urls.append(loc)
        elif tag == "item":
            link = next((_text(c) for c in _children(el, "link") if _text(c)), None)
            guid = next((_text(c) for c in _children(el, "guid")), "")
            if link or guid.lower().startswith(_URL_PREFIXES):
                urls.append(link or guid)
        elif tag == "entry":
            hrefs = [
                c.get("href", "").strip()
                for c in _children(el, "link")
                if c.get("rel", "alternate") == "alternate"
            ]
            if any(hrefs):
                urls.append(next(h for h in hrefs if h))
    return urls
