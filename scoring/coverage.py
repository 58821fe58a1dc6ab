"""The coverage policy: an entity observed on too little of the model is not assessed (pure).

An unreachable portal (a government site that blocks foreign networks or our crawler is common)
would otherwise score on the few criteria that do not need it and be published as the worst of
its group. Below the model's `min_coverage` it is kept out of the ranks, listed apart with the
reason, and ranked again once an evaluator enters enough observations (overrides).
"""

from __future__ import annotations

from collections import Counter


def is_assessed(index: float | None, coverage: float, min_coverage: float) -> bool:
    return index is not None and coverage >= min_coverage - 1e-9


def reason(coverage: float, min_coverage: float, portal_statuses: list[str]) -> str:
    """Why an entity is not assessed, in words an evaluator can act on.

    `portal_statuses` holds the fetch status of every request to its portal this quarter."""
    share = f"{coverage:.0%} of the model's weight observed, below min_coverage {min_coverage:.0%}"
    if not portal_statuses:
        return f"portal not crawled this quarter; {share}"
    if "ok" not in portal_statuses:
        counts = Counter(portal_statuses).most_common()
        causes = ", ".join(status for status, _ in counts)
        n = len(portal_statuses)
        return (
            f"portal unreachable on every attempt: {causes}, {n} attempt{'s' * (n != 1)}; {share}"
        )
    return share
