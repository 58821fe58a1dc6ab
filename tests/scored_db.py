"""A small real database scored over two quarters, for the report, campaign and review tests.

Five entities in two groups, a few findings each, 2026Q3 then 2026Q4 scored with the shipped model;
one province improves between the quarters so movement and history have something to show.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

from crawler.core import store
from crawler.core.quarters import Quarter
from scoring.model import load_model
from scoring.stage import score_quarter

ENTITIES = [
    ("bo-a", "ministry", "Bộ Tài chính", {"info.about": "present", "func.search": "present"}),
    ("bo-b", "ministry", "Bộ Tư pháp", {"info.about": "absent", "func.search": "present"}),
    ("ha-noi", "province", "Thành phố Hà Nội", {"info.about": "present", "tech.https": "pass"}),
    ("da-nang", "province", "Thành phố Đà Nẵng", {"info.about": "absent", "tech.https": "pass"}),
    ("hue", "province", "Thành phố Huế", {"info.about": "absent", "tech.https": "fail"}),
]
QUARTERS = ("2026Q3", "2026Q4")


def make_scored_db(path: Path):
    db = store.connect(path)
    # A few findings per entity: under the shipped min_coverage every entity would be held
    # out as "not assessed"; these tests are about reports and campaigns, not that policy.
    model = dataclasses.replace(load_model(), min_coverage=0.0)
    for q in QUARTERS:
        entities = [
            SimpleNamespace(
                id=eid,
                name_vi=name,
                name_en=eid,
                group=g,
                portal_url=f"http://{eid}.test/",
                dvc_url=None,
                allow_private=False,
            )  # fmt: skip
            for eid, g, name, _ in ENTITIES
        ]
        store.sync_quarter_entities(db, q, entities, "h")
        rows = []
        for eid, _, _, found in ENTITIES:
            for criterion, value in found.items():
                if q == "2026Q4" and eid == "hue" and criterion == "info.about":
                    value = "present"  # Huế adds its introduction page in Q4
                rows.append(
                    {
                        "quarter": q, "entity_id": eid, "criterion": criterion, "value": value,
                        "status": "ok", "evidence_url": f"http://{eid}.test/gioi-thieu",
                    }
                )  # fmt: skip
            rows.append(
                {
                    "quarter": q, "entity_id": eid, "criterion": "info.news", "value": "unknown",
                    "status": "timeout",
                }
            )  # fmt: skip
        with store.transaction(db):
            db["findings"].insert_all(rows)
        score_quarter(db, model, Quarter.parse(q))
    return db
