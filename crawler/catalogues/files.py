"""Reading a saved catalogue answer or page from disk, for `egovrank services parse`."""

from __future__ import annotations

from pathlib import Path

from crawler import catalogues
from crawler.core.errors import InputError

COLUMNS = ["code", "name", "agency_code", "declared", "declared_raw", "status", "url", "family"]


def parse_file(path: str | Path, platform: str | None = None, url: str | None = None) -> dict:
    """The adapter's answer for a saved file; an unreadable or unrecognised file is an InputError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"{path}: cannot read ({exc.strerror}); give a saved answer or page"
        ) from exc
    doc = catalogues.load(data)
    got = catalogues.parse(url or "https://dichvucong.gov.vn/", doc, platform)
    if got["platform"] is None:
        kind = "JSON" if not isinstance(doc, str) else "page"
        raise InputError(
            f"{path}: no catalogue platform recognises this {kind}; "
            f"name one with --platform ({', '.join(catalogues.ADAPTERS)})"
        )
    return got
