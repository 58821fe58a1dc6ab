"""Evidence file names that are safe whatever the URL: hash + short slug, inside one folder."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

_SLUG = re.compile(r"[^a-z0-9]+")


def evidence_path(root: str | Path, quarter: str, entity_id: str, url: str, step: str) -> Path:
    """output/evidence/<quarter>/<entity>/<hash>-<slug>-<step>.png, never outside root."""
    root = Path(root).resolve()
    safe = lambda s, n: _SLUG.sub("-", s.lower()).strip("-")[:n] or "x"  # noqa: E731
    digest = hashlib.sha1(url.encode("utf-8", "replace")).hexdigest()[:12]
    path = (
        root
        / safe(quarter, 10)
        / safe(entity_id, 60)
        / (f"{digest}-{safe(urlsplit(url).path, 40)}-{safe(step, 20)}.png")
    )
    if root not in path.resolve().parents:
        raise ValueError(f"evidence path escapes {root}: {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
