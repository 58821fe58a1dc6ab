"""The citizen URL the national portal gives a service ("Nộp trực tuyến"), for the check.

The national rows carry a deep link per service and agency (nps/apply?MaTTHC=...&vneid=1); the
check walks it after the procedure page and records where it leads. Reaching the VNeID or
national sign-in is reaching the identity gateway: the service is reachable behind a login,
which is not the same as usable, and the step says so.
"""

from __future__ import annotations

from crawler.browser.classify import reached


def citizen_link(db, quarter: str, entity_id: str, url: str) -> str | None:
    """The citizen URL of the national row for the procedure at `url` (its first agency)."""
    row = db.execute(
        """
        select d.citizen_url from services s
        join declared_services d on d.quarter = s.quarter and d.entity_id = s.entity_id
         and (d.service_code = s.code or d.service_code like s.code || '.%')
        where s.quarter = ? and s.entity_id = ? and s.url = ? and s.code is not null
          and d.citizen_url is not null
        order by d.agency_code limit 1
        """,
        [quarter, entity_id, url],
    ).fetchone()
    return row[0] if row else None


def access(reached_by_entry: str | None, steps: list[dict]) -> str:
    """What a citizen can do with the service, from the whole walk: `usable` when the entry led
    to a form, `behind_login` when the entry or the national citizen URL stopped at a sign-in
    (reachable, but nothing behind it was seen), else `not_usable`."""
    if reached_by_entry == "form":
        return "usable"
    citizen = [s for s in steps if s.get("step") == "citizen_url"]
    if reached_by_entry == "login" or any(s.get("reached") == "login" for s in citizen):
        return "behind_login"
    return "not_usable"


def gateway(verdict: dict, steps: list[dict]) -> str | None:
    """The identity gateway the service is entered through: the entry's sign-in, else the one
    the national citizen URL (VNeID / national sign-in) leads to."""
    if verdict.get("identity_provider"):
        return verdict["identity_provider"]
    return next(
        (
            s["identity_provider"]
            for s in steps
            if s.get("step") == "citizen_url"
            and s.get("reached") == "login"
            and s.get("identity_provider")
        ),
        None,
    )


def citizen_step(shot: dict) -> dict:
    """What walking the citizen URL showed: the gateway it reached, and that a login is not use."""
    where, provider = reached(shot)
    step = {
        "step": "citizen_url",
        "url": shot.get("url"),
        "status": shot.get("status"),
        "title": shot.get("title"),
        "error": shot.get("error"),
        "reached": where,
        "identity_provider": provider,
        "usable": where == "form",
    }
    if where == "login":
        step["note"] = (
            f"reachable behind the {provider} sign-in (identity gateway): "
            "reachable is not usable, the form behind it was not seen"
        )
    return step
