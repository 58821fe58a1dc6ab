"""The entity registry: who is assessed in which quarter, and where their portals are.

An entry is one entity over one period. The same id may appear in several entries whose
periods do not overlap (a portal that moved, a unit renamed); the set for a quarter is every
entry valid on the quarter's last day, so 2018Q4 sees 63 provinces and 2026Q4 sees 34.
Errors name the file, line and field, because evaluators edit these files by hand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crawler.core.errors import InputError
from crawler.core.paths import config_path
from crawler.core.quarters import Quarter

GROUPS = ("ministry", "gov_agency", "province", "commune")
# A commune is ranked among the communes of its province: its rank group (the `entity_group`
# stored with a quarter) is "commune:<province id>", so scoring needs no other notion of parent.
COMMUNE_PREFIX = "commune:"


def province_of(rank_group: str) -> str | None:
    """The province id of a commune rank group ("commune:ha-noi" -> "ha-noi"), else None."""
    return rank_group[len(COMMUNE_PREFIX) :] if rank_group.startswith(COMMUNE_PREFIX) else None


def base_group(rank_group: str) -> str:
    """ "commune:ha-noi" -> "commune"; the other groups are their own base."""
    return "commune" if province_of(rank_group) is not None else rank_group


Confidence = Literal["verified", "unverified"]


class Entity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name_vi: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    group: Literal["ministry", "gov_agency", "province", "commune"]
    # A commune's province (its id in the registry); only communes have one.
    parent: str | None = None
    portal_url: str | None = None
    portal_confidence: Confidence = "unverified"
    dvc_url: str | None = None
    dvc_confidence: Confidence = "unverified"
    # The entity's code(s) on the national public service portal (G01, H26 ...): its agencies are
    # the rows whose agency code is one of these or starts with one and a dot (H26.105). Read from
    # the old platform's agency list of Dec 2025; unverified until checked on the new platform.
    agency_codes: tuple[str, ...] = ()
    agency_codes_confidence: Confidence = "unverified"
    valid_from: date
    valid_to: date | None = None
    predecessors: tuple[str, ...] = ()
    successor: str | None = None
    uncertain: str | None = None
    note: str | None = None
    # Network safety: private and loopback destinations are refused unless the entity allows them
    # (the demo's portals live on loopback).
    allow_private: bool = False

    @field_validator("portal_url", "dvc_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v

    @model_validator(mode="after")
    def _period(self) -> Entity:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        return self

    @property
    def rank_group(self) -> str:
        """The group it is ranked in: its own group, or its province's communes."""
        return f"{COMMUNE_PREFIX}{self.parent}" if self.group == "commune" else self.group

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def overlaps(self, other: Entity) -> bool:
        far = date.max
        return self.valid_from <= (other.valid_to or far) and other.valid_from <= (
            self.valid_to or far
        )


@dataclass(frozen=True)
class Registry:
    entities: tuple[Entity, ...]
    source: str
    content_hash: str

    def for_quarter(self, quarter: Quarter, group: str | None = None) -> list[Entity]:
        day = quarter.end
        return [e for e in self.entities if e.valid_on(day) and (group is None or e.group == group)]

    def select(self, quarter: Quarter, only: Iterable[str] | None = None) -> list[Entity]:
        """The quarter's entities, narrowed to `only` ids; an unknown id is an input error."""
        chosen = self.for_quarter(quarter)
        if not only:
            return chosen
        wanted = [i.strip() for i in only if i.strip()]
        known = {e.id for e in chosen}
        missing = [i for i in wanted if i not in known]
        if missing:
            raise InputError(
                f"--only names {', '.join(missing)}, not in the registry for {quarter} "
                f"({self.source}): see `egovrank entities list --quarter {quarter}`"
            )
        return [e for e in chosen if e.id in wanted]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping key, for error messages."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        lines = {"__self__": node.start_mark.line + 1}
        for key_node, _ in node.value:
            lines[str(key_node.value)] = key_node.start_mark.line + 1
        mapping["__lines__"] = lines
        return mapping


def _strip_lines(obj):
    if isinstance(obj, dict):
        return {k: _strip_lines(v) for k, v in obj.items() if k != "__lines__"}
    if isinstance(obj, list):
        return [_strip_lines(v) for v in obj]
    return obj


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        if not files:
            raise InputError(
                f"{path}: no .yaml files in this folder; point --entities at a registry"
            )
        return files
    if not path.exists():
        raise InputError(f"{path}: no such registry file or folder; check --entities")
    return [path]


def _load_file(path: Path) -> list[tuple[Entity, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start}); save the file as UTF-8") from None
    try:
        doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise InputError(
            f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); fix the syntax"
        ) from None
    except ValueError as exc:  # yaml's timestamp constructor: a date like 2025-13-01
        raise InputError(f"{path}: invalid value ({exc}); dates are YYYY-MM-DD") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("entities"), list):
        raise InputError(f"{path}:1: expected a mapping with a list under `entities:`")
    out = []
    for raw in doc["entities"]:
        if not isinstance(raw, dict):
            raise InputError(f"{path}: each item under `entities:` must be a mapping")
        lines = raw.get("__lines__", {})
        try:
            out.append((Entity(**_strip_lines(raw)), lines.get("__self__", 0)))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = str(err["loc"][0]) if err["loc"] else "entry"
            line = lines.get(field, lines.get("__self__", 0))
            ident = raw.get("id", "?")
            msg = "field required" if err["type"] == "missing" else err["msg"]
            raise InputError(
                f"{path}:{line}: entity {ident!r}, field `{field}`: {msg}; fix the entry"
            ) from None
    return out


def load_registry(path: str | Path | None = None) -> Registry:
    """Load and validate every entity file under `path` (default: config/entities)."""
    root = config_path("entities", path)
    files = _files(root)
    digest = hashlib.sha256()
    entries: list[tuple[Entity, Path, int]] = []
    for f in files:
        digest.update(f.read_bytes())
        entries += [(e, f, line) for e, line in _load_file(f)]

    seen: dict[str, list[tuple[Entity, Path, int]]] = {}
    for entity, f, line in entries:
        for other, of, oline in seen.get(entity.id, []):
            if entity.overlaps(other):
                raise InputError(
                    f"{f}:{line}: entity {entity.id!r} overlaps its entry at {of}:{oline} "
                    "(same id, overlapping validity); end one period before the next starts"
                )
        seen.setdefault(entity.id, []).append((entity, f, line))

    for entity, f, line in entries:
        if (entity.group == "commune") != bool(entity.parent):
            why = (
                "a commune needs its province's id"
                if entity.parent is None
                else "only a commune has one"
            )
            raise InputError(
                f"{f}:{line}: entity {entity.id!r}, field `parent`: {why}; fix the entry"
            )
        if entity.parent and not any(
            o.group == "province" for o, _, _ in seen.get(entity.parent, [])
        ):
            raise InputError(
                f"{f}:{line}: entity {entity.id!r}, field `parent`: {entity.parent!r} is not a "
                "province in the registry; give the id of its province"
            )
        for ref in (*entity.predecessors, *([entity.successor] if entity.successor else [])):
            if ref not in seen:
                raise InputError(
                    f"{f}:{line}: entity {entity.id!r} refers to unknown entity {ref!r} "
                    "in predecessors/successor; add it or fix the id"
                )
    return Registry(tuple(e for e, _, _ in entries), str(root), digest.hexdigest()[:16])
