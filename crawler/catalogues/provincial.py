"""Provincial service portals read from their pages: links of a known family.

The server-rendered family (`tiep-nhan-online/chon-truong-hop-ho-so`) writes the level into the
link (`MA_MUC_DO=MUC_DO_4`); the nps/apply family links each service with the national codes
(`MaTTHC`, `MaCoQuanThucHien`, `MaDVC`) and shows its level as a badge beside the link.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

from lxml import html as lxml_html

from crawler.catalogues.common import result, service
from crawler.catalogues.families import family, family_of, sign_in

NAME = "provincial"
READ = ("muc_do_server", "nps_apply")


def sniff(url: str, doc) -> bool:
    return isinstance(doc, str) and any(_links(url, doc))


def _links(url: str, html: str):
    tree = lxml_html.fromstring(html or "<html/>")
    for a in tree.xpath("//a[@href]"):
        href = urljoin(url, a.get("href"))
        name = family_of(href)
        if name in READ:
            yield name, href, a


def parse(url: str, doc) -> dict:
    services, seen = [], set()
    for name, href, a in _links(url, doc):
        params = family(name).get("params", {})
        query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
        code = query.get(params.get("service", "")) or query.get(params["procedure"])
        agency = query.get(params["agency"])
        if (code, agency) in seen:
            continue
        seen.add((code, agency))
        raw = query.get(params["level"]) if "level" in params else _badge(a)
        services.append(
            service(
                adapter=NAME,
                code=code,
                name=" ".join((a.text_content() or "").split()),
                agency_code=agency,
                level_raw=raw,
                url=href,
                sign_in=sign_in(href),
            )
        )
    return result(NAME, services)


def _badge(a) -> str | None:
    """The level badge in the same row (list item or table row) as the link."""
    node = a
    for _ in range(5):
        node = node.getparent()
        if node is None:
            return None
        badges = node.xpath('.//*[contains(@class,"muc-do") or contains(@class,"badge")]')
        if badges:
            return " ".join(badges[0].text_content().split())
    return None
