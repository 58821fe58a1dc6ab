"""Dates as Vietnamese portals write them: 23/08/2022, "Thứ Hai, 22/08/2022 10:30",
"ngày 22 tháng 8 năm 2022", 22-08-2022, 2022-08-22."""

from __future__ import annotations

import re
from datetime import date

from crawler.detect.text import fold

_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_WORDS = re.compile(r"ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})")


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[date]:
    """Every valid date in the text, in the order found (impossible dates are skipped)."""
    found = [_make(int(y), int(m), int(d)) for d, m, y in _DMY.findall(text)]
    found += [_make(int(y), int(m), int(d)) for y, m, d in _ISO.findall(text)]
    found += [_make(int(y), int(m), int(d)) for d, m, y in _WORDS.findall(fold(text))]
    return [d for d in found if d and d.year >= 1990]


def newest(text: str, as_of: date | None = None) -> date | None:
    """The newest date not after as_of (a date in the future is an event, not news)."""
    dates = [d for d in find_dates(text) if as_of is None or d <= as_of]
    return max(dates) if dates else None
