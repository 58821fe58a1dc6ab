"""Information sections judged by what the pages show, not by which links carry a cue word.

A section is a page whose own heading names it (the title, a heading or the first own block,
not the menus every page repeats) or that a menu item names, and whose own content is of that
kind (config/keywords.yaml `content`). Evidence, strongest first: the link's own text, the menu
group it sits under, the target page's own heading, the link's image (alt, title, file name) and
its slug; the last two count only when the target's heading confirms them. A page that answers
200 but carries only a placeholder, editor test entries, a not-found text or nothing of its own
is an empty shell: linked but broken, with a status saying which.

The site's template is learned from its own pages: a block fingerprint that recurs on a large
share of the crawled pages is menu, header, sidebar or footer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from crawler.detect.blocks import read_block
from crawler.detect.keywords import keywords
from crawler.detect.page import name_section
from crawler.detect.priority import canonical

STRONG = frozenset(("text", "group", "heading"))
TEMPLATE_SHARE = 0.3  # a block on this share of the site's pages (and on 3 or more) is template
HEAD_NAMES = 4  # the page's first own short blocks that may be its heading
SHELLS = ("soft_404", "placeholder", "test_only", "empty", "off_topic")


@dataclass
class Site:
    """What the judgement knows of one portal: its pages and the template they share."""

    pages: list[dict]
    by_url: dict[str, dict]
    template: frozenset[str]
    home_url: str
    service_hosts: tuple[str, ...] = ()
    error_blocks: frozenset[str] = frozenset()
    named: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def learn(
        cls, pages: list[dict], by_url: dict, home_url: str, service_hosts=(), error_page=None
    ) -> Site:
        """`error_page`: what the site answered for a path it cannot have (the crawl's probe);
        when that answer is a 200, pages that show the same content are soft 404s too."""
        seen = Counter()
        for p in pages:
            facts = p["facts"]
            seen.update({b[0] for b in (*facts.get("blocks", []), *facts.get("names", []))})
        floor = max(3, TEMPLATE_SHARE * len(pages))
        few = len(pages) < 4  # too few pages to tell a template from content
        template = frozenset() if few else frozenset(fp for fp, n in seen.items() if n >= floor)
        site = cls(pages, by_url, template, canonical(home_url), tuple(service_hosts))
        if error_page and error_page.get("http_status") == 200 and error_page.get("facts"):
            site.error_blocks = frozenset(b[0] for b in site.own_blocks(error_page))
        return site

    @cached_property
    def vietnamese(self) -> list[dict]:
        """Pages that may hold a Vietnamese section: the English version's pages count for
        info.english only (its "Contact" page is not the agency's contact section)."""
        return [p for p in self.pages if not is_english(p["facts"])]

    @cached_property
    def median_links(self) -> int:
        counts = sorted(len(p["facts"].get("links", [])) for p in self.pages)
        return counts[len(counts) // 2] if counts else 0

    def own_blocks(self, page: dict) -> list[list]:
        return [b for b in page["facts"].get("blocks", []) if b[0] not in self.template]

    def own_names(self, page: dict) -> list[str]:
        """The page's first short texts that are its own: its heading is among them."""
        own = [t for fp, t in page["facts"].get("names", []) if fp not in self.template]
        return own[:HEAD_NAMES]

    def heading_names(self, page: dict) -> str | None:
        """The criterion the page's own heading names (None for the home page)."""
        url = page["url"]
        if url not in self.named:
            crit = None
            if canonical(url) != self.home_url:
                for text in self.own_names(page):
                    crit = name_section(text)
                    if crit:
                        break
            self.named[url] = crit
        return self.named[url]


def is_english(facts: dict) -> bool:
    """English content, or a page too short to tell that declares English."""
    content = facts.get("content_lang")
    declared = (facts.get("lang") or "").lower()
    return content == "en" or (content != "vi" and declared.startswith("en"))


def content_verdict(crit: str, page: dict, site: Site, *, many_links: bool = False) -> str:
    """`ok`, or the kind of empty shell the page is (one of SHELLS).

    `many_links`: a page linking far more pages than the site's typical page is of its kind
    whatever its text (a sitemap)."""
    spec = keywords()["content"]
    blocks = site.own_blocks(page)
    title = (page["facts"].get("title") or "").lower()
    if any(b[2].get("f") for b in blocks) or "404" in title and "not found" in title:
        return "soft_404"
    if site.error_blocks and blocks:
        same = sum(b[0] in site.error_blocks for b in blocks)
        if same >= 0.8 * len(blocks):
            return "soft_404"  # the site's own answer for a page it does not have
    if any("s" in read_block(t)[1] for t in site.own_names(page)[:2]):
        return "test_only"  # the page is itself an editor's test entry
    real = [b for b in blocks if not ({"x", "s", "f"} & b[2].keys())]
    chars = sum(b[1] for b in real if not _only_dates(b))
    placeholder = any("x" in b[2] for b in blocks)
    tests = any("s" in b[2] for b in blocks)
    require = spec["require"].get(crit, {})
    if many_links and _links_many_pages(page, site, spec["sitemap_extra_links"]):
        return "ok"
    if chars < require.get("min_chars", spec["min_chars"]):
        return "placeholder" if placeholder else "test_only" if tests else "empty"
    if not _meets(require, crit, real):
        return "test_only" if tests else "placeholder" if placeholder else "off_topic"
    return "ok"


def _links_many_pages(page: dict, site: Site, extra: int) -> bool:
    return len(page["facts"].get("links", [])) >= site.median_links + extra


def _only_dates(block: list) -> bool:
    return block[1] <= 24 and block[2].get("d", 0) >= 1


def _meets(require: dict, crit: str, blocks: list[list]) -> bool:
    totals, numbers = Counter(), set()
    for _fp, _len, feats in blocks:
        for key, value in feats.items():
            if key == "c":
                totals["c"] += crit in value
            elif key == "n":
                numbers.update(value)
            else:
                totals[key] += value
    totals["n"] = len(numbers)
    for key, need in require.items():
        if key == "min_chars":
            continue
        if key == "any":
            if not any(totals[k] for k in need):
                return False
        elif totals[key] < need:
            return False
    return True


ORDER = ("text", "group", "heading", "image", "slug")


def candidates(
    crit: str, site: Site, *, english: bool = False
) -> list[tuple[str, str, tuple[str, ...], str]]:
    """(target, link text, how it was led to, found on) per target page, strongest first.

    `english`: the section is the English version, so English pages are searched too."""
    leads: dict[str, list] = {}
    pages = site.pages if english else site.vietnamese
    for p in pages:
        for url, text, *how in p["facts"].get("section_links", {}).get(crit, []):
            lead = leads.setdefault(canonical(url), [url, text, set(), p["url"]])
            lead[2].add(how[0] if how else "text")
            if not lead[1] and text:
                lead[1] = text
    for p in pages:
        if site.heading_names(p) == crit:
            leads.setdefault(canonical(p["url"]), [p["url"], "", set(), p["url"]])[2].add("heading")
    out = [(u, t, tuple(h for h in ORDER if h in hows), f) for u, t, hows, f in leads.values()]
    out.sort(key=lambda lead: ORDER.index(lead[2][0]))
    return out


def service_portal_link(site: Site) -> tuple[str, str, str] | None:
    """A link from any portal page to the entity's service portal or the national one."""
    hosts = {h.lower() for h in (*site.service_hosts, *keywords()["service_portals"])}
    for p in site.pages:
        for url, text in p["facts"].get("external", []):
            host = (urlsplit(url).hostname or "").lower()
            if host and any(host == h or host.endswith("." + h) for h in hosts):
                return url, text, p["url"]
    return None


def home_news_list(site: Site, crit: str) -> dict | None:
    """A dated news list on the home page: news even when the menu's news page is missing."""
    home = site.by_url.get(site.home_url)
    if not home or not home.get("facts"):
        return None
    own = site.own_blocks(home)
    dates = sum(b[2].get("d", 0) for b in own)
    names = [t for _fp, t in home["facts"].get("names", []) if name_section(t) == crit]
    if names and dates >= keywords()["content"]["require"][crit]["d"]:
        return {"url": home["url"], "heading": names[0], "dates": dates}
    return None
