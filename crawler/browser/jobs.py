"""The job table of the browser stage (service_checks): planned, claimed, finished, resumed.

Every state change is one transaction, so a killed run leaves rows `running` that the next run
puts back to `pending`; `done` rows are never checked twice unless a recheck is asked for.
"""

from __future__ import annotations

import json

from crawler.browser.sampling import interval, sample_services
from crawler.core import store
from crawler.core.status import CheckState, CheckStatus
from crawler.criteria.services import works_online

MAX_ATTEMPTS = 3


def plan(
    db, quarter: str, entity_ids: list[str], sample: int | None, *, recheck: bool = False
) -> int:
    """Create pending jobs for each entity's sample; returns how many jobs are pending."""
    with store.transaction(db):
        for eid in entity_ids:
            services = list(
                db.query(
                    "select url, entity_id, declared from services where quarter = ? and entity_id = ?",
                    [quarter, eid],
                )
            )
            chosen = sample_services(services, sample, seed=f"{quarter}:{eid}")
            if recheck:
                db.execute(
                    "delete from service_checks where quarter = ? and entity_id = ?", [quarter, eid]
                )
            db["service_checks"].insert_all(
                [
                    {
                        "quarter": quarter,
                        "url": s["url"],
                        "entity_id": eid,
                        "state": CheckState.PENDING,
                        "attempts": 0,
                        "stratum": s["declared"],
                        "declared": s["declared"],
                    }
                    for s in chosen
                ],
                pk=("quarter", "url"),
                ignore=True,
            )
            population = sum(s["declared"] in ("full", "partial") for s in services)
            db["check_samples"].upsert(
                {
                    "quarter": quarter,
                    "entity_id": eid,
                    "population": population,
                    "sample_size": len(chosen),
                    "seed": f"{quarter}:{eid}",
                },
                pk=("quarter", "entity_id"),
            )
        # A run killed mid-check left jobs running: they go back to pending.
        db.execute(
            "update service_checks set state = 'pending' where quarter = ? and state = 'running'",
            [quarter],
        )
    return db.execute(
        "select count(*) from service_checks where quarter = ? and state = 'pending'", [quarter]
    ).fetchone()[0]


def pending(db, quarter: str, entity_ids: list[str]) -> list[dict]:
    marks = ",".join("?" * len(entity_ids))
    return list(
        db.query(
            f"select url, entity_id, declared, attempts from service_checks where quarter = ? "
            f"and state = 'pending' and entity_id in ({marks}) order by entity_id, url",
            [quarter, *entity_ids],
        )
    )


def claim(db, quarter: str, url: str) -> None:
    with store.transaction(db):
        db.execute(
            "update service_checks set state = 'running', attempts = attempts + 1, started_at = ? "
            "where quarter = ? and url = ?",
            [store.now(), quarter, url],
        )


def finish(db, quarter: str, url: str, result: dict) -> None:
    row = {k: v for k, v in result.items() if k != "elapsed_s"}
    row["steps"] = json.dumps(row.get("steps", []), ensure_ascii=False)
    row.update(state=CheckState.DONE, finished_at=store.now(), error=None)
    with store.transaction(db):
        db["service_checks"].update((quarter, url), row)


def fail(db, quarter: str, url: str, error: str, *, final: bool = False) -> None:
    """A check that crashed (not a page that failed): retried until MAX_ATTEMPTS, or failed at
    once when `final` (a cluster job that crashed on every attempt the queue gave it)."""
    with store.transaction(db):
        attempts = db.execute(
            "select attempts from service_checks where quarter = ? and url = ?", [quarter, url]
        ).fetchone()[0]
        failed = final or attempts >= MAX_ATTEMPTS
        state = CheckState.FAILED if failed else CheckState.PENDING
        db["service_checks"].update(
            (quarter, url),
            {
                "state": state,
                "error": error[:500],
                "status": CheckStatus.ERROR,
                "observed": "unknown",
                "finished_at": store.now(),
            },
        )


def summarise(db, quarter: str, entity_ids: list[str]) -> list[dict]:
    """Verified share per entity with its 95% interval (exact when every service was checked)."""
    out = []
    with store.transaction(db):
        for eid in entity_ids:
            rows = db.execute(
                "select observed from service_checks where quarter = ? and entity_id = ? "
                "and state = 'done' and observed != 'unknown'",
                [quarter, eid],
            ).fetchall()
            checked = len(rows)
            verified = sum(works_online({"observed": r[0]}) for r in rows)
            sample = db["check_samples"].get((quarter, eid))
            share = verified / checked if checked else None
            low, high = interval(verified, checked, sample["population"])
            update = {
                "verified": verified,
                "checked": checked,
                "verified_share": share,
                "ci_low": low,
                "ci_high": high,
            }
            db["check_samples"].update((quarter, eid), update)
            out.append({"entity_id": eid, **update, "population": sample["population"]})
    return out
