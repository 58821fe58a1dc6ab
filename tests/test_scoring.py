"""Scoring: the model's validation, each method, the unknown policies, ranks, and the score stage
on a real SQLite file (overrides, reported indicators, carry, re-scoring, movement)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from crawler.browser.sampling import interval
from crawler.core import store
from crawler.core.errors import InputError
from crawler.core.quarters import Quarter
from scoring import methods, rank
from scoring.model import load_model, parse_model
from scoring.observe import Observation, service_observations, unknown
from scoring.overrides import revoke_override, set_override
from scoring.reported import import_reported
from scoring.score import score_all
from scoring.stage import score_quarter

# The worked example of docs/scoring.md, computed there by hand.
TOY = yaml.safe_load(
    textwrap.dedent(
        """
        version: toy-1
        pillars: {info: {weight: 0.6}, tech: {weight: 0.4}}
        criteria:
          info.about: {weight: 0.5, method: graded, levels: {present: 1, linked_broken: 0.25, absent: 0}}
          info.news: {weight: 0.5, method: graded, levels: {present: 1, linked_broken: 0.25, absent: 0}}
          tech.response_time: {weight: 0.5, method: thresholds, steps: [[500, 1], [1000, 0.75]], otherwise: 0}
          tech.https: {weight: 0.5, method: graded, levels: {pass: 1, partial: 0.5, fail: 0}}
        """
    )
)


def obs(value, numeric=None, **kw):
    return Observation(value, numeric, **kw)


def toy_observations(**changes):
    found = {
        "info.about": obs("present"),
        "info.news": obs("linked_broken"),
        "tech.response_time": obs("800 ms", 800.0),
        "tech.https": unknown("connect_error"),
    }
    return found | changes


def test_worked_example_of_the_docs():
    model = parse_model(TOY)
    [a] = score_all(model, {"a": "province"}, {"a": toy_observations()})
    pillars = {p["pillar"]: p for p in a.pillars}
    assert pillars["info"]["score"] == pytest.approx(0.625)
    assert pillars["tech"]["score"] == pytest.approx(0.75)
    assert pillars["tech"]["coverage"] == pytest.approx(0.5)
    assert a.index == pytest.approx(0.675)
    assert a.coverage == pytest.approx(0.8)
    assert a.uncertainty == pytest.approx(0.1)
    https = next(c for c in a.criteria if c["criterion"] == "tech.https")
    assert https["score"] is None and https["policy"].startswith("exclude")


@pytest.mark.parametrize(
    "policy, expected_https, expected_index",
    [("zero", 0.0, 0.6 * 0.625 + 0.4 * 0.375), ("carry", 0.5, 0.6 * 0.625 + 0.4 * 0.625)],
)
def test_unknown_policies(policy, expected_https, expected_index):
    raw = yaml.safe_load(yaml.safe_dump(TOY))
    raw["criteria"]["tech.https"]["on_unknown"] = policy
    model = parse_model(raw)
    previous = {("a", "tech.https"): ("2026Q3", 0.5)}
    [a] = score_all(model, {"a": "province"}, {"a": toy_observations()}, previous)
    https = next(c for c in a.criteria if c["criterion"] == "tech.https")
    assert https["score"] == expected_https
    assert https["policy"].split(":")[0] == policy
    assert a.index == pytest.approx(expected_index)


def test_carry_without_an_earlier_score_excludes():
    raw = yaml.safe_load(yaml.safe_dump(TOY))
    raw["criteria"]["tech.https"]["on_unknown"] = "carry"
    [a] = score_all(parse_model(raw), {"a": "province"}, {"a": toy_observations()})
    assert a.index == pytest.approx(0.675)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda m: m["criteria"].update({"info.abuot": m["criteria"].pop("info.about")}),
            "info.abuot",
        ),
        (lambda m: m["pillars"]["info"].update(weight=0.7), "pillar weights sum to 1.1"),
        (lambda m: m["criteria"]["info.news"].update(weight=0.4), "pillar info sum to 0.9"),
        (lambda m: m["criteria"]["tech.response_time"].pop("steps"), "needs `steps`"),
        (lambda m: m["criteria"]["info.news"].update(method="magic"), "method 'magic'"),
        (lambda m: m["criteria"]["info.news"].update(on_unknown="guess"), "on_unknown 'guess'"),
        (lambda m: m["pillars"].update(fun={"weight": 0}), "unknown pillar 'fun'"),
    ],
)
def test_model_validation_names_the_problem(change, message):
    raw = yaml.safe_load(yaml.safe_dump(TOY))
    change(raw)
    with pytest.raises(InputError, match="toy.yaml: .*") as err:
        parse_model(raw, "toy.yaml")
    assert message in str(err.value)


def test_shipped_model_loads_with_a_stable_hash():
    a, b = load_model(), load_model()
    assert a.version and len(a.hash) == 12 and a.hash == b.hash
    assert {c.pillar for c in a.criteria.values()} == set(a.pillars)


def test_methods_on_small_inputs():
    group = {"a": obs("5", 5.0), "b": obs("10", 10.0), "c": obs("0", 0.0)}
    assert methods.ratio_to_best(group, {}, "svc.count") == {"a": 0.5, "b": 1.0, "c": 0.0}
    assert methods.minmax(group, {}, "x") == {"a": 0.5, "b": 1.0, "c": 0.0}
    assert methods.minmax(group, {"lower_is_better": True}, "x") == {"a": 0.5, "b": 0.0, "c": 1.0}
    assert methods.minmax({"a": obs("1", 1.0), "b": obs("1", 1.0)}, {}, "x") == {"a": 1, "b": 1}
    broken = {"a": obs("0.05", 0.05), "b": obs("0.5", 0.5)}
    assert methods.ratio(broken, {"max": 0.2, "invert": True}, "x") == pytest.approx(
        {"a": 0.75, "b": 0.0}
    )
    steps = {"steps": [[7, 1], [30, 0.75]], "otherwise": 0.1}
    days = {"a": obs("7", 7.0), "b": obs("8", 8.0), "c": obs("400", 400.0)}
    assert methods.thresholds(days, steps, "f") == {"a": 1.0, "b": 0.75, "c": 0.1}
    assert methods.binary({"a": obs("pass"), "b": obs("fail")}, {"pass": ["pass"]}, "x") == {
        "a": 1.0,
        "b": 0.0,
    }
    with pytest.raises(InputError, match="no score"):
        methods.graded({"a": obs("maybe")}, {"levels": {"present": 1}}, "info.about")


def test_ratio_to_best_is_within_each_group():
    raw = {
        "version": "g",
        "pillars": {"svc": {"weight": 1}},
        "criteria": {"svc.count": {"weight": 1, "method": "ratio_to_best"}},
    }
    model = parse_model(raw)
    entities = {"m1": "ministry", "m2": "ministry", "p1": "province"}
    found = {e: {"svc.count": obs(str(n), float(n))} for e, n in (("m1", 10), ("m2", 5), ("p1", 2))}
    scores = {s.entity_id: s.index for s in score_all(model, entities, found)}
    assert scores == {"m1": 1.0, "m2": 0.5, "p1": 1.0}


def test_competition_ranks_ties_share_and_skip():
    ranks = rank.competition_ranks({"a": 0.9, "b": 0.8001, "c": 0.7999, "d": 0.5, "e": None})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None}


def test_rank_interval_and_significance():
    indexes = {"a": 0.80, "b": 0.78, "c": 0.50}
    uncertainty = {"a": 0.02, "b": 0.02, "c": 0.01}
    assert rank.rank_interval("a", indexes, uncertainty) == (1, 2)
    assert rank.rank_interval("c", indexes, uncertainty) == (3, 3)
    assert rank.significant(2, (1, 2)) is False
    assert rank.significant(3, (1, 2)) is True
    assert rank.significant(None, (1, 2)) is None
    assert rank.movement(1, 3) == 2


def test_service_observations_shares_and_margins():
    services = [
        {"declared": "full", "tt32_fields": '["name", "steps"]'},
        {"declared": "partial", "tt32_fields": None},
        {"declared": "info_only", "tt32_fields": None},
        {"declared": "full", "tt32_fields": None},
    ]
    check = {"state": "done", "identity_provider": "VNeID", "payment": 1}
    checks = [
        check | {"declared": "full", "observed": "full"},
        check | {"declared": "full", "observed": "broken", "payment": 0, "identity_provider": ""},
        check | {"declared": "partial", "observed": "unknown"},
    ]
    sample = {"population": 3, "checked": 2, "verified": 1, "ci_low": 0.1, "ci_high": 0.9}
    found = service_observations({"svc.catalogue": obs("present", 4.0)}, services, checks, sample)
    assert found["svc.count"].numeric == 4
    assert found["svc.full_share"].numeric == 0.5
    assert found["svc.partial_share"].numeric == 0.25
    assert found["svc.procedure_fields"].numeric == pytest.approx(0.2)
    low, high = interval(1, 2, 3)  # one rule for every sampled share's interval
    assert found["svc.verified"].numeric == 0.5
    assert found["svc.verified"].margin == pytest.approx((high - low) / 2, abs=1e-4)
    assert 0 < low < 0.5 < high < 1 and interval(2, 2, 2) == (1.0, 1.0)
    assert found["svc.declared_vs_observed"].value == "1/2"
    assert found["svc.payment"].numeric == 0.5
    assert 0 < found["svc.sso"].margin < 0.5
    gone = service_observations({"svc.catalogue": unknown("connect_error")}, [], [], None)
    assert all(not o.known and o.status == "connect_error" for o in gone.values())


# ---- the score stage on a real SQLite file ---------------------------------------------------

ENTITIES = [
    ("bo-a", "ministry", {"info.about": "present", "func.search": "present"}),
    ("bo-b", "ministry", {"info.about": "absent", "func.search": "present"}),
    ("bo-c", "ministry", {"info.about": "absent", "func.search": "absent"}),
]


@pytest.fixture
def db(tmp_path):
    db = store.connect(tmp_path / "score.db")
    for q in ("2026Q3", "2026Q4"):
        entities = [
            SimpleNamespace(
                id=eid,
                name_vi=eid.upper(),
                name_en=eid,
                group=g,
                portal_url="http://x/",
                dvc_url=None,
                allow_private=False,
            )  # fmt: skip
            for eid, g, _ in ENTITIES
        ]
        store.sync_quarter_entities(db, q, entities, "h")
        with store.transaction(db):
            db["findings"].insert_all(
                {"quarter": q, "entity_id": eid, "criterion": c, "value": v, "status": "ok"}
                for eid, _, found in ENTITIES
                for c, v in found.items()
            )
    return db


def ranking(db, quarter="2026Q4"):
    return {
        r["entity_id"]: r
        for r in db.query("select * from rankings where quarter = ? order by entity_id", [quarter])
    }


def rank_model():
    """The shipped model without its coverage floor: the fixture observes a few info criteria
    only, and these tests are about rank arithmetic (the floor: tests/test_packaging.py)."""
    import dataclasses

    return dataclasses.replace(load_model(), min_coverage=0.0)


def test_sparse_observations_are_not_assessed_under_the_shipped_model(db):
    score_quarter(db, load_model(), Quarter.parse("2026Q4"))
    rows = ranking(db).values()
    assert [r["rank"] for r in rows] == [None] * 3 and {r["assessed"] for r in rows} == {0}
    assert all(r["not_assessed_reason"].startswith("portal not crawled") for r in rows)


def test_score_stage_writes_ranks_and_is_deterministic(db):
    model = rank_model()
    score_quarter(db, model, Quarter.parse("2026Q4"))
    first = [{k: v for k, v in r.items() if k != "scored_at"} for r in ranking(db).values()] + list(
        db.query("select * from criterion_scores order by entity_id, criterion")
    )
    score_quarter(db, model, Quarter.parse("2026Q4"))
    again = [{k: v for k, v in r.items() if k != "scored_at"} for r in ranking(db).values()] + list(
        db.query("select * from criterion_scores order by entity_id, criterion")
    )
    assert first == again
    ranks = {eid: r["rank"] for eid, r in ranking(db).items()}
    assert ranks == {"bo-a": 1, "bo-b": 2, "bo-c": 3}
    rows = db.execute("select count(*) from criterion_scores").fetchone()[0]
    assert rows == 3 * len(model.criteria)


def test_override_applies_is_marked_and_revokes(db):
    model = load_model()
    q = Quarter.parse("2026Q4")
    score_quarter(db, model, q)
    before = ranking(db)["bo-c"]["index_value"]
    oid = set_override(db, model, "2026Q4", "bo-c", "info.about", "present", "menu moved", "Lan")
    score_quarter(db, model, q)
    row = db.execute(
        "select raw_value, score, override_id, source from criterion_scores "
        "where entity_id = 'bo-c' and criterion = 'info.about'"
    ).fetchone()
    assert row == ("present", 1.0, oid, "override")
    assert ranking(db)["bo-c"]["overrides_used"] == 1
    assert ranking(db)["bo-c"]["index_value"] > before
    revoke_override(db, oid, "evidence re-checked", "Minh")
    score_quarter(db, model, q)
    assert ranking(db)["bo-c"]["index_value"] == before
    kept = db["overrides"].get(oid)
    assert kept["revoked_by"] == "Minh" and kept["reason"] == "menu moved"
    with pytest.raises(InputError, match="not one of"):
        set_override(db, model, "2026Q4", "bo-c", "info.about", "yes", "x", "Lan")
    with pytest.raises(InputError, match="not assessed"):
        set_override(db, model, "2026Q4", "khong-co", "info.about", "present", "x", "Lan")


def test_reported_indicators_are_scored_and_marked(db, tmp_path):
    model = load_model()
    csv = tmp_path / "reported.csv"
    csv.write_text(
        "entity_id,indicator,value,source_document\n"
        "bo-c,reported.internal_it,1,Báo cáo 12/BC\nbo-c,reported.policy,0.5,Báo cáo 12/BC\n",
        encoding="utf-8",
    )
    assert import_reported(db, model, "2026Q4", csv) == 2
    score_quarter(db, model, Quarter.parse("2026Q4"))
    rows = {
        r["criterion"]: r
        for r in db.query("select * from criterion_scores where entity_id = 'bo-c'")
    }
    assert rows["reported.internal_it"]["score"] == 1.0 and rows["reported.internal_it"]["reported"]
    assert rows["reported.infrastructure"]["policy"].startswith("zero")
    pillar = db.execute(
        "select score from pillar_scores where entity_id = 'bo-c' and pillar = 'reported'"
    ).fetchone()[0]
    assert pillar == pytest.approx(0.35 * 1 + 0.2 * 0.5)


def test_previous_rank_and_movement(db):
    model = rank_model()
    score_quarter(db, model, Quarter.parse("2026Q3"))
    with store.transaction(db):
        db.execute(
            "update findings set value = 'present' where quarter = '2026Q4' and entity_id = 'bo-c'"
        )
        db.execute(
            "update findings set value = 'absent' where quarter = '2026Q4' and entity_id = 'bo-a'"
        )
    score_quarter(db, model, Quarter.parse("2026Q4"))
    now = ranking(db)
    assert now["bo-c"]["prev_rank"] == 3 and now["bo-c"]["rank"] == 1
    assert now["bo-c"]["movement"] == 2
    assert now["bo-c"]["significant"] in (0, 1)
    assert now["bo-c"]["rank_best"] <= now["bo-c"]["rank"] <= now["bo-c"]["rank_worst"]


def test_rescoring_under_a_second_model_version_keeps_the_first(db, tmp_path):
    """A past quarter re-scored from stored observations under a new model: no crawl, both
    versions kept side by side, each row carrying its version and the model file's hash."""
    first = load_model()
    score_quarter(db, first, Quarter.parse("2026Q4"))
    before = {r["entity_id"]: r["index_value"] for r in db.query("select * from rankings")}
    raw = yaml.safe_load(Path("config/criteria.yaml").read_text(encoding="utf-8"))
    raw["version"] = "2026.4-info-heavy"
    raw["pillars"]["info"]["weight"], raw["pillars"]["svc"]["weight"] = 0.35, 0.25
    path = tmp_path / "criteria.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    second = load_model(path)
    assert second.hash != first.hash
    score_quarter(db, second, Quarter.parse("2026Q4"))
    rows = list(db.query("select * from rankings where quarter = '2026Q4'"))
    by_version = {
        v: {r["entity_id"]: r for r in rows if r["model_version"] == v}
        for v in (first.version, second.version)
    }
    assert set(by_version[first.version]) == set(by_version[second.version]) == set(before)
    assert {e: r["index_value"] for e, r in by_version[first.version].items()} == before
    assert {e: r["index_value"] for e, r in by_version[second.version].items()} != before
    hashes = {r["model_hash"] for r in db.query("select distinct model_hash from criterion_scores")}
    assert hashes == {first.hash, second.hash}
