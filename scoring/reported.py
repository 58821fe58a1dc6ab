"""Reported indicators: what agencies report about themselves, imported from an evaluator's CSV.

The file is checked whole before anything is written: one bad line names itself and nothing of
the file is stored, so a half-imported quarter never exists.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from crawler.core import store
from crawler.core.errors import InputError
from scoring.model import Model

COLUMNS = ("entity_id", "indicator", "value", "source_document")


def parse_reported(path: Path, model: Model, entity_ids: set[str]) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or [c.strip() for c in reader.fieldnames] != list(COLUMNS):
        raise InputError(
            f"{path}:1: columns must be {','.join(COLUMNS)} (found "
            f"{','.join(reader.fieldnames or []) or 'nothing'})"
        )
    rows, seen = [], set()
    for line, rec in enumerate(reader, start=2):
        rows.append(_row(path, line, rec, model, entity_ids, seen))
    if not rows:
        raise InputError(f"{path}: no rows under the header; nothing to import")
    return rows


def _row(path, line, rec, model, entity_ids, seen) -> dict:
    where = f"{path}:{line}"
    eid, indicator = (rec["entity_id"] or "").strip(), (rec["indicator"] or "").strip()
    if eid not in entity_ids:
        raise InputError(f"{where}: entity {eid!r} is not assessed this quarter; check the id")
    crit = model.criteria.get(indicator)
    if crit is None or crit.pillar != "reported":
        known = ", ".join(c.id for c in model.in_pillar("reported"))
        raise InputError(f"{where}: indicator {indicator!r} is not reported; use one of {known}")
    try:
        value = float(rec["value"])
    except (TypeError, ValueError):
        raise InputError(f"{where}: value {rec['value']!r} is not a number") from None
    low, high = crit.params.get("range", [0, crit.params.get("max", 1)])
    if not low <= value <= high:
        raise InputError(f"{where}: value {value:g} is outside {low}..{high} for {indicator}")
    if (eid, indicator) in seen:
        raise InputError(f"{where}: {eid} {indicator} appears twice; keep one line")
    seen.add((eid, indicator))
    return {
        "entity_id": eid,
        "indicator": indicator,
        "value": value,
        "source_document": (rec["source_document"] or "").strip(),
        "source_file": str(path),
        "source_line": line,
    }


def import_reported(db, model: Model, quarter: str, path: Path) -> int:
    entity_ids = {
        r[0]
        for r in db.execute("select entity_id from quarter_entities where quarter = ?", [quarter])
    }
    rows = parse_reported(Path(path), model, entity_ids)
    stamp = store.now()
    with store.transaction(db):
        db["reported"].upsert_all(
            [{"quarter": quarter, **r, "imported_at": stamp} for r in rows],
            pk=("quarter", "entity_id", "indicator"),
        )
    return len(rows)
