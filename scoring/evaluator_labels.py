"""An evaluator's labels for one portal against the crawl's findings (egovrank compare-labels).

The labels file is the format of ../shared/realdata/vn-portals/*/labels.json: per criterion a
`truth` (present / linked_broken / absent / unknown) with the evaluator's `evidence` and `note`,
and `freshness.accept`, the newest dates an evaluator would accept. Unknown labels are left out:
the evaluator could not tell either.
"""

from __future__ import annotations

import json
from pathlib import Path

from crawler.core.errors import InputError
from crawler.criteria import registry

VALUES = {"present", "linked_broken", "absent", "unknown"}


def load_labels(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such labels file") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: not JSON ({exc.msg})") from None
    criteria = data.get("criteria") if isinstance(data, dict) else None
    if not isinstance(criteria, dict) or not criteria:
        raise InputError(f"{path}: no 'criteria' object; see docs/real-portals.md for the format")
    for crit, label in criteria.items():
        if not isinstance(label, dict) or label.get("truth") not in VALUES:
            raise InputError(
                f"{path}: criteria.{crit}.truth must be one of {', '.join(sorted(VALUES))}"
            )
    return data


def compare_labels(labels: dict, findings: list[dict]) -> dict:
    """Agreement over the labelled criteria, with both sides' evidence for each disagreement."""
    got = {f["criterion"]: f for f in findings}
    accept = set((labels.get("freshness") or {}).get("accept") or [])
    rows = []
    for crit, label in sorted(labels["criteria"].items()):
        if label["truth"] == "unknown":
            continue
        found = got.get(crit)
        declared = registry.criteria().get(crit)
        if declared and declared.values is None:  # a measurement: the label accepts dates
            value = found and found.get("excerpt")
            expected = sorted(accept) if accept else label["truth"]
            ok = (value in accept) if accept else bool(found) and found["value"] != "unknown"
        else:
            value = found and found["value"]
            expected = label["truth"]
            ok = value == expected
        rows.append(
            {
                "criterion": crit,
                "agree": ok,
                "label": expected,
                "found": value,
                "status": found and found.get("status"),
                "evidence_url": found and found.get("evidence_url"),
                "link_text": found and found.get("link_text"),
                "decided_by": _decided_by(found),
                "label_evidence": "; ".join(
                    f"{e.get('path')}: {e.get('cue')}" for e in label.get("evidence", [])
                ),
                "label_note": label.get("note", ""),
            }
        )
    agree = sum(r["agree"] for r in rows)
    return {
        "labelled": len(rows),
        "agree": agree,
        "share": agree / len(rows) if rows else 0.0,
        "rows": rows,
    }


def _decided_by(found: dict | None) -> str | None:
    if not found:
        return None
    detail = found.get("detail") or {}
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except json.JSONDecodeError:
            return None
    return detail.get("decided_by")
