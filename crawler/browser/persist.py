"""The check stage's storage: what it reads of the crawl's hand-off, and every row it writes
besides the service walks (crawler/browser/jobs.py keeps service_checks). Each write is one
transaction, so a kill leaves a catalogue or an audit either recorded or still to do."""

from __future__ import annotations

import json

from crawler import store
from crawler.browser import grading


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
    from crawler.pipelines import record_conflicts

    stamp = store.now()
    found = services or []
    if services is None:
        finding = {"value": "unknown", "status": "error", "numeric": None,
                   "excerpt": "the browser could not render the JS catalogue"}  # fmt: skip
    elif found:
        finding = {"value": "present", "status": "ok", "numeric": len(found),
                   "excerpt": f"{len(found)} services rendered by the browser"}  # fmt: skip
    else:
        finding = {"value": "unknown", "status": "error", "numeric": 0,
                   "excerpt": "rendered by the browser, but no services could be read"}  # fmt: skip
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
            "and criterion = 'svc.catalogue'",
            [quarter, eid],
        ).fetchone()
        # another shell of the same portal may have rendered services already: keep those
        if found or not (current and current[1] == "browser" and current[0] == "present"):
            db["findings"].upsert(
                {
                    "quarter": quarter,
                    "entity_id": eid,
                    "criterion": "svc.catalogue",
                    "source": "browser",
                    "evidence_url": url,
                    "observed_at": stamp,
                    "detail": json.dumps({"rendered": url, "services": len(found)}),
                    **finding,
                },
                pk=("quarter", "entity_id", "criterion"),
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


def static_viewport(db, quarter: str, eid: str) -> bool | None:
    """The crawl's viewport meta on the portal home (None when the home was not fetched)."""
    row = db.execute(
        "select facts from pages where quarter = ? and entity_id = ? and depth = 0 "
        "and site = 'portal' and fetch_status = 'ok' order by url limit 1",
        [quarter, eid],
    ).fetchone()
    if not row or not row[0]:
        return None
    return bool(json.loads(row[0]).get("viewport"))


def save_audit_findings(db, quarter: str, eid: str) -> None:
    """tech.accessibility and tech.mobile from the entity's rendered audits (crawler/browser/
    grading.py; tech.mobile by the rule the crawl uses too, given both inputs)."""
    audits = list(
        db.query(
            "select * from page_audits where quarter = ? and entity_id = ? and status = 'ok'",
            [quarter, eid],
        )
    )
    if not audits:
        return
    stamp = store.now()
    findings = [
        grading.accessibility(audits),
        grading.mobile(static_viewport(db, quarter, eid), audits),
    ]
    with store.transaction(db):
        for f in findings:
            db["findings"].upsert(
                {
                    "status": "ok",
                    "evidence_url": audits[0]["url"],
                    **f,
                    "quarter": quarter,
                    "entity_id": eid,
                    "source": "browser",
                    "observed_at": stamp,
                },
                pk=("quarter", "entity_id", "criterion"),
            )
