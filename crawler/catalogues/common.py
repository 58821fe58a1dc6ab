"""What every adapter shares: level and status normalisation, field picking, one row shape.

A level belongs to a service at an agency; it is normalised to full / partial / info_only /
none / unknown with the raw value kept beside it. Administrative tiers (`level`, `capDo`,
"Cấp thực hiện") are never read as levels, and row ids / UUIDs are never taken for codes.
"""

from __future__ import annotations

import re

from crawler.catalogues.config import catalogues
from crawler.detect.keywords import keywords
from crawler.detect.text import fold, nfc

STRUCTURED = {4: "full", 3: "partial", 2: "info_only", 1: "info_only"}
LEVELS = ("full", "partial", "info_only", "none", "unknown")
STATUSES = ("in_service", "testing", "unknown")
SERVICE_CODE = re.compile(r"^\d\.\d{6}(\.\d{2})?$|^\d\.\d{3}\.\d{3}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def normalise_level(raw) -> str:
    """`4`, "Mức độ 4", "DVCTT toàn trình", "FULL", "MUC_DO_4" -> full; else unknown."""
    if raw is None or raw == "" or isinstance(raw, bool):
        return "unknown"
    if isinstance(raw, int | float) and int(raw) in STRUCTURED:
        return STRUCTURED[int(raw)]
    exact = catalogues()["level_values"].get(str(raw).strip().upper())
    if exact:
        return exact
    text = fold(str(raw))
    if text.isdigit() and int(text) in STRUCTURED:
        return STRUCTURED[int(text)]
    for level, cues in keywords()["levels"]:
        if any(re.search(rf"\b{re.escape(c)}\b", text) for c in cues):
            return level
    return "unknown"


def normalise_status(raw) -> str:
    """isTesting true / "Đang thử nghiệm" -> testing; false / "Chính thức" -> in_service."""
    if raw is None or raw == "":
        return "unknown"
    text = fold(str(raw).lower() if isinstance(raw, bool) else str(raw))
    for status, cues in catalogues()["status_values"].items():
        if text in cues or any(re.search(rf"\b{re.escape(c)}\b", text) for c in cues if " " in c):
            return status
    return "unknown"


def pick(item: dict, keys: list[str]):
    """The first present, non-empty value among `keys` (a tier or flag is never among them)."""
    for key in keys:
        value = item.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def service_code(value) -> str | None:
    """A national service code (1.004222, 1.004222.01, 2.002080), never a row id or UUID."""
    if value is None:
        return None
    text = str(value).strip()
    return text if SERVICE_CODE.match(text) else None


def service(
    *,
    adapter: str,
    code=None,
    name=None,
    agency_code=None,
    agency_name=None,
    level_raw=None,
    status_raw=None,
    url=None,
    **extra,
) -> dict:
    """One normalised service row: the same keys whatever platform it came from."""
    from crawler.catalogues.families import family_of

    raw = "" if level_raw is None else str(level_raw)
    return {
        "code": service_code(code),
        "name": nfc(str(name or "")).strip(),
        "agency_code": str(agency_code).strip() if agency_code else None,
        "agency_name": nfc(str(agency_name)).strip() if agency_name else None,
        "declared": normalise_level(level_raw),
        "declared_raw": raw,
        "status": normalise_status(status_raw),
        "status_raw": "" if status_raw is None else str(status_raw),
        "url": url or None,
        "family": family_of(url) if url else None,
        "adapter": adapter,
        **extra,
    }


def result(platform: str, services: list[dict], **extra) -> dict:
    """An adapter's answer: its platform name, the rows, and whatever else it learnt."""
    return {"platform": platform, "services": services, **extra}
