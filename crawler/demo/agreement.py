"""How far the crawl's findings agree with the demo's ground truth (truth.json).

Entities the truth marks unreachable are left out: the crawl rightly records `unknown` for
them, which the truth's description of the site it never reached cannot match.
"""

from __future__ import annotations

SITE_CRITERIA_SKIP = {"func.freshness"}


def compare(truth: dict, findings: list[dict], *, freshness_tolerance: int = 0) -> dict:
    """Agreement over (entity, criterion) pairs of every info.* and func.* criterion."""
    got = {(f["entity_id"], f["criterion"]): f for f in findings}
    pairs, agree, disagreements = 0, 0, []
    by_template: dict[str, list[int]] = {}
    for eid, ent in sorted(truth["entities"].items()):
        if not ent.get("reachable", True):
            continue
        tally = by_template.setdefault(ent.get("template", "?"), [0, 0])
        for crit, expected in sorted(ent["criteria"].items()):
            found = got.get((eid, crit))
            pairs += 1
            tally[1] += 1
            if crit == "func.freshness":
                value = found and found.get("numeric")
                ok = value is not None and abs(value - expected["value"]) <= freshness_tolerance
            else:
                value = found and found["value"]
                ok = value == expected["value"]
            if ok:
                agree += 1
                tally[0] += 1
            else:
                disagreements.append(
                    {
                        "entity_id": eid,
                        "criterion": crit,
                        "expected": expected["value"],
                        "found": value,
                        "status": found and found.get("status"),
                        "evidence_url": found and found.get("evidence_url"),
                        "truth_url": expected.get("url"),
                        "case": expected.get("case"),
                    }
                )
    return {
        "pairs": pairs,
        "agree": agree,
        "share": agree / pairs if pairs else 0.0,
        "by_template": {
            t: {"agree": a, "pairs": n, "share": a / n} for t, (a, n) in by_template.items()
        },
        "disagreements": disagreements,
    }


def compare_checks(truth: dict, checks: list[dict]) -> dict:
    """Observed levels against the truth's actual behaviour, and the planted mismatches found.

    A planted mismatch is a service whose declared level differs from its actual one; it is
    reported when the check observed something other than the declared level.
    """
    actual = {s["url"]: s for e in truth["entities"].values() for s in e["services"]}
    pairs, agree, disagreements, planted, reported = 0, 0, [], 0, 0
    for c in checks:
        truth_row = actual.get(c["url"])
        if truth_row is None or c.get("state") != "done":
            continue
        pairs += 1
        if c["observed"] == truth_row["actual"]:
            agree += 1
        else:
            disagreements.append({"url": c["url"], "expected": truth_row["actual"], **c})
        if truth_row["declared"] != truth_row["actual"]:
            planted += 1
            reported += c["observed"] != c["declared"]
    return {
        "pairs": pairs,
        "agree": agree,
        "share": agree / pairs if pairs else 0.0,
        "planted_mismatches": planted,
        "mismatches_reported": reported,
        "disagreements": disagreements,
    }


def spearman(a: list[float], b: list[float]) -> float | None:
    """Rank correlation (average ranks for ties); None when fewer than 3 pairs."""
    if len(a) < 3:
        return None

    def ranks(xs):
        order = sorted(range(len(xs)), key=lambda i: xs[i])
        out = [0.0] * len(xs)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
                j += 1
            for k in range(i, j + 1):
                out[order[k]] = (i + j) / 2
            i = j + 1
        return out

    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    var = (sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb)) ** 0.5
    return round(cov / var, 3) if var else None


def compare_ranking(truth: dict, rankings: list[dict]) -> dict:
    """Per group, how well the index orders the reachable entities by their latent quality."""
    groups: dict[str, tuple[list, list]] = {}
    for r in rankings:
        e = truth["entities"].get(r["entity_id"])
        if e and e.get("reachable", True) and r["index_value"] is not None:
            idx, quality = groups.setdefault(r["entity_group"], ([], []))
            idx.append(r["index_value"])
            quality.append(e["quality"])
    return {g: spearman(idx, q) for g, (idx, q) in sorted(groups.items())}


def compare_movements(truth: dict, rankings: list[dict], *, clear: int = 2) -> dict:
    """Do observed rank movements go the way the demo's quality changes moved the true ranks?

    A move of `clear` places or more in the truth is one the ranking must get the direction of;
    smaller true moves are within what sampled checks and noisy features can blur."""
    pairs = same = clear_pairs = clear_right = 0
    for r in rankings:
        e = truth["entities"].get(r["entity_id"])
        if not e or not e.get("reachable", True) or r.get("movement") is None:
            continue
        expected, observed = e["previous"]["movement"], r["movement"]
        sign = (expected > 0) - (expected < 0), (observed > 0) - (observed < 0)
        pairs += 1
        same += sign[0] == sign[1]
        if abs(expected) >= clear:
            clear_pairs += 1
            clear_right += sign[0] == sign[1]
    return {
        "pairs": pairs,
        "same_direction": same,
        "clear_moves": clear_pairs,
        "clear_moves_right": clear_right,
    }


def compare_declared(truth: dict, declared: list[dict]) -> dict:
    """The national per-agency rows read (declared_services) against the truth's, every entity:
    level, status and citizen URL per (service, agency); and how many the browser fallback read."""
    got = {(d["entity_id"], d["service_code"], d["agency_code"]): d for d in declared}
    rows = agree = 0
    for eid, e in truth["entities"].items():
        for r in e.get("national", {}).get("rows", []):
            rows += 1
            d = got.get((eid, r["code"], r["agency_code"]))
            agree += bool(d) and (d["declared"], d["status"], d["citizen_url"]) == (
                r["declared"],
                r["status"],
                r["citizen_url"],
            )
    return {
        "rows": rows,
        "agree": agree,
        "extra": len(got) - agree,
        "fallback": sum("fallback" in (d.get("adapter") or "") for d in declared),
    }
