"""What was observed for each (entity, criterion) of a quarter, in one shape for scoring.

Crawl and browser findings are taken as they are; the service criteria are derived here from the
catalogue and the sampled checks (with the sampling margin, so a rank can say how sure it is);
reported indicators come from agencies' files; an evaluator's override replaces the observation
and says so. Reading happens in `load`; the derivations are pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.criteria import derive, registry
from crawler.criteria.observed import Services

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Observation:
    value: str
    numeric: float | None = None
    status: str = "ok"
    source: str = "crawl"
    evidence_url: str | None = None
    # Half-width of the 95% interval of a sampled share: how far the true value may be.
    margin: float = 0.0
    override_id: int | None = None

    @property
    def known(self) -> bool:
        return self.value != UNKNOWN


def unknown(status: str, source: str = "crawl") -> Observation:
    return Observation(UNKNOWN, None, status, source)


def service_observations(
    found: dict[str, Observation], services: list[dict], checks: list[dict], sample: dict | None
) -> dict[str, Observation]:
    """The derived service criteria (crawler/criteria/services.py) as observations."""
    judged = {cid: {"value": o.value, "status": o.status} for cid, o in found.items()}
    derived = derive(Services.of(judged, services, checks, sample))
    return {cid: verdict_observation(v) for cid, v in derived.items()}


def verdict_observation(v: dict) -> Observation:
    return Observation(
        v["value"],
        v["numeric"],
        v["status"],
        v["source"],
        v.get("evidence_url"),
        margin=v.get("margin", 0.0),
    )


def finding_observation(row: dict) -> Observation:
    return Observation(
        row["value"] or UNKNOWN,
        row["numeric"],
        row["status"] or "ok",
        row["source"] or "crawl",
        row.get("evidence_url"),
    )


def override_observation(row: dict) -> Observation:
    try:
        numeric = float(row["value"])
    except (TypeError, ValueError):
        numeric = None
    return Observation(str(row["value"]), numeric, "ok", "override", override_id=row["id"])


def load(db, quarter: str, entity_ids: list[str], criteria: list[str]) -> dict[str, dict]:
    """observations[entity_id][criterion] for every criterion of the model."""
    by_entity: dict[str, dict[str, Observation]] = {eid: {} for eid in entity_ids}
    rows = db.query("select * from findings where quarter = ?", [quarter])
    for row in rows:
        if row["entity_id"] in by_entity:
            by_entity[row["entity_id"]][row["criterion"]] = finding_observation(row)
    services, checks, samples = _grouped(db, quarter)
    for eid, found in by_entity.items():
        found.update(
            service_observations(
                found,
                services.get(eid, []),
                checks.get(eid, []),
                samples.get(eid),
            )
        )
    for row in db.query("select * from reported where quarter = ?", [quarter]):
        if row["entity_id"] in by_entity:
            by_entity[row["entity_id"]][row["indicator"]] = Observation(
                f"{row['value']:g}", row["value"], "ok", "reported", row["source_document"]
            )
    for row in active_overrides(db, quarter):
        if row["entity_id"] in by_entity:
            by_entity[row["entity_id"]][row["criterion"]] = override_observation(row)
    for found in by_entity.values():
        for cid in criteria:
            if cid not in found:
                source = "reported" if registry.get(cid).stage == "reported" else "crawl"
                found[cid] = unknown(
                    "not_reported" if source == "reported" else "not_observed", source
                )
    return by_entity


def derived_verdicts(db, quarter: str, findings: list[dict]) -> dict[str, dict[str, dict]]:
    """verdicts[entity_id][criterion] of the derived service criteria, with their evidence
    (the services each share counts, its interval), from the quarter's findings the caller read."""
    found: dict[str, dict] = {}
    for row in findings:
        found.setdefault(row["entity_id"], {})[row["criterion"]] = row
    services, checks, samples = _grouped(db, quarter)
    return {
        eid: derive(Services.of(rows, services.get(eid, []), checks.get(eid, []), samples.get(eid)))
        for eid, rows in found.items()
    }


def _grouped(db, quarter):
    services, checks, samples = {}, {}, {}
    for row in db.query("select * from services where quarter = ? order by url", [quarter]):
        services.setdefault(row["entity_id"], []).append(row)
    for row in db.query("select * from service_checks where quarter = ? order by url", [quarter]):
        checks.setdefault(row["entity_id"], []).append(row)
    for row in db.query("select * from check_samples where quarter = ?", [quarter]):
        samples[row["entity_id"]] = row
    return services, checks, samples


def active_overrides(db, quarter: str) -> list[dict]:
    """The newest unrevoked override per (entity, criterion): later corrections win."""
    if not db["overrides"].exists():
        return []
    return list(
        db.query(
            "select * from overrides where quarter = ? and revoked_at is null and id in "
            "(select max(id) from overrides where quarter = ? and revoked_at is null "
            "group by entity_id, criterion) order by id",
            [quarter, quarter],
        )
    )
