"""Reader-facing names of pillars, criteria, groups and values (config/labels.yaml), vi or en.

One data file holds them so that templates never spell a criterion's name; a missing name falls
back to the id, so a criterion added to the model still shows (as its id) until it is named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

from crawler.core.errors import InputError
from crawler.core.paths import config_path
from crawler.core.registry import base_group, province_of

LANGS = ("vi", "en")
_CITATION = re.compile(r"\b(D42|D43|MIC|good practice)\b")


@dataclass(frozen=True)
class Labels:
    lang: str
    data: dict
    # Names of the provinces communes are ranked under (id -> name), for "commune:<id>" groups.
    places: dict = field(default_factory=dict)

    def with_places(self, places: dict) -> Labels:
        return replace(self, places=dict(places))

    def _get(self, kind: str, key) -> str:
        entry = self.data.get(kind, {}).get(key)
        if not entry:
            return str(key) if key is not None else ""
        return entry.get(self.lang) or entry.get("vi") or str(key)

    def pillar(self, key: str) -> str:
        return self._get("pillars", key)

    def criterion(self, key: str) -> str:
        return self._get("criteria", key)

    def group(self, key: str) -> str:
        """A rank group's name; a commune group reads "Communes: <its province>"."""
        province = province_of(key or "")
        if province is not None:
            return f"{self._get('groups', 'commune')}: {self.places.get(province, province)}"
        return self._get("groups", key)

    def group_short(self, key: str) -> str:
        entry = self.data.get("groups", {}).get(base_group(key or "")) or {}
        return entry.get(f"short_{self.lang}") or self.group(key)

    def value(self, key) -> str:
        return self._get("values", key) if isinstance(key, str) else key

    def basis(self, basis: str) -> str:
        """A model `basis` ("D42 4(1)(e); D43 10") with its abbreviations spelt out."""
        return _CITATION.sub(lambda m: self._get("sources", m.group(1)), basis or "")


def load_labels(lang: str = "vi", path: str | Path | None = None) -> Labels:
    if lang not in LANGS:
        raise InputError(f"language {lang!r} is not one of {', '.join(LANGS)}")
    return Labels(lang, _read(str(path or config_path("labels"))))


@lru_cache(maxsize=4)
def _read(path: str) -> dict:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no labels file here; restore config/labels.yaml") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc}); fix the syntax") from None
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a mapping of pillars, groups, criteria and values")
    return raw
