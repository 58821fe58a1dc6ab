"""Page facts: everything the entity judgement needs from one fetched page, parsed once.

The facts are stored as JSON in `pages.facts`, so an entity can be judged again (under new
keywords or rules) from stored pages without crawling again.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TypedDict
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from crawler.detect.blocks import NAME_LEN, fingerprint, page_blocks
from crawler.detect.dates import find_dates
from crawler.detect.keywords import keywords
from crawler.detect.services import parse_catalogue, tt32_fields
from crawler.detect.text import excerpt, fold, nfc, slug_fold

MAX_LINKS = 400
MAX_EXTERNAL = 150
_TITLE_SEP = re.compile(r"\s+[-|–—:]+\s+|\s*\|\s*")
_VI_CHARS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
_EN_WORDS = re.compile(r"\b(the|and|of|to|for|with|is|are|this|our)\b", re.I)
_LANG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$", re.I)


Link = list  # [url, text]; a section link adds how it names the section: [url, text, how]
Block = list  # [fingerprint, length, features] (crawler/detect/blocks.py)


class PageFacts(TypedDict, total=False):
    """The contract between extraction and judgement: what `analyze_page` stores per page
    (pages.facts, JSON) and what crawler/criteria's detectors may read."""

    site: str  # portal, dvc, api, robots, sitemap
    title: str
    lang: str | None  # <html lang>, as declared
    content_lang: str  # vi, en or unknown, from the text itself
    text_len: int
    links: list[Link]  # same-host links (at most MAX_LINKS)
    external_links: int
    external: list[Link]  # other hosts' links (at most MAX_EXTERNAL)
    gov_links: int  # external links to *.gov.vn
    section_links: dict[str, list[Link]]  # criterion id -> links naming it, with how
    section_headings: dict[str, str]  # criterion id -> the h1/h2/title naming it
    blocks: list[Block]
    names: list[list]  # [fingerprint, text] of short texts: title parts and headings first
    links_block: dict | None  # a "Liên kết website" block: heading, links
    contact_block: str | None  # the footer's address/phone/e-mail text
    dates: list[str]  # ISO dates on the page, newest first (at most 10)
    search_form: dict | None  # action, method, field
    viewport: bool
    images: int
    images_without_alt: int
    blocked: bool  # a WAF or captcha page
    maintenance: bool
    english_link: str | None
    catalogue: dict  # services, json_endpoints, needs_browser (service portal pages)
    tt32_fields: list[str]  # the TT32 procedure fields a procedure page shows


@lru_cache(maxsize=16384)
def match_section(text: str, url: str = "") -> str | None:
    """The criterion a link's text (or else its URL path) names; the longest cue wins.

    Cached: menus repeat the same (text, url) on every page of a portal."""
    named = name_section(text)
    if named or len(fold(text).split()) > 4:
        return named
    return slug_section(url)


@lru_cache(maxsize=16384)
def name_section(text: str) -> str | None:
    """The criterion a short text (a menu item, a heading) names, or None.

    A menu item is mostly its cue; a news headline that mentions "thủ tục hành chính" is not,
    and "Bộ Tài chính" names an agency, not the budget section, unless the cue is the whole text."""
    kw = keywords()
    folded = fold(text)
    best, best_len = None, 0
    # Folded text is words joined by single spaces, so a padded substring test is the same
    # whole-word match as `(^| )cue( |$)`, without compiling a regex per cue (the crawl's hot spot).
    padded = f" {folded} "
    if folded and len(folded) <= 60:
        for crit, cues in kw["sections"].items():
            for cue in cues["text"]:
                if len(cue) > best_len and f" {cue} " in padded:
                    best, best_len = crit, len(cue)
                    break
    agency = folded.startswith(tuple(kw["agency_prefixes"])) and best_len < len(folded)
    # "Thông tin dự án", "Chuyên mục thống kê": the generic head word is not part of the name.
    core = len(folded)
    for word in kw["generic_prefixes"]:
        if folded.startswith(word + " "):
            core -= len(word) + 1
            break
    if best and best_len >= 0.5 * core and not agency:
        return best
    return None


@lru_cache(maxsize=16384)
def slug_section(url: str) -> str | None:
    """The criterion a URL path names (weak evidence: article slugs repeat headline words)."""
    best, best_len = None, 0
    path = f" {slug_fold(urlsplit(url).path)} "
    for crit, cues in keywords()["sections"].items():
        for cue in cues["slugs"]:
            if len(cue) > best_len and f" {cue} " in path:
                best, best_len = crit, len(cue)
    return best


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@lru_cache(maxsize=16384)
def file_section(src: str) -> str | None:
    """The criterion an image's file name names: `ThongTinNguoiPhatNgon.gif`, `ttpbgdpl.png`."""
    name = urlsplit(src).path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = slug_fold(_CAMEL.sub(" ", name))
    compact = words.replace(" ", "")
    best, best_len = None, 0
    for crit, cues in keywords()["sections"].items():
        for cue in (*cues["text"], *cues["slugs"]):
            flat = cue.replace(" ", "")
            hit = f" {cue} " in f" {words} " or (len(flat) >= 6 and flat in compact)
            if hit and len(flat) > best_len:
                best, best_len = crit, len(flat)
    return best


def element_text(el) -> str:
    """Text of an element with its blocks kept apart (text_content() glues <p>s together)."""
    return " ".join(t.strip() for t in el.itertext() if t.strip())


def content_language(text: str) -> str:
    """vi, en or unknown from the letters and words of the visible text."""
    sample = text[:5000]
    letters = sum(c.isalpha() for c in sample)
    if letters < 40:
        return "unknown"
    if len(_VI_CHARS.findall(sample)) / letters > 0.03:
        return "vi"
    if len(_EN_WORDS.findall(sample)) >= 5:
        return "en"
    return "unknown"


def valid_lang(tag: str | None) -> bool:
    return bool(tag) and bool(_LANG.match(tag))


def analyze_page(url: str, html: str, *, site: str = "portal") -> PageFacts:
    """Facts of one page; pure and fast (one lxml parse)."""
    try:
        doc = lxml_html.fromstring(nfc(html) or "<html/>")
    except (etree.ParserError, ValueError):
        doc = lxml_html.fromstring("<html/>")
    kw = keywords()
    host = urlsplit(url).netloc
    text = nfc(" ".join(doc.xpath("//body//text()[not(ancestor::script or ancestor::style)]")))
    folded = fold(text)

    links, external, section_links = [], [], {}
    groups: dict = {}
    for a in doc.xpath("//a[@href]"):
        href = a.get("href", "").strip()
        if href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        target = urljoin(url, href).split("#")[0]
        label = nfc(element_text(a))[:120]
        if urlsplit(target).netloc != host:
            if len(external) < MAX_EXTERNAL:
                external.append([target, label])
            continue
        if len(links) < MAX_LINKS:
            links.append([target, label])
        crit, how = _link_section(a, label, target, groups)
        if crit:
            section_links.setdefault(crit, []).append([target, label, how])

    headings = {}
    for h in doc.xpath("//h1|//h2|//title"):
        crit = name_section(h.text_content())
        if crit and crit not in headings:
            headings[crit] = excerpt(h.text_content(), 120)
    body = doc.find("body") if doc.find("body") is not None else doc
    blocks, names = page_blocks(body)
    title = excerpt(" ".join(doc.xpath("//title/text()")), 300)
    title_names = [
        [fingerprint(fold(part)), part.strip()]
        for part in _TITLE_SEP.split(title)
        if fold(part) and len(part) <= NAME_LEN
    ]

    facts: PageFacts = {
        "site": site,
        "title": title,
        "lang": (doc.xpath("string(/html/@lang)") or "").strip() or None,
        "content_lang": content_language(text),
        "text_len": len(text.strip()),
        "links": links,
        "external_links": len(external),
        "external": external,
        "gov_links": sum(
            urlsplit(u).hostname.endswith(".gov.vn") for u, _ in external if urlsplit(u).hostname
        ),
        "section_links": section_links,
        "section_headings": headings,
        "blocks": blocks,
        "names": title_names + names,
        "links_block": _links_block(doc, host, kw),
        "contact_block": _contact_block(doc, kw),
        "dates": sorted({d.isoformat() for d in find_dates(text)}, reverse=True)[:10],
        "search_form": _search_form(doc, url, kw),
        "viewport": bool(doc.xpath('//meta[@name="viewport"]')),
        "images": len(doc.xpath("//img")),
        "images_without_alt": len(doc.xpath("//img[not(@alt)]")),
        "blocked": any(m in folded for m in kw["blocked_markers"]) and len(text) < 3000,
        "maintenance": any(m in folded for m in kw["maintenance_markers"]),
        "english_link": next((u for u, t in links if fold(t) in ("en", "english")), None),
    }
    if site == "dvc" or doc.xpath('//*[contains(@class,"muc-do")]|//@data-api'):
        cat = parse_catalogue(url, html)
        if cat["services"] or cat["json_endpoints"] or cat["needs_browser"]:
            facts["catalogue"] = cat
    fields = tt32_fields(doc)
    if len(fields) >= 3:
        facts["tt32_fields"] = fields
    return facts


def _link_section(a, label: str, target: str, groups: dict) -> tuple[str | None, str | None]:
    """The criterion a link leads to and how the link says so, strongest evidence first:
    its own text, the menu group it sits under, its image (alt, title, file name), its slug."""
    crit = name_section(label)
    if crit:
        return crit, "text"
    if len(fold(label).split()) > 4:
        return None, None
    for img in a.xpath(".//img"):
        for attr in ("alt", "title"):
            crit = name_section(img.get(attr) or "")
            if crit:
                return crit, "image"
        crit = file_section(img.get("src") or "")
        if crit:
            return crit, "image"
    crit = name_section(a.get("title") or "")
    if crit:
        return crit, "image"
    group = a.getparent()
    while group is not None and group.tag not in ("ul", "ol"):
        group = group.getparent()
    if group is not None:
        if group not in groups:
            groups[group] = name_section(_group_heading(group))
        if groups[group]:
            return groups[group], "group"
    crit = slug_section(target)
    return (crit, "slug") if crit else (None, None)


def _group_heading(lst) -> str:
    """The label a nested menu list sits under: the text before the list in its parent item."""
    parent = lst.getparent()
    if parent is None or parent.tag not in ("li", "div", "td"):
        return ""
    parts = [parent.text or ""]
    for child in parent:
        if child is lst:
            break
        if isinstance(child.tag, str) and child.tag not in ("ul", "ol", "script", "style"):
            parts.append(element_text(child))
        parts.append(child.tail or "")
    return " ".join(" ".join(parts).split())[:80]


def _links_block(doc, host: str, kw) -> dict | None:
    """A "Liên kết website" block and how many other portals it links to."""
    cues = [fold(c) for c in kw["links_block"]]
    for h in doc.xpath("//h2|//h3|//h4|//strong|//*[contains(@class,'title')]"):
        if fold(h.text_content()) in cues:
            box = h.getparent()
            outside = [
                a.get("href")
                for a in box.xpath(".//a[@href]")
                if urlsplit(a.get("href")).netloc not in ("", host)
            ]
            if outside:
                return {"heading": excerpt(h.text_content(), 80), "links": len(outside)}
    return None


def _contact_block(doc, kw) -> str | None:
    """An address with a phone or email, where portals put it: the footer."""
    cb = kw["contact_block"]
    for box in doc.xpath("//footer|//*[contains(@class,'footer')]|//*[@id='footer']"):
        text = fold(element_text(box))
        words = f" {text} "
        has = {k: any(f" {c} " in words for c in cues) for k, cues in cb.items()}
        if has["address"] and (has["phone"] or has["email"]):
            return excerpt(element_text(box), 200)
    return None


def _search_form(doc, url: str, kw) -> dict | None:
    names = kw["search"]["input_names"]
    cues = kw["search"]["text"]
    for form in doc.xpath("//form"):
        inputs = form.xpath(".//input[not(@type) or @type='text' or @type='search']")
        if not inputs:
            continue
        label = fold(" ".join(form.xpath(".//@placeholder|.//button//text()|.//@value|.//@class")))
        name = inputs[0].get("name") or "q"
        if fold(name) in names or any(c in label for c in cues):
            action = urljoin(url, form.get("action") or url)
            return {
                "action": action,
                "param": name,
                "method": (form.get("method") or "get").lower(),
            }
    return None
