"""Text normalisation for Vietnamese keyword matching.

Portals write the same words composed (NFC) or decomposed (NFD), with or without diacritics, in
any case ("CO CAU TO CHUC", "Cơ cấu tổ chức"); matching happens on the folded form.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


class _DropMarks(dict):
    """A str.translate table that drops combining marks (category Mn), filled as chars appear:
    translate runs in C, where a per-character generator was the crawl's second hot spot."""

    def __missing__(self, code: int) -> int | None:
        self[code] = None if unicodedata.category(chr(code)) == "Mn" else code
        return self[code]


_DROP_MARKS = _DropMarks()


def fold(text: str) -> str:
    """Lower case, no diacritics (đ -> d), punctuation to spaces, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    bare = decomposed.translate(_DROP_MARKS)
    return _SPACE.sub(" ", _NON_WORD.sub(" ", bare.lower())).strip()


def slug_fold(text: str) -> str:
    """A URL path folded to words, so `/web/ha-noi/co-cau-to-chuc` reads `co cau to chuc`."""
    return fold(text.replace("-", " ").replace("_", " ").replace("/", " "))


def excerpt(text: str, limit: int = 200) -> str:
    text = _SPACE.sub(" ", nfc(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
