"""URLs of a sitemap, sitemap index, RSS or Atom feed (namespaced XML parsed, not regexed)."""

from __future__ import annotations

from lxml import etree


def sitemap_urls(body: bytes | str) -> list[str]:
    """Every URL the document lists: <loc> in sitemaps and indexes, <link> in RSS and Atom."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    body = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body:
        return []
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    urls = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname
        if tag == "loc" and el.text:
            urls.append(el.text.strip())
        elif tag == "link":
            href = el.get("href") or (el.text or "")
            if href.strip():
                urls.append(href.strip())
    return urls
