"""Files the report team opens directly: rankings.xlsx, CSV with a BOM, JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from crawler.core.registry import province_of
from scoring.dictionary import rows as dictionary_rows
from scoring.export.i18n import COLUMNS, SHEETS
from scoring.export.tables import GROUPS

NUMBER_FORMATS = {
    "index": "0.000",
    "Chỉ số": "0.000",
    "Sai số": "0.000",
    "Độ bao phủ": "0%",
    "Điểm": "0.000",
    "Trọng số": "0.000",
    "uncertainty": "0.000",
    "coverage": "0%",
    "score": "0.000",
    "weight": "0.000",
}
_FORMULA_START = ("=", "+", "-", "@")


def write_csv(path: Path, rows: list[dict]) -> None:
    """UTF-8 with a BOM, so Excel shows Vietnamese diacritics."""
    columns = list(rows[0]) if rows else []
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_json(path: Path, rows: list[dict]) -> None:
    path.write_text(
        json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )


def write_xlsx(path: Path, sheets: dict[str, list[dict]]) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title[:31])
        columns = list(rows[0]) if rows else ["(no rows)"]
        ws.append(columns)
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E79")
        for row in rows:
            ws.append([_cell_value(row.get(c)) for c in columns])
        for i, col in enumerate(columns, start=1):
            letter = get_column_letter(i)
            fmt = next((f for key, f in NUMBER_FORMATS.items() if key in col), None)
            for cell in ws[letter][1:]:
                if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                    cell.data_type = "s"  # crawled text is never a formula
                if fmt and isinstance(cell.value, int | float):
                    cell.number_format = fmt
            width = max([len(str(col))] + [len(str(r.get(col) or "")) for r in rows[:200]])
            ws.column_dimensions[letter].width = min(60, max(8, width + 2))
        ws.freeze_panes = "A2"
    wb.save(path)


def _cell_value(v):
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False)
    return v


def workbook_sheets(rankings, criteria, checks, history, labels) -> dict[str, list[dict]]:
    """One sheet per group shaped like the published ranking, then the entities not assessed
    (kept out of the ranks, with the reason), then the detail, in `labels.lang`."""
    lang = labels.lang
    names = SHEETS[lang]
    ranked = [r for r in rankings if r.get("assessed", 1)]
    sheets = {
        labels.group_short(g): [_ranking_row(r, labels) for r in ranked if r["group"] == g]
        for g in GROUPS
    }
    # communes: one sheet, province by province (each ranked within its province), led by it
    communes = [r for r in ranked if province_of(r["group"]) is not None]
    if communes:
        sheets[labels.group_short("commune")] = [
            {labels.group("province"): labels.places.get(p, p), **_ranking_row(r, labels)}
            for r in sorted(communes, key=lambda r: (r["group"], r["rank"] or 0, r["entity_id"]))
            for p in [province_of(r["group"])]
        ]
    not_assessed = [r for r in rankings if not r.get("assessed", 1)]
    if not_assessed:
        keep = ("group", "entity_id", "name_vi", "name_en", "coverage", "not_assessed_reason")
        sheets[names["not_assessed"]] = [
            _headed({k: r.get(k) for k in (*keep, "overrides_used")}, lang) for r in not_assessed
        ]
    sheets[names["criteria"]] = [
        _headed({**c, "criterion_name": labels.criterion(c["criterion"])}, lang) for c in criteria
    ]
    sheets[names["services"]] = [_headed(c, lang) for c in checks]
    sheets[names["history"]] = [_headed(h, lang) for h in history]
    sheets[names["dictionary"]] = dictionary_rows()
    return sheets


def _ranking_row(r: dict, labels) -> dict:
    """Rank, unit, index first, as the published table reads; pillars under their names."""
    first = {k: r.get(k) for k in ("rank", "name_vi", "index", "movement")}
    rest = {k: v for k, v in r.items() if k not in first and not k.startswith("pillar_")}
    pillars = {
        labels.pillar(k[len("pillar_") :]): v for k, v in r.items() if k.startswith("pillar_")
    }
    row = _headed(first, labels.lang) | pillars | _headed(rest, labels.lang)
    return row


def _headed(row: dict, lang: str) -> dict:
    names = COLUMNS[lang]
    return {names.get(k, k): v for k, v in row.items()}
