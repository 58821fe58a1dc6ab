"""config/catalogues.yaml, loaded once (the same way config/keywords.yaml is)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

CATALOGUES_FILE = Path(__file__).resolve().parents[2] / "config" / "catalogues.yaml"


@lru_cache(maxsize=1)
def catalogues() -> dict:
    return yaml.safe_load(CATALOGUES_FILE.read_text(encoding="utf-8"))


def platform(name: str) -> dict:
    return catalogues()["platforms"][name]
