"""What was observed for each (entity, criterion) of a quarter, in one shape for scoring.

Crawl and browser findings are taken as they are; the service criteria are derived here from the
catalogue and the sampled checks (with the sampling margin, so a rank can say how sure it is);
reported indicators come from agencies' files; an evaluator's override replaces the observation
and says so. Reading happens in `load`; the derivations are pure functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from crawler.browser.sampling import wilson

UNKNOWN = "unknown"
TT32_FIELDS = 10


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


def share(hits: int, n: int, population: int | None = None) -> Observation:
    """A sampled share with its Wilson margin, shrunk when the sample is most of the population."""
    low, high = wilson(hits, n)
    margin = (high - low) / 2
    if population and population > 1 and n <= population:
        margin *= ((population - n) / (population - 1)) ** 0.5
    return Observation(f"{hits}/{n}", hits / n, "ok", "derived", margin=round(margin, 4))


def service_observations(
    catalogue: Observation | None, services: list[dict], checks: list[dict], sample: dict | None
) -> dict[str, Observation]:
    """svc.* from the catalogue finding, the listed services and the finished checks."""
    if catalogue is None or not catalogue.known:
        status = catalogue.status if catalogue else "not_crawled"
        ids = (
            "count",
            "full_share",
            "partial_share",
            "procedure_fields",
            "verified",
            "declared_vs_observed",
            "payment",
            "sso",
        )
        return {f"svc.{i}": unknown(status, "derived") for i in ids}
    n = len(services)
    declared = [s["declared"] for s in services]
    out = {"svc.count": Observation(str(n), float(n), "ok", "derived")}
    for level in ("full", "partial"):
        hits = declared.count(level)
        out[f"svc.{level}_share"] = (
            Observation(f"{hits}/{n}", hits / n, "ok", "derived")
            if n
            else Observation("0/0", 0.0, "ok", "derived")
        )
    fields = [len(json.loads(s["tt32_fields"])) for s in services if s.get("tt32_fields")]
    out["svc.procedure_fields"] = (
        Observation(
            f"{sum(fields)}/{TT32_FIELDS * len(fields)}",
            sum(fields) / (TT32_FIELDS * len(fields)),
            "ok",
            "derived",
        )
        if fields
        else unknown("no_procedure_pages", "derived")
    )
    out.update(_check_observations(checks, sample))
    return out


def _check_observations(checks: list[dict], sample: dict | None) -> dict[str, Observation]:
    if sample is None:
        return {
            f"svc.{i}": unknown("not_checked", "browser")
            for i in ("verified", "declared_vs_observed", "payment", "sso")
        }
    population = sample.get("population") or 0
    done = [c for c in checks if c["state"] == "done" and c["observed"] != UNKNOWN]
    out = {}
    if population == 0:
        # Nothing declared online to verify: none verified, which is what the entity offers.
        out["svc.verified"] = Observation("no online services", 0.0, "ok", "browser")
    elif sample.get("checked"):
        obs = share(sample["verified"], sample["checked"], population)
        low, high = sample.get("ci_low"), sample.get("ci_high")
        margin = (high - low) / 2 if low is not None and high is not None else obs.margin
        out["svc.verified"] = replace(obs, source="browser", margin=round(margin, 4))
    else:
        out["svc.verified"] = unknown("checks_failed", "browser")
    pairs = {
        "svc.declared_vs_observed": (done, lambda c: c["observed"] == c["declared"]),
        "svc.payment": ([c for c in done if c["declared"] == "full"], lambda c: bool(c["payment"])),
        "svc.sso": (done, lambda c: bool(c["identity_provider"])),
    }
    for cid, (rows, hit) in pairs.items():
        out[cid] = (
            replace(share(sum(map(hit, rows)), len(rows), population), source="browser")
            if rows
            else unknown("nothing_to_check", "browser")
        )
    if done and out["svc.sso"].known:
        # Reaching the gateway is reachable behind a login, not usable: the value says which.
        login = sum(c.get("access") == "behind_login" for c in done)
        usable = sum(c.get("access") == "usable" for c in done)
        value = f"{out['svc.sso'].value} ({login} reachable behind a login, {usable} usable)"
        out["svc.sso"] = replace(out["svc.sso"], value=value)
    return out


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
                found.get("svc.catalogue"),
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
                source = "reported" if cid.startswith("reported.") else "crawl"
                found[cid] = unknown(
                    "not_reported" if source == "reported" else "not_observed", source
                )
    return by_entity


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
