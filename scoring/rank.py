"""Ranking a group: competition ranks (1, 2, 2, 4), rank intervals and movement significance.

Tie rule (written, as the published rankings need): two entities tie when their indexes are equal
at the model's `rank_decimals` (3, the precision the MIC published); tied entities share the best
rank of the tie and the next rank is skipped. Within a tie, rows are listed by Vietnamese name,
which changes no rank. Entities without an index (nothing could be scored) are not ranked.

Significance: with its uncertainty u, an entity's index could be anywhere in [i - u, i + u]. The
best rank it could hold counts the others that are surely ahead (their low end above our high
end); the worst counts those that could be ahead. A move whose previous rank lies inside that
interval is within measurement error, and is flagged not significant.
"""

from __future__ import annotations


def competition_ranks(indexes: dict[str, float | None], decimals: int = 3) -> dict[str, int | None]:
    rounded = {eid: round(v, decimals) for eid, v in indexes.items() if v is not None}
    ranks: dict[str, int | None] = {eid: None for eid in indexes}
    for eid, value in rounded.items():
        ranks[eid] = 1 + sum(other > value for other in rounded.values())
    return ranks


def rank_interval(
    entity_id: str, indexes: dict[str, float | None], uncertainty: dict[str, float]
) -> tuple[int, int] | None:
    mine = indexes.get(entity_id)
    if mine is None:
        return None
    u = uncertainty.get(entity_id, 0.0)
    others = [
        (v, uncertainty.get(eid, 0.0))
        for eid, v in indexes.items()
        if eid != entity_id and v is not None
    ]
    best = 1 + sum(v - uo > mine + u for v, uo in others)
    worst = 1 + sum(v + uo > mine - u for v, uo in others)
    return best, worst


def movement(rank: int | None, prev_rank: int | None) -> int | None:
    """Places gained since last quarter (positive = moved up), None when either is missing."""
    if rank is None or prev_rank is None:
        return None
    return prev_rank - rank


def significant(prev_rank: int | None, interval: tuple[int, int] | None) -> bool | None:
    if prev_rank is None or interval is None:
        return None
    best, worst = interval
    return not best <= prev_rank <= worst
