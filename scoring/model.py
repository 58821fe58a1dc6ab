"""The scoring model (config/criteria.yaml), loaded and checked before any score is written.

Validation is strict on purpose: a model that does not add up would publish a ranking nobody can
defend. Every error names the file and the criterion or pillar, and says what to fix.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from crawler.core.errors import InputError
from crawler.core.paths import config_path
from crawler.criteria import registry

POLICIES = ("exclude", "zero", "carry")
# The parameters each method cannot do without.
METHOD_PARAMS: dict[str, tuple[str, ...]] = {
    "graded": ("levels",),
    "binary": ("pass",),
    "ratio": ("max",),
    "ratio_to_best": (),
    "minmax": (),
    "thresholds": ("steps",),
}
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Criterion:
    id: str
    pillar: str
    weight: float
    method: str
    on_unknown: str
    basis: str = ""
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Model:
    version: str
    hash: str
    pillars: dict[str, float]
    criteria: dict[str, Criterion]
    rank_decimals: int = 3
    min_coverage: float = 0.0
    path: str = ""

    def in_pillar(self, pillar: str) -> list[Criterion]:
        return [c for c in self.criteria.values() if c.pillar == pillar]


def load_model(path: str | Path | None = None) -> Model:
    path = config_path("criteria", path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no model file here; pass --model PATH") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the model as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise InputError(f"{path}{where}: {problem}; fix the YAML syntax") from None
    return parse_model(raw, str(path))


def parse_model(raw, where: str = "model") -> Model:
    def fail(message: str):
        raise InputError(f"{where}: {message}")

    if not isinstance(raw, dict):
        fail("expected a mapping with version, pillars and criteria")
    for key in ("version", "pillars", "criteria"):
        if key not in raw:
            fail(f"missing `{key}`; see config/criteria.yaml for the layout")
    pillars = {}
    if not isinstance(raw["pillars"], dict):
        fail("`pillars` must map a pillar id to {weight: ...}")
    for pid, spec in raw["pillars"].items():
        if pid not in registry.PILLARS:
            fail(f"unknown pillar {pid!r}; pillars are {', '.join(registry.PILLARS)}")
        pillars[pid] = _weight(spec, f"pillar {pid}", fail)
    _sums_to_one(pillars.values(), "pillar weights", fail)

    default_policy = raw.get("unknown_policy", "exclude")
    if default_policy not in POLICIES:
        fail(f"unknown_policy {default_policy!r} is not one of {', '.join(POLICIES)}")
    criteria = {}
    if not isinstance(raw["criteria"], dict):
        fail("`criteria` must map a criterion id to its settings")
    for cid, spec in raw["criteria"].items():
        criteria[cid] = _criterion(cid, spec, default_policy, pillars, fail)
    for pid in pillars:
        weights = [c.weight for c in criteria.values() if c.pillar == pid]
        if not weights:
            fail(f"pillar {pid} has a weight but no criteria; add criteria or drop the pillar")
        _sums_to_one(weights, f"criterion weights of pillar {pid}", fail)
    decimals = raw.get("rank_decimals", 3)
    if not isinstance(decimals, int) or not 0 <= decimals <= 6:
        fail(f"rank_decimals {decimals!r} must be a whole number from 0 to 6")
    min_coverage = raw.get("min_coverage", 0.0)
    if isinstance(min_coverage, bool) or not isinstance(min_coverage, int | float):
        fail(f"min_coverage {min_coverage!r} must be a number from 0 to 1")
    if not 0 <= min_coverage <= 1:
        fail(f"min_coverage {min_coverage!r} must be a number from 0 to 1")
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return Model(
        version=str(raw["version"]),
        hash=hashlib.sha256(canonical.encode()).hexdigest()[:12],
        pillars=pillars,
        criteria=criteria,
        rank_decimals=decimals,
        min_coverage=float(min_coverage),
        path=where,
    )


def _criterion(cid, spec, default_policy, pillars, fail) -> Criterion:
    if cid not in registry.criteria():
        fail(f"criterion {cid!r} is not declared (crawler/criteria/registry.py); check the id")
    declared = registry.get(cid)
    pillar = declared.pillar
    if pillar not in pillars:
        fail(f"criterion {cid} belongs to pillar {pillar}, which the model does not weight")
    if not isinstance(spec, dict):
        fail(f"criterion {cid}: expected a mapping with weight and method")
    weight = _weight(spec, f"criterion {cid}", fail)
    method = spec.get("method")
    if method not in METHOD_PARAMS:
        fail(f"criterion {cid}: method {method!r} is not one of {', '.join(METHOD_PARAMS)}")
    for param in METHOD_PARAMS[method]:
        if param not in spec:
            fail(f"criterion {cid}: method {method} needs `{param}`")
    policy = spec.get("on_unknown", default_policy)
    if policy not in POLICIES:
        fail(f"criterion {cid}: on_unknown {policy!r} is not one of {', '.join(POLICIES)}")
    params = {
        k: v for k, v in spec.items() if k not in ("weight", "method", "on_unknown", "detect")
    }
    _check_params(cid, method, params, fail)
    return Criterion(cid, pillar, weight, method, policy, declared.basis, params)


def _check_params(cid, method, params, fail) -> None:
    if method == "graded":
        levels = params["levels"]
        if not isinstance(levels, dict) or not all(
            isinstance(v, int | float) and 0 <= v <= 1 for v in levels.values()
        ):
            fail(f"criterion {cid}: levels must map each value to a score from 0 to 1")
    if method == "ratio" and not (isinstance(params["max"], int | float) and params["max"] > 0):
        fail(f"criterion {cid}: ratio `max` must be a number above 0")
    if method == "thresholds":
        steps = params["steps"]
        ok = isinstance(steps, list) and all(
            isinstance(s, list) and len(s) == 2 and all(isinstance(x, int | float) for x in s)
            for s in steps
        )
        if not ok or [s[0] for s in steps] != sorted(s[0] for s in steps):
            fail(f"criterion {cid}: steps must be [[bound, score], ...] with rising bounds")
    if method == "minmax" and params.get("across", "group") not in ("group", "all"):
        fail(f"criterion {cid}: minmax `across` must be group or all")
    if "range" in params:
        rng = params["range"]
        if not (isinstance(rng, list) and len(rng) == 2 and rng[0] < rng[1]):
            fail(f"criterion {cid}: range must be [low, high]")


def _weight(spec, what, fail) -> float:
    weight = spec.get("weight") if isinstance(spec, dict) else None
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
        fail(f"{what}: weight must be a number >= 0, got {weight!r}")
    return float(weight)


def _sums_to_one(weights, what, fail) -> None:
    total = sum(weights)
    if abs(total - 1) > TOLERANCE:
        fail(f"{what} sum to {total:.4g}, not 1; adjust them")
