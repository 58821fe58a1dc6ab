"""A findings pack per agency: one Vietnamese page of what is missing or broken, ready to send.

Each item carries its evidence (page, excerpt, screenshot), the legal basis the model cites
(config/criteria.yaml `basis`, abbreviations spelt out by config/labels.yaml), and the deadline
of the correction window (`egovrank campaign retest --until`).
"""

from __future__ import annotations

from pathlib import Path

from crawler.core.errors import InputError


def shortfalls(criteria: list[dict]) -> list[dict]:
    """Criteria not fully met or not testable, largest loss of index first (pure)."""
    out = [
        {**c, "loss": (c.get("weight") or 0) * (1 - (c["score"] or 0))}
        for c in criteria
        if c.get("raw_value") == "unknown" or (c.get("score") is not None and c["score"] < 1)
    ]
    return sorted(out, key=lambda c: (-c["loss"], c["criterion"]))


def service_gaps(checks: list[dict]) -> list[dict]:
    """Checked services whose walk did not reach the level the catalogue declares (pure)."""
    rank = {"full": 3, "partial": 2, "info_only": 1}
    return [c for c in checks if rank.get(c.get("observed"), 0) < rank.get(c.get("declared"), 0)]


def bases(model_version: str) -> dict[str, str]:
    """criterion -> basis text, from the shipped model if it is the version scored."""
    from scoring.model import load_model

    try:
        model = load_model()
    except InputError:
        return {}
    if model.version != model_version:
        return {}
    return {cid: c.basis for cid, c in model.criteria.items()}


def write_packs(
    env, out: Path, entities, criteria, checks, deadline, version, labels, css, quarter
):
    from scoring.export.report import safe_name

    folder = out / "findings"
    folder.mkdir(parents=True, exist_ok=True)
    template = env.get_template("findings.html.j2")
    basis = bases(version)
    written = []
    for e in entities:
        eid = e["entity_id"]
        items = shortfalls([c for c in criteria if c["entity_id"] == eid])
        html = template.render(
            entity=e,
            quarter=quarter,
            items=items,
            services=service_gaps([c for c in checks if c["entity_id"] == eid]),
            basis=basis,
            deadline=deadline,
            labels=labels,
            css=css,
            lang=labels.lang,
        )
        name = safe_name(eid)
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
        written.append(f"findings/{name}.html")
    return written
