"""Scoring methods: observed values of one criterion across a group -> scores in 0..1.

Each method sees the whole group at once because some (ratio to the best, min-max) are relative,
as the MIC and UN OSI methods are; the others simply map each entity on its own. Only known
observations reach a method: what could not be observed is handled by the unknown policy.
"""

from __future__ import annotations

from collections.abc import Callable

from crawler.core.errors import InputError


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def _numeric(obs, criterion: str) -> float:
    if obs.numeric is None:
        raise InputError(f"{criterion}: value {obs.value!r} is not a number this method can use")
    return float(obs.numeric)


def graded(observed: dict, params: dict, criterion: str) -> dict[str, float]:
    levels = params["levels"]
    out = {}
    for eid, obs in observed.items():
        if obs.value not in levels:
            raise InputError(
                f"{criterion}: value {obs.value!r} has no score; levels are {', '.join(levels)}"
            )
        out[eid] = float(levels[obs.value])
    return out


def binary(observed: dict, params: dict, criterion: str) -> dict[str, float]:
    passing = set(params["pass"])
    return {eid: float(obs.value in passing) for eid, obs in observed.items()}


def ratio(observed: dict, params: dict, criterion: str) -> dict[str, float]:
    top, invert = float(params["max"]), bool(params.get("invert", False))
    out = {}
    for eid, obs in observed.items():
        share = _clip(_numeric(obs, criterion) / top)
        out[eid] = 1 - share if invert else share
    return out


def ratio_to_best(observed: dict, params: dict, criterion: str) -> dict[str, float]:
    values = {eid: _numeric(obs, criterion) for eid, obs in observed.items()}
    best = max(values.values(), default=0)
    return {eid: (_clip(v / best) if best > 0 else 0.0) for eid, v in values.items()}


def minmax(observed: dict, params: dict, criterion: str) -> dict[str, float]:
    values = {eid: _numeric(obs, criterion) for eid, obs in observed.items()}
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    lower_is_better = bool(params.get("lower_is_better", False))
    out = {}
    for eid, v in values.items():
        # Everyone equal: nobody is behind anybody, so all score 1.
        score = 1.0 if high == low else (v - low) / (high - low)
        out[eid] = 1 - score if lower_is_better and high != low else score
    return out


def thresholds(observed: dict, params: dict, criterion: str) -> dict[str, float]:
    steps, otherwise = params["steps"], float(params.get("otherwise", 0))
    out = {}
    for eid, obs in observed.items():
        v = _numeric(obs, criterion)
        out[eid] = next((float(score) for bound, score in steps if v <= bound), otherwise)
    return out


METHODS: dict[str, Callable[[dict, dict, str], dict[str, float]]] = {
    "graded": graded,
    "binary": binary,
    "ratio": ratio,
    "ratio_to_best": ratio_to_best,
    "minmax": minmax,
    "thresholds": thresholds,
}
