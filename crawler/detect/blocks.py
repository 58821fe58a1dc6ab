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

from lxml import etree

from crawler.detect.dates import find_dates
from crawler.detect.keywords import keywords
from crawler.detect.text import fold

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
_DIGIT = re.compile(r"\d")
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
            inline = etree.tostring(child, method="text", encoding="unicode", with_tail=False)
            parts.append(inline)
            if tag == "a" or child.find(".//a") is not None:
                linked += len(inline.strip())
        parts.append(child.tail or "")
    return " ".join(" ".join(parts).split()), linked


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
        "criteria": re.compile(
            "(?= ({}) )".format(
                "|".join(
                    re.escape(w)
                    for w in sorted({w for ws in kw["cues"].values() for w in ws}, key=len)[::-1]
                )
            )
        ),
        "criteria_of": {w: c for c, ws in kw["cues"].items() for w in ws},
    }


def block_features(text: str, folded: str | None = None) -> dict:
    """What kind of content one block holds (see the module docstring for the keys).

    Each pattern runs only where its cheapest sign is present (a digit, "/", "@")."""
    cues = _cues()
    folded = fold(text) if folded is None else folded
    padded = f" {folded} "
    digits = _DIGIT.search(text) is not None
    found = {
        "d": len(find_dates(text)) if digits else 0,
        "n": sorted({re.sub(r"\s", "", n) for n in _DOC_NUMBER.findall(text)})
        if digits and "/" in text
        else [],
        "p": len(cues["person"].findall(text)) if len(text) >= 12 else 0,
        "t": len(_PHONE.findall(text)) if digits else 0,
        "e": len(_EMAIL.findall(text)) if "@" in text else 0,
    }
    if len(folded) < 300:
        found["x"] = int(len(folded) < 200 and any(c in folded for c in cues["placeholder"]))
        found["s"] = int(len(folded) < 200 and any(c in padded for c in cues["test_entry"]))
        found["f"] = int(any(c in folded for c in cues["not_found"]))
    out = {k: v for k, v in found.items() if v}
    crits = {cues["criteria_of"][m.group(1)] for m in cues["criteria"].finditer(padded)}
    if crits:
        out["c"] = sorted(crits)
    return out


@lru_cache(maxsize=65536)
def read_block(text: str) -> tuple[str, dict]:
    """Folded text and features of a block; cached because a site's chrome repeats on every
    page (the page was NFC-normalised before parsing)."""
    folded = fold(text)
    return folded, block_features(text, folded) if len(folded) >= 4 else {}


def _person_across(first: str, second: str) -> bool:
    """A person named in one short block and titled in the next (or the other way round)."""
    return bool(_cues()["person"].search(f"{first} {second}"))


def _data_row(tr) -> bool:
    """A row of data cells (no blocks inside them), not a row of a layout table."""
    cells = [c for c in tr if c.tag in ("td", "th")]
    return bool(cells) and not any(
        c.find(f".//{tag}") is not None for c in cells for tag in ("div", "table", "p", "ul")
    )


def page_blocks(body) -> tuple[list[list], list[list]]:
    """([fingerprint, length, features] per block, [fingerprint, text] of the short blocks).

    The short blocks, in document order, are the candidates for the page's own heading; the
    judgement keeps those that are not part of the site's template."""
    blocks, names = [], []
    if body is None:
        return blocks, names
    # cells of data rows already read, and everything inside scripts and forms' choices
    done = set()
    previous = ""
    for skipped in body.iter(*SKIP_TAGS):
        done.update(skipped.iter())
    for el in body.iter(*BLOCK_TAGS):
        if el in done:
            continue
        tag = el.tag
        if tag == "tr" and _data_row(el):
            # A data row ("name | title | phone") is one item; a layout row's cells are blocks.
            cells = [c for c in el if c.tag in ("td", "th")]
            done.update(cells)
            texts = [own_text(c) for c in cells]
            text, linked = " ".join(t for t, _ in texts), sum(n for _, n in texts)
        else:
            text, linked = own_text(el)
        folded, feats = read_block(text)
        if not folded:
            continue
        is_link = linked >= 0.5 * len(text)
        fp = fingerprint(("a " if is_link else "") + folded)
        card = "p" not in feats and bool(previous) and len(text) <= NAME_LEN
        if card and _person_across(previous, text):
            feats = {**feats, "p": 1}  # a card: the name in one block, the title in the next
            previous = ""  # each block belongs to one card
        else:
            previous = text if len(text) <= NAME_LEN else ""
        if len(blocks) < MAX_BLOCKS:
            blocks.append([fp, len(text), feats])
        short = len(text) <= NAME_LEN and not folded.replace(" ", "").isdigit()
        if short and not is_link and len(names) < MAX_NAMES:
            names.append([fp, text])
    return blocks, names
