"""The exported tables, as lists of dicts: one source for xlsx, CSV, JSON and HTML."""

from __future__ import annotations

import json

from crawler.errors import InputError

GROUPS = {
    "ministry": "Bộ, cơ quan ngang bộ",
    "gov_agency": "Cơ quan thuộc Chính phủ",
    "province": "Tỉnh, thành phố",
}
PILLARS = ("info", "func", "svc", "tech", "reported")


def model_version(db, quarter: str) -> str:
    row = db.execute(
        "select model_version from rankings where quarter = ? order by scored_at desc limit 1",
        [quarter],
    ).fetchone()
    if not row:
        raise InputError(
            f"no scores for {quarter} in this database: run `egovrank score --quarter {quarter}` first"
        )
    return row[0]


def rankings(db, quarter: str, version: str) -> list[dict]:
    """Ranked entities by group and rank, then the not-assessed ones (rank None, with why)."""
    pillars = {}
    for r in db.query(
        "select entity_id, pillar, score from pillar_scores where quarter = ? and model_version = ?",
        [quarter, version],
    ):
        pillars.setdefault(r["entity_id"], {})[r["pillar"]] = r["score"]
    out = []
    for r in db.query(
        "select r.*, q.name_vi, q.name_en from rankings r join quarter_entities q "
        "on q.quarter = r.quarter and q.entity_id = r.entity_id "
        "where r.quarter = ? and r.model_version = ? "
        "order by coalesce(r.assessed, 1) desc, r.entity_group, r.rank, r.entity_id",
        [quarter, version],
    ):
        row = {
            "group": r["entity_group"],
            "rank": r["rank"],
            "entity_id": r["entity_id"],
            "name_vi": r["name_vi"],
            "name_en": r["name_en"],
            "index": r["index_value"],
            "prev_rank": r["prev_rank"],
            "movement": r["movement"],
            "significant": r["significant"],
            "uncertainty": r["uncertainty"],
            "coverage": r["coverage"],
            "overrides_used": r["overrides_used"],
            "assessed": 1 if r["assessed"] is None else r["assessed"],
            "not_assessed_reason": r["not_assessed_reason"],
        }
        row.update({f"pillar_{p}": pillars.get(r["entity_id"], {}).get(p) for p in PILLARS})
        out.append(row)
    return out


def criterion_scores(db, quarter: str, version: str) -> list[dict]:
    return list(
        db.query(
            "select c.entity_id, c.pillar, c.criterion, c.raw_value, c.score, c.weight, c.status, "
            "c.policy, c.override_id, c.reported, f.evidence_url, f.excerpt "
            "from criterion_scores c left join findings f on f.quarter = c.quarter "
            "and f.entity_id = c.entity_id and f.criterion = c.criterion "
            "where c.quarter = ? and c.model_version = ? order by c.entity_id, c.criterion",
            [quarter, version],
        )
    )


def service_checks(db, quarter: str) -> list[dict]:
    return list(
        db.query(
            "select c.entity_id, s.name, s.code, c.url, c.declared, s.declared_raw, c.observed, c.status, "
            "c.reached, c.identity_provider, c.payment, c.delivery, c.final_url, c.screenshot "
            "from service_checks c left join services s on s.quarter = c.quarter and s.url = c.url "
            "where c.quarter = ? and c.state = 'done' order by c.entity_id, c.url",
            [quarter],
        )
    )


def findings(db, quarter: str, entity_id: str | None = None) -> list[dict]:
    sql = "select * from findings where quarter = ?" + (" and entity_id = ?" if entity_id else "")
    rows = list(
        db.query(
            sql + " order by entity_id, criterion", [quarter, *([entity_id] if entity_id else [])]
        )
    )
    for r in rows:
        r["detail"] = json.loads(r["detail"]) if r.get("detail") else {}
    return rows


def overrides(db, quarter: str, entity_id: str | None = None) -> list[dict]:
    sql = "select * from overrides where quarter = ?" + (" and entity_id = ?" if entity_id else "")
    return list(db.query(sql + " order by id", [quarter, *([entity_id] if entity_id else [])]))


def level_matrix(db, quarter: str) -> list[dict]:
    """Declared vs observed levels of checked services, counted."""
    return list(
        db.query(
            "select declared, observed, count(*) as n from service_checks where quarter = ? and state = 'done' "
            "group by declared, observed order by declared, observed",
            [quarter],
        )
    )


def history(db, entity_ids: list[str], version: str) -> dict[str, list[tuple[str, float]]]:
    """Index per quarter for each entity (for the movement chart)."""
    out: dict[str, list] = {}
    for r in db.query(
        "select entity_id, quarter, index_value from rankings where model_version = ? order by quarter",
        [version],
    ):
        if r["entity_id"] in entity_ids:
            out.setdefault(r["entity_id"], []).append((r["quarter"], r["index_value"]))
    return out
