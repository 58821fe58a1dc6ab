"""The entity registry: the real data loads, quarters get the right sets, bad files fail in one line."""

from __future__ import annotations

import pytest

from crawler.core.errors import InputError
from crawler.core.quarters import Quarter
from crawler.core.registry import load_registry

GOOD = """entities:
- id: bo-a
  name_vi: "Bộ A"
  name_en: "Ministry A"
  group: ministry
  portal_url: https://a.gov.vn/
  valid_from: 2020-01-01
"""


def write(tmp_path, text, name="r.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def real():
    return load_registry()


@pytest.mark.parametrize(
    "quarter, ministries, agencies, provinces",
    [
        ("2018Q4", 22, 9, 63),
        ("2025Q1", 17, 5, 63),
        ("2025Q2", 17, 5, 63),
        ("2025Q3", 17, 5, 34),
        ("2026Q4", 17, 5, 34),
    ],
)
def test_real_registry_sets_per_quarter(real, quarter, ministries, agencies, provinces):
    q = Quarter.parse(quarter)
    assert len(real.for_quarter(q, "ministry")) == ministries
    assert len(real.for_quarter(q, "gov_agency")) == agencies
    assert len(real.for_quarter(q, "province")) == provinces


def test_merges_point_both_ways(real):
    by_id = {}
    for e in real.entities:
        by_id.setdefault(e.id, []).append(e)
    for e in real.entities:
        if e.successor:
            successors = by_id[e.successor]
            assert any(e.id in s.predecessors for s in successors), (e.id, e.successor)
        for p in e.predecessors:
            assert any(old.successor == e.id for old in by_id[p]), (e.id, p)


def test_merged_province_keeps_its_id_across_periods(real):
    before = {e.id for e in real.for_quarter(Quarter.parse("2025Q2"), "province")}
    after = {e.id: e for e in real.for_quarter(Quarter.parse("2025Q3"), "province")}
    assert "ha-giang" in before and "ha-giang" not in after
    assert after["tuyen-quang"].predecessors == ("ha-giang",)
    assert set(after["ninh-binh"].predecessors) == {"ha-nam", "nam-dinh"}


def test_every_url_carries_a_confidence_flag(real):
    for e in real.entities:
        assert e.portal_confidence in ("verified", "unverified")
        assert e.portal_url.startswith("https://")


@pytest.mark.parametrize(
    "text, expect",
    [
        ("entities:\n- id: x\n  name_vi: [unclosed\n", ":4: not valid YAML"),
        (GOOD.replace('  name_en: "Ministry A"\n', ""), "field `name_en`: field required"),
        (GOOD.replace("group: ministry", "group: ministery"), ":5: entity 'bo-a', field `group`"),
        (GOOD.replace("https://a.gov.vn/", "a.gov.vn"), ":6: entity 'bo-a', field `portal_url`"),
        (GOOD + "  valid_to: 2019-01-01\n", "is before valid_from"),
        (GOOD + "  predecessors: [nobody]\n", "unknown entity 'nobody'"),
        (GOOD + GOOD.replace("entities:\n", ""), ":8: entity 'bo-a' overlaps its entry at"),
        (GOOD.replace("2020-01-01", "2020-13-01"), "dates are YYYY-MM-DD"),
    ],
)
def test_bad_registry_is_one_line_with_file_and_line(tmp_path, text, expect):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_registry(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert expect in message


def test_same_id_in_periods_that_do_not_overlap_is_fine(tmp_path):
    second = GOOD.replace("entities:\n", "").replace("2020-01-01", "2021-01-01")
    first = GOOD + "  valid_to: 2020-12-31\n"
    registry = load_registry(write(tmp_path, first + second))
    assert [e.valid_from.year for e in registry.entities] == [2020, 2021]
    assert len(registry.for_quarter(Quarter.parse("2021Q1"))) == 1


def test_select_only_names_unknown_ids(tmp_path):
    registry = load_registry(write(tmp_path, GOOD))
    assert [e.id for e in registry.select(Quarter.parse("2026Q4"), ["bo-a"])] == ["bo-a"]
    with pytest.raises(InputError, match="--only names nope"):
        registry.select(Quarter.parse("2026Q4"), ["nope"])
