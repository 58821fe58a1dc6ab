"""A quarter's campaign: status, the re-test window, freeze, publication and errata editions.

The state rules live in crawler/campaign.py (every stage's start_run obeys them); this module
moves a quarter between states and writes the numbered editions of its report.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from crawler.campaign import state_of
from crawler.core import store
from crawler.core.errors import InputError
from crawler.core.failures import TAXONOMY
from crawler.core.status import CampaignState, EditionKind

RETEST_DAYS = 14
# Why something could not be tested, as opposed to a finding about the portal.
COULD_NOT_TEST = {"timeout", "connect_error", "dns_error", "http_5xx", "blocked", "error"}
CHECK_COULD_NOT_TEST = {"timeout", "error"}


def _set(db, quarter: str, **fields) -> dict:
    with store.transaction(db):
        db["campaigns"].upsert(
            {"quarter": quarter, **fields, "updated_at": store.now()}, pk="quarter"
        )
    return db["campaigns"].get(quarter)


def campaign(db, quarter: str) -> dict:
    rows = list(db.query("select * from campaigns where quarter = ?", [quarter]))
    return rows[0] if rows else {"quarter": quarter, "state": CampaignState.OPEN}


def untested(db, quarter: str) -> dict:
    """What could not be tested: findings and service checks, by reason, and the entities."""
    marks = ",".join("?" * len(COULD_NOT_TEST))
    findings = dict(
        db.execute(
            f"select status, count(*) from findings where quarter = ? and value = 'unknown' "
            f"and status in ({marks}) group by status",
            [quarter, *COULD_NOT_TEST],
        ).fetchall()
    )
    cmarks = ",".join("?" * len(CHECK_COULD_NOT_TEST))
    checks = dict(
        db.execute(
            f"select status, count(*) from service_checks where quarter = ? and status in ({cmarks}) "
            "group by status",
            [quarter, *CHECK_COULD_NOT_TEST],
        ).fetchall()
    )
    entities = [
        r[0]
        for r in db.execute(
            f"select distinct entity_id from findings where quarter = ? and value = 'unknown' "
            f"and status in ({marks}) union select distinct entity_id from service_checks "
            f"where quarter = ? and status in ({cmarks}) order by 1",
            [quarter, *COULD_NOT_TEST, quarter, *CHECK_COULD_NOT_TEST],
        ).fetchall()
    ]
    return {"findings": findings, "checks": checks, "entities": entities}


def status(db, quarter: str) -> dict:
    c = campaign(db, quarter)
    editions = list(
        db.query(
            "select number, kind, created_at, created_by, model_version, out from editions "
            "where quarter = ? order by number",
            [quarter],
        )
    )
    return {**c, "editions": editions, "untested": untested(db, quarter)}


def open_retest(db, quarter: str, until: date | None = None) -> dict:
    state = state_of(db, quarter)
    if state in (CampaignState.FROZEN, CampaignState.PUBLISHED):
        raise InputError(f"{quarter} is {state}: the re-test window is over")
    until = until or date.today() + timedelta(days=RETEST_DAYS)
    return _set(db, quarter, state=CampaignState.RETEST, retest_until=until.isoformat())


def requeue_untested(db, quarter: str, entity_ids: list[str]) -> dict:
    """Put back in the queue what could not be fetched or checked, for these entities only.

    Pages whose fetch failed for a could-not-test reason go back to `queued` in the frontier (the
    crawl resumes exactly those); checks that timed out or errored go back to `pending`.
    Everything else (pages fetched, findings about the portal) is kept as it is.
    """
    if not entity_ids:
        return {"pages": 0, "checks": 0}
    marks = ",".join("?" * len(entity_ids))
    reasons = ",".join("?" * len(COULD_NOT_TEST))
    creasons = ",".join("?" * len(CHECK_COULD_NOT_TEST))
    with store.transaction(db):
        pages = db.execute(
            f"update frontier set state = 'queued' where quarter = ? and entity_id in ({marks}) "
            f"and url in (select url from pages where quarter = ? and fetch_status in ({reasons}))",
            [quarter, *entity_ids, quarter, *COULD_NOT_TEST],
        ).rowcount
        checks = db.execute(
            f"update service_checks set state = 'pending', attempts = 0 where quarter = ? "
            f"and entity_id in ({marks}) and status in ({creasons})",
            [quarter, *entity_ids, *CHECK_COULD_NOT_TEST],
        ).rowcount
    return {"pages": pages, "checks": checks}


def freeze(db, quarter: str) -> dict:
    state = state_of(db, quarter)
    if state == CampaignState.PUBLISHED:
        raise InputError(f"{quarter} is already published")
    return _set(db, quarter, state=CampaignState.FROZEN, frozen_at=store.now())


def publish(db, quarter: str, author: str, out_root: Path, *, lang: str = "vi", pdf=None) -> dict:
    """Edition 1: the frozen quarter's report, written to OUT/edition-1/, and the state locked."""
    if not author.strip():
        raise InputError("publishing needs --by: who publishes")
    state = state_of(db, quarter)
    if state == CampaignState.PUBLISHED:
        raise InputError(f"{quarter} is already published; a correction is an erratum")
    if state != CampaignState.FROZEN:
        raise InputError(
            f"{quarter} is {state}: run `egovrank campaign freeze --quarter {quarter}` first"
        )
    edition = _write_edition(
        db, quarter, 1, EditionKind.PUBLICATION, author, out_root, [], lang, pdf
    )
    _set(
        db,
        quarter,
        state=CampaignState.PUBLISHED,
        published_at=store.now(),
        published_by=author.strip(),
    )
    return edition


def record_erratum(
    db, model, quarter: str, entity_id: str, criterion: str, value: str, reason: str, author: str,
    *, lang: str = "vi", pdf=None,
) -> dict:  # fmt: skip
    """A correction after publication: stored as an erratum, re-scored, and a new edition."""
    from scoring.export import tables
    from scoring.overrides import set_override
    from scoring.stage import score_quarter

    if state_of(db, quarter) != CampaignState.PUBLISHED:
        raise InputError(f"{quarter} is not published: record an ordinary override (no --erratum)")
    first = db.execute(
        "select model_version, out from editions where quarter = ? and number = 1", [quarter]
    ).fetchone()
    if first and first[0] != model.version:
        raise InputError(
            f"{quarter} was published under model {first[0]}, not {model.version}; pass --model"
        )
    before = {r["entity_id"]: r for r in tables.rankings(db, quarter, model.version)}
    oid = set_override(
        db, model, quarter, entity_id, criterion, value, reason, author, erratum=True
    )
    run_id = store.start_run(db, quarter, "erratum", model_version=model.version)
    from crawler.core.quarters import Quarter

    score_quarter(db, model, Quarter.parse(quarter))
    store.finish_run(db, run_id, "done", {"override": oid})
    after = {r["entity_id"]: r for r in tables.rankings(db, quarter, model.version)}
    number = db.execute(
        "select coalesce(max(number), 0) + 1 from editions where quarter = ?", [quarter]
    ).fetchone()[0]
    o = db["overrides"].get(oid)
    change = {
        "override_id": oid,
        "entity_id": entity_id,
        "name_vi": (after.get(entity_id) or {}).get("name_vi"),
        "criterion": criterion,
        "value": o["value"],
        "reason": o["reason"],
        "author": o["author"],
        "created_at": o["created_at"],
        "index_before": (before.get(entity_id) or {}).get("index"),
        "index_after": (after.get(entity_id) or {}).get("index"),
        "rank_before": (before.get(entity_id) or {}).get("rank"),
        "rank_after": (after.get(entity_id) or {}).get("rank"),
    }
    out_root = Path(first[1]).parent if first and first[1] else Path("output") / quarter
    edition = _write_edition(
        db, quarter, number, EditionKind.ERRATUM, author, out_root, [change], lang, pdf
    )
    with store.transaction(db):
        db["overrides"].update(oid, {"edition": number})
    return edition


def _write_edition(db, quarter, number, kind, author, out_root, changes, lang, pdf) -> dict:
    from scoring.export import tables
    from scoring.export.report import write_report

    earlier = [
        c
        for (text,) in db.execute(
            "select changes from editions where quarter = ? and number < ? order by number",
            [quarter, number],
        ).fetchall()
        for c in json.loads(text or "[]")
    ]
    out = Path(out_root) / f"edition-{number}"
    version = tables.model_version(db, quarter)
    result = write_report(
        db, quarter, out, lang=lang, edition={"number": number, "changes": earlier + changes}
    )
    if pdf:
        pdf(out / "report.html", out / "report.pdf")
    row = {
        "quarter": quarter,
        "number": number,
        "kind": kind,
        "model_version": version,
        "created_at": store.now(),
        "created_by": author.strip(),
        "changes": json.dumps(changes, ensure_ascii=False),
        "out": str(out),
    }
    with store.transaction(db):
        db["editions"].insert(row, pk=("quarter", "number"))
    return {**row, "files": len(result["files"]), "changes": changes}


assert set(TAXONOMY) >= COULD_NOT_TEST, "could-not-test reasons must be failure reasons"
