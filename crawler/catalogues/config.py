"""config/catalogues.yaml, loaded once (the same way config/keywords.yaml is)."""

from __future__ import annotations

from functools import lru_cache

import yaml

from crawler.core.paths import config_path


@lru_cache(maxsize=1)
def catalogues() -> dict:
    return yaml.safe_load(config_path("catalogues").read_text(encoding="utf-8"))


def platform(name: str) -> dict:
    return catalogues()["platforms"][name]
