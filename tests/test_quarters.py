from datetime import date

import pytest

from crawler.core.errors import InputError
from crawler.core.quarters import Quarter


def test_parse_and_format():
    assert str(Quarter.parse("2026Q4")) == "2026Q4"
    assert Quarter.parse(" 2026q1 ") == Quarter(2026, 1)


@pytest.mark.parametrize("bad", ["2026Q5", "2026-Q4", "26Q1", "Q4 2026", ""])
def test_malformed(bad):
    with pytest.raises(InputError, match="YYYYQn"):
        Quarter.parse(bad)


def test_dates_and_neighbours():
    q = Quarter.parse("2025Q1")
    assert (q.start, q.end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert Quarter.parse("2024Q4").end == date(2024, 12, 31)
    assert q.previous() == Quarter(2024, 4) and Quarter(2024, 4).next() == q
    assert sorted([Quarter(2026, 1), Quarter(2025, 4)])[0] == Quarter(2025, 4)
