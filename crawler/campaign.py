"""Campaign states of a quarter, and the one rule every stage obeys: a closed quarter refuses.

open -> retest (the re-test and correction window) -> frozen (observation over) -> published.
Frozen still lets evaluators correct and re-score; published lets nothing change but errata.
"""

from __future__ import annotations

from crawler.core.errors import InputError
from crawler.core.status import CampaignState

STATES = tuple(CampaignState)
OBSERVING = {"crawl", "check"}  # stages that observe portals
CHANGING = OBSERVING | {"score", "import", "run", "override"}  # stages that change results


def state_of(db, quarter: str) -> str:
    if "campaigns" not in db.table_names():
        return CampaignState.OPEN
    row = db.execute("select state from campaigns where quarter = ?", [quarter]).fetchone()
    return row[0] if row else CampaignState.OPEN


def refuse_if_closed(db, quarter: str, stage: str) -> None:
    """Raise the one-line refusal if `stage` may not run on `quarter` in its current state."""
    state = state_of(db, quarter)
    if state == CampaignState.PUBLISHED and stage in CHANGING:
        raise InputError(
            f"{quarter} is published: `{stage}` would change a published ranking; "
            f"record a correction with `egovrank override set ... --erratum --quarter {quarter}`"
        )
    if state == CampaignState.FROZEN and stage in OBSERVING:
        raise InputError(
            f"{quarter} is frozen: observation has ended, `{stage}` may not run; "
            "corrections and `egovrank score` still may"
        )
