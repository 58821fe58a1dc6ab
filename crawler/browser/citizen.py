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
