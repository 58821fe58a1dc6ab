"""What every criterion declaration and every detector shares.

A detector is a pure function `judge(criterion, seen) -> Verdict`: it is written for one
criterion (or, for the information sections, for any criterion of its family, told apart by the
declaration's cues and rule) and never names its id; the registry binds ids to detectors. A
verdict whose value is outside its criterion's vocabulary is a bug in the detector:
`Criterion.check` raises it, and the detectors' own tests judge with `strict=True` so it fails
there, not at score time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crawler.core import status as st

UNKNOWN = "unknown"
# Value vocabularies. A `None` vocabulary is a measurement: its value is display text
# ("12 days", "3/10") and its `numeric` carries what the model scores.
SECTION = ("present", "linked_broken", "absent", UNKNOWN)
GRADE = ("pass", "partial", "fail", UNKNOWN)
MEASURE = None

# Where a criterion is observed: each stage judges only its own.
STAGES = ("crawl", "check", "derived", "reported")

Verdict = dict[str, Any]


class VocabularyError(ValueError):
    """A detector emitted a value its criterion does not know."""


@dataclass(frozen=True)
class Criterion:
    """One criterion's whole identity; weights and methods stay in the model file."""

    id: str
    family: str  # the module of crawler/criteria/ that judges it
    stage: str  # one of STAGES
    description: str
    basis: str  # the legal text that requires it (abbreviations: config/labels.yaml)
    values: tuple[str, ...] | None
    judge: Callable[[Criterion, Any], Verdict] | None = None
    cues: str | None = None  # the config/keywords.yaml entry its detector reads
    rule: str | None = None  # a family's extra rule for this criterion (see the family module)
    crawl_priority: int = 0  # links leading to it are fetched first (higher first)
    params: dict = field(default_factory=dict)

    @property
    def pillar(self) -> str:
        return self.id.split(".", 1)[0]

    def check(self, verdict: Verdict) -> Verdict:
        """The verdict as a finding of this criterion, or VocabularyError."""
        value = verdict.get("value")
        if self.values is None:
            if value != UNKNOWN and not isinstance(verdict.get("numeric"), int | float):
                raise VocabularyError(f"{self.id}: measurement {value!r} carries no numeric")
        elif value not in self.values:
            raise VocabularyError(f"{self.id}: value {value!r} is not one of {self.values}")
        reason = verdict.get("status", "ok")
        if reason not in STATUSES:
            raise VocabularyError(f"{self.id}: status {reason!r} is not in crawler/core/status.py")
        return {**EMPTY, **verdict, "criterion": self.id}


# A verdict's status: a finding's (crawler/core/status.py), or why a derived one had no value.
STATUSES = frozenset(st.values(st.FindingStatus) + st.values(st.ScoreStatus))

EMPTY: Verdict = {
    "value": UNKNOWN,
    "numeric": None,
    "status": "ok",
    "evidence_url": None,
    "http_status": None,
    "link_text": None,
    "excerpt": None,
    "selector": None,
    "detail": {},
    "source": "crawl",
}


def verdict(value: str, **kw) -> Verdict:
    return {"value": value, **kw}


def unknown(status: str, **kw) -> Verdict:
    return {"value": UNKNOWN, "status": status, **kw}


def grade(share: float | None, full: float, part: float) -> str:
    """pass at or above `full`, partial at or above `part`, else fail."""
    if share is None:
        return UNKNOWN
    return "pass" if share >= full else "partial" if share >= part else "fail"


def failed(exc: BaseException, family: str) -> Verdict:
    """What a detector that raised leaves: its criterion unknown, with the reason."""
    return unknown(
        "error", excerpt=f"{type(exc).__name__}: {exc}"[:300], detail={"detector": family}
    )
