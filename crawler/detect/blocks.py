"""Text blocks of a page, each with a fingerprint and what kind of content it carries.

A portal repeats its menus, header, sidebar and footer on every page; a section's own content is
what is left. The page alone cannot tell the two apart, so every block is fingerprinted here and
the entity judgement learns the site's template from how often a fingerprint recurs across the
site's pages (crawler/detect/sections.py). The features are counted per block so the judgement
can add up the content of the non-template blocks without storing the page's text.

Feature keys (absent when zero): d dates, n the document numbers (35/NQ-CP), p people named with a
title, t phone numbers, e e-mail addresses, x placeholder text ("Đang cập nhật"), s editor test
entries ("Test tin ..."), f not-found text (soft 404), c criteria whose content cues it holds.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

from crawler.detect.dates import find_dates
from crawler.detect.keywords import keywords
from crawler.detect.text import fold, nfc

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "td",
        "th",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dd",
        "dt",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "ul",
        "ol",
        "table",
        "tbody",
        "thead",
        "form",
        "option",
        "select",
        "blockquote",
        "main",
        "body",
        "center",
    ]
)
# Never content: scripts, and the choices of search forms ("---Toàn bộ---", "UBND Tỉnh").
SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "select", "option", "button"))
NAME_LEN = 80  # a block this short may be the page's own heading
MAX_NAMES = 40
MAX_BLOCKS = 600

_DOC_NUMBER = re.compile(
    r"\b\d{1,5}\s?/\s?(?:\d{4}\s?/\s?)?[A-ZĐ]{1,8}(?:\s?-\s?[A-ZĐ0-9]{1,10}){1,3}\b"
)
_PHONE = re.compile(r"(?<![\d/.])(?:\+84|0)(?:[\s.]?\d){8,10}(?![\d/])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Two to five capitalised words: a Vietnamese personal name ("Nguyễn Xuân Danh").
_NAME = r"(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s){1,4}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+"


def fingerprint(folded: str) -> str:
    return f"{zlib.crc32(folded.encode('utf-8')):08x}"


def own_text(el) -> tuple[str, int]:
    """The element's text without its nested blocks' (blocks of their own), and how many of its
    characters are link text: a menu item is a link, a page's own heading is not."""
    parts, linked = [el.text or ""], 0
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag and tag not in SKIP_TAGS and tag not in BLOCK_TAGS:
            inline = _inline_text(child)
            parts.append(inline)
            if tag == "a" or child.xpath(".//a"):
                linked += len(inline.strip())
        parts.append(child.tail or "")
    return " ".join(" ".join(parts).split()), linked


def _inline_text(el) -> str:
    parts = [el.text or ""]
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag and tag not in SKIP_TAGS:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return " ".join(parts)


@lru_cache(maxsize=1)
def _cues() -> dict:
    kw = keywords()["content"]
    titles = "|".join(sorted((re.escape(t) for t in kw["person_titles"]), key=len, reverse=True))
    return {
        "person": re.compile(
            rf"(?:\b(?i:{titles})\b[\s:,-]+(?:(?i:đ/?c|ông|bà)\.?:?\s)?{_NAME}"
            rf"|{_NAME}\s?[,:-]?\s*\b(?i:{titles})\b)"
        ),
        "placeholder": kw["placeholder"],
        "test_entry": [f" {c} " for c in kw["test_entry"]],
        "not_found": kw["not_found"],
        "criteria": kw["cues"],
    }


def block_features(text: str) -> dict:
    """What kind of content one block holds (see the module docstring for the keys)."""
    cues = _cues()
    folded = fold(text)
    padded = f" {folded} "
    found = {
        "d": len(find_dates(text)),
        "n": sorted({re.sub(r"\s", "", n) for n in _DOC_NUMBER.findall(text)}),
        "p": len(cues["person"].findall(text)),
        "t": len(_PHONE.findall(text)),
        "e": len(_EMAIL.findall(text)),
        "x": int(len(folded) < 200 and any(c in folded for c in cues["placeholder"])),
        "s": int(len(folded) < 200 and any(c in padded for c in cues["test_entry"])),
        "f": int(len(folded) < 300 and any(c in folded for c in cues["not_found"])),
    }
    out = {k: v for k, v in found.items() if v}
    crits = [c for c, words in cues["criteria"].items() if any(f" {w} " in padded for w in words)]
    if crits:
        out["c"] = crits
    return out


def _data_row(tr) -> bool:
    cells = tr.xpath("./td|./th")
    return bool(cells) and not tr.xpath("./td//*[self::div or self::table or self::p or self::ul]")


def page_blocks(body) -> tuple[list[list], list[list]]:
    """([fingerprint, length, features] per block, [fingerprint, text] of the short blocks).

    The short blocks, in document order, are the candidates for the page's own heading; the
    judgement keeps those that are not part of the site's template."""
    blocks, names = [], []
    if body is None:
        return blocks, names
    cells_done = set()
    for el in body.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag not in BLOCK_TAGS or el in cells_done:
            continue
        if any(a.tag in SKIP_TAGS for a in el.iterancestors()):
            continue
        if tag == "tr" and _data_row(el):
            # A data row ("name | title | phone") is one item; a layout row's cells are blocks.
            cells = el.xpath("./td|./th")
            cells_done.update(cells)
            texts = [own_text(c) for c in cells]
            text, linked = " ".join(t for t, _ in texts), sum(n for _, n in texts)
        else:
            text, linked = own_text(el)
        text = nfc(text)
        folded = fold(text)
        if not folded:
            continue
        is_link = linked >= 0.5 * len(text)
        fp = fingerprint(("a " if is_link else "") + folded)
        if len(blocks) < MAX_BLOCKS:
            blocks.append([fp, len(text), block_features(text)])
        short = len(text) <= NAME_LEN and not folded.replace(" ", "").isdigit()
        if short and not is_link and len(names) < MAX_NAMES:
            names.append([fp, text])
    return blocks, names
