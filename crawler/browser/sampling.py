"""Which services get a browser check: all, or N per entity stratified by declared level.

The sample is a pure function of (quarter, entity, services), so re-running a quarter checks the
same services; the Wilson interval says how sure the verified share is.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict

ONLINE = ("full", "partial")


def sample_services(services: list[dict], n: int | None, seed: str) -> list[dict]:
    """Online-declared services to check: all when n is None, else n split over levels."""
    online = sorted((s for s in services if s["declared"] in ONLINE), key=lambda s: s["url"])
    if n is None or n >= len(online):
        return online
    strata: dict[str, list[dict]] = defaultdict(list)
    for s in online:
        strata[s["declared"]].append(s)
    quotas = {k: n * len(v) / len(online) for k, v in strata.items()}
    alloc = {k: int(q) for k, q in quotas.items()}
    for k in sorted(quotas, key=lambda k: quotas[k] - alloc[k], reverse=True)[
        : n - sum(alloc.values())
    ]:
        alloc[k] += 1
    rng = random.Random(seed)
    chosen = []
    for level in sorted(strata):
        chosen += rng.sample(strata[level], min(alloc[level], len(strata[level])))
    return sorted(chosen, key=lambda s: s["url"])


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion (sound at small n and at 0 or 1)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def interval(hits: int, n: int, population: int | None = None) -> tuple[float, float]:
    """95% interval of a sampled share: Wilson's, shrunk by the finite-population correction,
    so it closes to the share itself when every member of the population was checked."""
    if n == 0:
        return 0.0, 1.0
    low, high = wilson(hits, n)
    if population and population > 1 and n <= population:
        shrink = ((population - n) / (population - 1)) ** 0.5
        share = hits / n
        low, high = share - (share - low) * shrink, share + (high - share) * shrink
    return round(max(0.0, low), 6), round(min(1.0, high), 6)
