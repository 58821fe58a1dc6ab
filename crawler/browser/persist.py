"""The check stage's storage: what it reads of the crawl's hand-off, and every row it writes
besides the service walks (crawler/browser/jobs.py keeps service_checks). Each write is one
transaction, so a kill leaves a catalogue or an audit either recorded or still to do."""

from __future__ import annotations

import json
from datetime import date

from crawler.core import store
from crawler.criteria import judge_rendered, judge_rendered_catalogue
from crawler.criteria.observed import Seen


def work(db, quarter: str, entity_id: str, kind: str, *, pending_only: bool = True) -> list[str]:
    """URLs the crawl handed to the browser for this entity (browser_work), oldest first."""
    return [
        r[0]
        for r in db.execute(
            "select url from browser_work where quarter = ? and entity_id = ? and kind = ? "
            + ("and state = 'pending' " if pending_only else "")
            + "order by created_at, url",
            [quarter, entity_id, kind],
        ).fetchall()
    ]


def reopen(db, quarter: str, entity_ids: list[str]) -> None:
    """--recheck: the crawl's hand-off is to do again."""
    marks = ",".join("?" * len(entity_ids))
    with store.transaction(db):
        db.execute(
            f"update browser_work set state = 'pending', done_at = null, outcome = null "
            f"where quarter = ? and entity_id in ({marks})",
            [quarter, *entity_ids],
        )


def _done(db, quarter, eid, kind, url, outcome: str) -> None:
    db.execute(
        "update browser_work set state = 'done', done_at = ?, outcome = ? "
        "where quarter = ? and entity_id = ? and kind = ? and url = ?",
        [store.now(), outcome, quarter, eid, kind, url],
    )


def save_rendered(db, quarter: str, eid: str, url: str, services: list[dict] | None) -> None:
    """A JS catalogue rendered: its services, the badge conflicts, the svc.catalogue finding
    this decides, and the hand-off row done. `services` None: the page did not render."""
    from crawler.crawl_store import record_conflicts

    stamp = store.now()
    found = services or []
    finding = judge_rendered_catalogue(services, url)
    with store.transaction(db):
        db["services"].insert_all(
            [
                {
                    "quarter": quarter,
                    "entity_id": eid,
                    "catalogue_url": url,
                    "source": "browser",
                    "found_at": stamp,
                    **s,
                }
                for s in found
            ],
            pk=("quarter", "url"),
            ignore=True,
        )
        record_conflicts(db, quarter, eid)  # rendered badges against the national rows
        current = db.execute(
            "select value, source from findings where quarter = ? and entity_id = ? "
            "and criterion = ?",
            [quarter, eid, finding["criterion"]],
        ).fetchone()
        # another shell of the same portal may have rendered services already: keep those
        if found or not (current and current[1] == "browser" and current[0] == "present"):
            db["findings"].upsert(
                _row(finding, quarter, eid, stamp), pk=("quarter", "entity_id", "criterion")
            )
        _done(db, quarter, eid, "catalogue", url, finding["excerpt"])


def audit_urls(db, quarter: str, eid: str) -> list[str]:
    """The pages to audit: those the crawl handed over (the portal home), then one service
    page the check stage walked."""
    urls = work(db, quarter, eid, "audit", pending_only=False)
    row = db.execute(
        "select url from service_checks where quarter = ? and entity_id = ? and state = 'done' "
        "order by url limit 1",
        [quarter, eid],
    ).fetchone()
    if row and row[0] not in urls:
        urls.append(row[0])
    return urls


def save_audit(db, quarter: str, eid: str, audit: dict) -> None:
    with store.transaction(db):
        db["page_audits"].upsert(
            {"quarter": quarter, "entity_id": eid, "audited_at": store.now(), **audit},
            pk=("quarter", "url"),
        )
        _done(db, quarter, eid, "audit", audit["url"], audit.get("status") or "")


def rendered_seen(db, quarter: str, eid: str) -> Seen:
    """What the rendered-audit criteria read: the crawl's home page (its static viewport meta)
    and the entity's page audits."""
    from crawler.crawl_store import rendered_audits

    home = [
        {**r, "facts": json.loads(r["facts"]) if r["facts"] else None}
        for r in db.query(
            "select url, site, depth, fetch_status, http_status, facts from pages "
            "where quarter = ? and entity_id = ? and depth = 0 and site = 'portal' "
            "and fetch_status = 'ok' order by url limit 1",
            [quarter, eid],
        )
    ]
    home_url = home[0]["url"] if home else ""
    return Seen(home, date.today(), home_url, audits=rendered_audits(db, quarter, eid))


def save_audit_findings(db, quarter: str, eid: str) -> None:
    """tech.accessibility and tech.mobile judged again with the rendered audits, by the rules
    the crawl uses (crawler/criteria/technical.py)."""
    seen = rendered_seen(db, quarter, eid)
    if not any(a["status"] == "ok" for a in seen.audits):
        return
    stamp = store.now()
    with store.transaction(db):
        for f in judge_rendered(seen):
            db["findings"].upsert(
                _row(f, quarter, eid, stamp), pk=("quarter", "entity_id", "criterion")
            )


def _row(finding: dict, quarter: str, eid: str, stamp: str) -> dict:
    detail = json.dumps(finding["detail"], ensure_ascii=False, default=str)
    return {**finding, "quarter": quarter, "entity_id": eid, "observed_at": stamp, "detail": detail}
