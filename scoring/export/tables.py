"""The exported tables, as lists of dicts: one source for xlsx, CSV, JSON and HTML."""

from __future__ import annotations

import json

from crawler.core.errors import InputError

# In report order; their names are in config/labels.yaml (scoring/labels.py).
GROUPS = ("ministry", "gov_agency", "province")
PILLARS = ("info", "func", "svc", "tech", "reported")


def report_groups(rows: list[dict]) -> list[str]:
    """The rank groups present, in report order: the national groups, then each province's
    communes (one group per province, in province id order)."""
    present = {r["group"] for r in rows}
    return [g for g in GROUPS if g in present] + sorted(present - set(GROUPS))


def place_names(db, quarter: str) -> dict[str, str]:
    """Province id -> Vietnamese name, to title the commune groups."""
    return {
        r["entity_id"]: r["name_vi"]
        for r in db.query(
            "select entity_id, name_vi from quarter_entities where quarter = ? "
            "and entity_group = 'province'",
            [quarter],
        )
    }


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
        # the coverage policy's columns, where the schema has them (rank is then null)
        for key in ("assessed", "not_assessed_reason"):
            if key in r:
                row[key] = r[key]
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


def latest_versions(db) -> dict[str, str]:
    """The model version each stored quarter was last scored under (what its report shows)."""
    out = {}
    for r in db.query(
        "select quarter, model_version, max(scored_at) as last from rankings "
        "group by quarter, model_version order by quarter, last"
    ):
        out[r["quarter"]] = r["model_version"]  # later rows (newer scorings) win
    return out


def history(db, up_to: str | None = None) -> list[dict]:
    """Index and rank of every entity in every stored quarter (each under its newest model)."""
    rows = []
    for quarter, version in latest_versions(db).items():
        if up_to and quarter > up_to:
            continue
        for r in db.query(
            "select r.*, q.name_vi from rankings r join quarter_entities q "
            "on q.quarter = r.quarter and q.entity_id = r.entity_id "
            "where r.quarter = ? and r.model_version = ? order by r.entity_group, r.rank, r.entity_id",
            [quarter, version],
        ):
            rows.append(
                {
                    "quarter": quarter,
                    "group": r["entity_group"],
                    "entity_id": r["entity_id"],
                    "name_vi": r["name_vi"],
                    "rank": r["rank"],
                    "index": r["index_value"],
                    "movement": r["movement"],
                    "model_version": version,
                }
            )
    return rows


def group_history(rows: list[dict]) -> list[dict]:
    """Mean index and number of ranked entities of each group in each quarter."""
    acc: dict[tuple, list] = {}
    for r in rows:
        if r["index"] is not None:
            acc.setdefault((r["quarter"], r["group"]), []).append(r["index"])
    return [
        {"quarter": q, "group": g, "entities": len(v), "mean_index": sum(v) / len(v)}
        for (q, g), v in sorted(acc.items())
    ]
