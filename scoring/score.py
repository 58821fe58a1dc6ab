"""Observations -> criterion scores -> pillar scores -> a 0..1 index per entity (pure).

The arithmetic an evaluator can redo by hand (docs/scoring.md walks through one entity):
  pillar = sum(weight x score) / sum(weight) over the criteria that were scored;
  index  = sum(pillar weight x pillar) / sum(pillar weight) over the pillars with a score.
A criterion that could not be observed follows its `on_unknown` policy, and the row says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scoring.methods import METHODS
from scoring.model import Model
from scoring.observe import Observation

# An excluded criterion could have scored anywhere in 0..1: half that range is its uncertainty.
UNKNOWN_HALF_RANGE = 0.5


@dataclass
class EntityScore:
    entity_id: str
    group: str
    index: float | None
    coverage: float
    uncertainty: float
    overrides_used: int
    criteria: list[dict] = field(default_factory=list)
    pillars: list[dict] = field(default_factory=list)


def criterion_scores(
    model: Model,
    entities: dict[str, str],
    observations: dict[str, dict[str, Observation]],
    previous: dict[tuple[str, str], tuple[str, float]] | None = None,
) -> dict[str, dict[str, dict]]:
    """rows[entity_id][criterion]: score (None when excluded), policy, observation."""
    previous = previous or {}
    rows: dict[str, dict[str, dict]] = {eid: {} for eid in entities}
    for cid, crit in model.criteria.items():
        across_all = crit.method == "minmax" and crit.params.get("across") == "all"
        groups = {"all": list(entities)} if across_all else _by_group(entities)
        for members in groups.values():
            known = {eid: observations[eid][cid] for eid in members if observations[eid][cid].known}
            scored = METHODS[crit.method](known, crit.params, cid)
            for eid in members:
                obs = observations[eid][cid]
                if eid in scored:
                    score, policy = scored[eid], "scored"
                else:
                    score, policy = _unknown_policy(crit.on_unknown, previous.get((eid, cid)))
                rows[eid][cid] = {"score": score, "policy": policy, "obs": obs}
    return rows


def _unknown_policy(policy: str, earlier: tuple[str, float] | None) -> tuple[float | None, str]:
    if policy == "zero":
        return 0.0, "zero: unknown counts as 0"
    if policy == "carry":
        if earlier is not None:
            return earlier[1], f"carry: {earlier[0]} score"
        return None, "exclude: nothing earlier to carry"
    return None, "exclude: re-weighted"


def _by_group(entities: dict[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for eid, group in sorted(entities.items()):
        groups.setdefault(group, []).append(eid)
    return groups


def aggregate(model: Model, entity_id: str, group: str, rows: dict[str, dict]) -> EntityScore:
    """Pillars and index of one entity, with coverage and uncertainty."""
    pillar_rows, pillar_scores = [], {}
    for pid, pweight in model.pillars.items():
        crits = model.in_pillar(pid)
        total = sum(c.weight for c in crits)
        used = [(c, rows[c.id]["score"]) for c in crits if rows[c.id]["score"] is not None]
        used_weight = sum(c.weight for c, _ in used)
        observed_weight = sum(c.weight for c in crits if rows[c.id]["obs"].known)
        score = sum(c.weight * s for c, s in used) / used_weight if used_weight else None
        pillar_scores[pid] = score
        pillar_rows.append(
            {
                "pillar": pid,
                "score": None if score is None else round(score, 6),
                "weight": pweight,
                # Share of the pillar's weight actually observed (policy-filled rows are not).
                "coverage": round(observed_weight / total, 6) if total else 0.0,
            }
        )
    scored_pillars = {p: s for p, s in pillar_scores.items() if s is not None}
    pweight_used = sum(model.pillars[p] for p in scored_pillars)
    index = (
        sum(model.pillars[p] * s for p, s in scored_pillars.items()) / pweight_used
        if pweight_used
        else None
    )
    coverage = sum(model.pillars[pr["pillar"]] * pr["coverage"] for pr in pillar_rows)
    return EntityScore(
        entity_id=entity_id,
        group=group,
        index=None if index is None else round(index, 6),
        coverage=round(coverage, 6),
        uncertainty=round(_uncertainty(model, rows, pweight_used), 6),
        overrides_used=sum(r["obs"].override_id is not None for r in rows.values()),
        criteria=[_criterion_row(model, cid, r) for cid, r in rows.items()],
        pillars=pillar_rows,
    )


def _uncertainty(model: Model, rows: dict[str, dict], pweight_used: float) -> float:
    """How far the index may be off: sampling margins of scored shares, half-range of unknowns."""
    total = 0.0
    for pid, pweight in model.pillars.items():
        crits = model.in_pillar(pid)
        all_weight = sum(c.weight for c in crits)
        used_weight = sum(c.weight for c in crits if rows[c.id]["score"] is not None)
        for c in crits:
            row = rows[c.id]
            if row["score"] is None:
                total += pweight * c.weight / all_weight * UNKNOWN_HALF_RANGE
            elif row["obs"].margin and pweight_used and used_weight:
                share = pweight / pweight_used * c.weight / used_weight
                total += share * row["obs"].margin / float(c.params.get("max", 1))
    return total


def _criterion_row(model: Model, cid: str, row: dict) -> dict:
    obs = row["obs"]
    return {
        "criterion": cid,
        "pillar": model.criteria[cid].pillar,
        "raw_value": obs.value,
        "score": None if row["score"] is None else round(row["score"], 6),
        "weight": model.criteria[cid].weight,
        "status": obs.status,
        "policy": row["policy"],
        "override_id": obs.override_id,
        "reported": int(obs.source == "reported"),
        "margin": obs.margin,
        "source": obs.source,
    }


def score_all(
    model: Model,
    entities: dict[str, str],
    observations: dict[str, dict[str, Observation]],
    previous: dict[tuple[str, str], tuple[str, float]] | None = None,
) -> list[EntityScore]:
    rows = criterion_scores(model, entities, observations, previous)
    return [aggregate(model, eid, entities[eid], rows[eid]) for eid in sorted(entities)]
