"""config/keywords.yaml, loaded once and folded so detectors compare like with like."""

from __future__ import annotations

from functools import lru_cache

import yaml

from crawler.core.paths import config_path
from crawler.detect.text import fold


@lru_cache(maxsize=1)
def keywords() -> dict:
    data = yaml.safe_load(config_path("keywords").read_text(encoding="utf-8"))
    sections = {
        crit: {
            "text": sorted({fold(t) for t in cues.get("text", [])}, key=len, reverse=True),
            "slugs": sorted({fold(s) for s in cues.get("slugs", [])}, key=len, reverse=True),
        }
        for crit, cues in data["sections"].items()
    }
    data["sections"] = sections
    data["levels"] = [(level, [fold(c) for c in cues]) for level, cues in data["levels"]]
    data["tt32_fields"] = {k: [fold(c) for c in v] for k, v in data["tt32_fields"].items()}
    content = data["content"]
    content["cues"] = {crit: [fold(c) for c in cues] for crit, cues in content["cues"].items()}
    for key in ("placeholder", "test_entry", "not_found"):
        content[key] = [fold(c) for c in content[key]]
    return data
