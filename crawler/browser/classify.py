"""What a service walk saw, judged: pure functions over page snapshots.

A snapshot is what the walk read from a rendered page (status, URL, visible text, counts of
inputs, links). Levels follow Decree 42: full = whole procedure online with online fee payment
and online or postal result delivery; partial = online entry that works but lacks one of them.
"""

from __future__ import annotations

from crawler.core.status import CheckStatus
from crawler.detect.text import fold

ENTRY_CUES = (
    "nop ho so truc tuyen",
    "nop ho so",
    "nop truc tuyen",
    "dang ky truc tuyen",
    "thuc hien truc tuyen",
    "nop dich vu cong",
    "dang ky dich vu",
)
LOGIN_CUES = ("dang nhap", "login", "sign in")
PROVIDERS = (
    ("vneid", "VNeID"),
    ("dinh danh dien tu", "VNeID"),
    ("cong dich vu cong quoc gia", "national_dvc"),
    ("dichvucong gov vn", "national_dvc"),
)
MAINTENANCE = ("dang bao tri", "bao tri he thong", "tam ngung", "under maintenance")
LOADING = ("dang tai", "loading", "vui long cho")
PAYMENT = (
    "thanh toan truc tuyen",
    "nop phi truc tuyen",
    "thanh toan le phi truc tuyen",
    "cong thanh toan",
)
ONLINE_DELIVERY = (
    "nhan ket qua truc tuyen",
    "tra ket qua truc tuyen",
    "buu chinh cong ich",
    "qua buu dien",
)


def find_entry(links: list[dict]) -> dict | None:
    """The online entry among a procedure page's links ("Nộp hồ sơ", "Nộp trực tuyến"...)."""
    best = None
    for link in links:
        text = fold(link.get("text", ""))
        if not link.get("href") or link["href"].startswith(("javascript:", "#", "mailto:")):
            continue
        for rank, cue in enumerate(ENTRY_CUES):
            if cue in text and len(text) <= 60 and (best is None or rank < best[0]):
                best = (rank, link)
    return best[1] if best else None


def reached(target: dict) -> tuple[str, str | None]:
    """(what the entry led to, identity provider if a login): login, form, maintenance,
    loading (never rendered), error, other."""
    text = fold(target.get("text", "")) + " " + fold(target.get("title", ""))
    if target.get("error") or (target.get("status") or 0) >= 400:
        return "error", None
    if any(c in text for c in MAINTENANCE):
        return "maintenance", None
    if target.get("password_inputs") and any(c in text for c in LOGIN_CUES):
        provider = next((name for cue, name in PROVIDERS if cue in text), "other")
        return "login", provider
    if target.get("inputs", 0) >= 1 and (
        target.get("submit_controls") or target.get("file_inputs")
    ):
        return "form", None
    if any(c in text for c in LOADING) and not target.get("inputs"):
        return "loading", None
    return "other", None


def observed_level(detail: dict, entry: dict | None, target: dict | None) -> dict:
    """The observed level of one service and the evidence for it."""
    if detail.get("error") or (detail.get("status") or 0) >= 400:
        timeout = "timeout" in str(detail.get("error", "")).lower()
        status = CheckStatus.TIMEOUT if timeout else CheckStatus.ERROR
        return {"observed": "unknown", "status": status, "reached": None}
    if entry is None:
        return {"observed": "info_only", "status": CheckStatus.OK, "reached": "none"}
    where, provider = reached(target or {})
    verdict = {"reached": where, "identity_provider": provider, "status": CheckStatus.OK}
    if where == "error":
        timeout = "timeout" in str((target or {}).get("error", "")).lower()
        status = CheckStatus.TIMEOUT if timeout else CheckStatus.ENTRY_ERROR
        return verdict | {"observed": "broken", "status": status}
    if where == "maintenance":
        return verdict | {"observed": "maintenance"}
    if where in ("loading", "other"):
        return verdict | {
            "observed": "broken",
            "status": CheckStatus.FORM_NOT_RENDERED if where == "loading" else CheckStatus.NO_FORM,
        }
    evidence = target if where == "form" else detail
    text = fold(evidence.get("text", ""))
    payment = bool(evidence.get("payment_links")) or any(c in text for c in PAYMENT)
    delivery = [c for c in ONLINE_DELIVERY if c in text]
    return verdict | {
        "observed": "full" if payment and delivery else "partial",
        "payment": payment,
        "delivery": delivery,
        "has_form": where == "form",
        "has_upload": bool(target.get("file_inputs")),
        "has_submit": bool(target.get("submit_controls")),
    }
