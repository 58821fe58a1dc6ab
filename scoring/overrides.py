"""Evaluator overrides: corrections with a reason and an author, never deleted.

An override replaces an observation (not a score), so the model still does the arithmetic and
the audit trail shows both what was seen and what the evaluator decided. Revoking keeps the row
and records who revoked it and why.
"""

from __future__ import annotations

from crawler.campaign import refuse_if_closed
from crawler.core import store
from crawler.core.errors import InputError
from scoring.model import Model


def check_value(model: Model, criterion: str, value: str) -> str:
    """The value as the criterion's method will read it, or a one-line error saying what fits."""
    crit = model.criteria.get(criterion)
    if crit is None:
        raise InputError(
            f"criterion {criterion!r} is not in model {model.version} ({model.path}); "
            "see `egovrank score --help` and docs/scoring.md for the ids"
        )
    if crit.method == "graded":
        if value not in crit.params["levels"]:
            allowed = ", ".join(crit.params["levels"])
            raise InputError(f"{criterion}: value {value!r} is not one of {allowed}")
        return value
    if crit.method == "binary":
        return value
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"{criterion}: value {value!r} must be a number") from None
    low, high = crit.params.get("range", [0, None])
    if number < low or (high is not None and number > high):
        raise InputError(f"{criterion}: value {number:g} is outside {low}..{high}")
    return f"{number:g}"


def set_override(
    db,
    model: Model,
    quarter: str,
    entity_id: str,
    criterion: str,
    value: str,
    reason: str,
    author: str,
    *,
    erratum: bool = False,
) -> int:
    """Store a correction; on a published quarter only as an erratum (scoring/campaign.py)."""
    if not erratum:
        refuse_if_closed(db, quarter, "override")
    if not reason.strip() or not author.strip():
        raise InputError("an override needs --reason and --by; say why and who")
    known = db.execute(
        "select 1 from quarter_entities where quarter = ? and entity_id = ?", [quarter, entity_id]
    ).fetchone()
    if not known:
        raise InputError(
            f"entity {entity_id!r} is not assessed in {quarter}; "
            f"see `egovrank entities list --quarter {quarter}`"
        )
    value = check_value(model, criterion, value)
    with store.transaction(db):
        return (
            db["overrides"]
            .insert(
                {
                    "quarter": quarter,
                    "entity_id": entity_id,
                    "criterion": criterion,
                    "value": value,
                    "reason": reason.strip(),
                    "author": author.strip(),
                    "created_at": store.now(),
                    "erratum": int(erratum),
                }
            )
            .last_pk
        )


def revoke_override(db, override_id: int, reason: str, author: str) -> dict:
    row = db.execute(
        "select revoked_at, quarter from overrides where id = ?", [override_id]
    ).fetchone()
    if row is None:
        raise InputError(f"no override #{override_id}; see `egovrank override list`")
    refuse_if_closed(db, row[1], "override")
    if row[0]:
        raise InputError(f"override #{override_id} was already revoked at {row[0]}")
    if not reason.strip():
        raise InputError("a revocation needs --reason")
    with store.transaction(db):
        db["overrides"].update(
            override_id,
            {"revoked_at": store.now(), "revoked_by": author.strip(), "revoke_reason": reason},
        )
    return db["overrides"].get(override_id)


def list_overrides(
    db, quarter: str | None = None, entity_id: str | None = None, include_revoked: bool = True
) -> list[dict]:
    where, args = ["1 = 1"], []
    if quarter:
        where.append("quarter = ?")
        args.append(quarter)
    if entity_id:
        where.append("entity_id = ?")
        args.append(entity_id)
    if not include_revoked:
        where.append("revoked_at is null")
    return list(db.query(f"select * from overrides where {' and '.join(where)} order by id", args))
