"""`egovrank report`: every file the report team and the assessed agencies receive.

Vietnamese by default (`lang="en"` for the English edition): headings from scoring/export/i18n.py,
names of pillars and criteria from config/labels.yaml, numbers as each reader writes them.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from crawler.criteria import registry
from scoring import observe
from scoring.export import charts, i18n, tables
from scoring.export.files import workbook_sheets, write_csv, write_json, write_xlsx
from scoring.export.findings_pack import write_packs
from scoring.labels import load_labels

_SAFE = re.compile(r"[^a-z0-9-]+")


def _env(lang: str = "vi") -> Environment:
    # Autoescape everywhere: titles, link texts and excerpts come from sites we do not control.
    env = Environment(
        loader=PackageLoader("scoring.export", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
    )
    env.filters["num"] = lambda v, d=3: i18n.number(v, d, lang)
    env.filters["pct"] = lambda v: i18n.percent(v, lang)
    env.filters["change"] = lambda m: i18n.change(m, lang)
    env.filters["safe_name"] = safe_name
    env.tests["assessed"] = is_assessed
    return env


def safe_name(entity_id: str) -> str:
    return _SAFE.sub("-", entity_id.lower()).strip("-")[:80] or "entity"


def is_assessed(row: dict | None) -> bool:
    """False only where the coverage policy's `assessed` column exists and says 0."""
    return bool(row) and row.get("assessed", 1) != 0


def write_report(
    db, quarter: str, out: Path, *, lang: str = "vi", edition: dict | None = None
) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    labels = load_labels(lang).with_places(tables.place_names(db, quarter))
    words = i18n.WORDS[lang]
    version = tables.model_version(db, quarter)
    rankings = tables.rankings(db, quarter, version)
    groups = tables.report_groups(rankings)
    criteria = tables.criterion_scores(db, quarter, version)
    checks = tables.service_checks(db, quarter)
    history = tables.history(db, up_to=quarter)
    written = []
    write_xlsx(out / "rankings.xlsx", workbook_sheets(rankings, criteria, checks, history, labels))
    written.append("rankings.xlsx")
    for name, rows in (
        ("rankings", rankings),
        ("criterion_scores", criteria),
        ("services_checked", checks),
        ("history", history),
    ):
        write_csv(out / f"{name}.csv", rows)
        write_json(out / f"{name}.json", rows)
        written += [f"{name}.csv", f"{name}.json"]

    env = _env(lang)
    css = (Path(__file__).parent / "templates" / "base.css").read_text()
    weights = _pillar_weights(db, quarter, version)
    decimal = "," if lang == "vi" else "."
    chart_set = {}
    for group in groups:
        rows = [r for r in rankings if r["group"] == group and is_assessed(r)]
        if not rows:
            continue
        label = lambda r: r["name_vi"]  # noqa: E731
        name = labels.group(group)
        chart_set[group] = {
            "index": charts.bar_chart(
                [(label(r), r["index"]) for r in rows],
                title=f"{words['chart_index']}, {name}",
                decimal=decimal,
            ),
            "pillars": charts.stacked_pillars(
                [(label(r), {p: r[f"pillar_{p}"] for p in tables.PILLARS}) for r in rows],
                weights,
                title=f"{words['chart_pillars']}, {name}",
                names={p: labels.pillar(p) for p in tables.PILLARS},
            ),
            "movement": charts.movement_chart(
                [(label(r), r["movement"]) for r in rows],
                title=f"{words['chart_movement']}, {name}",
            ),
            "trend": charts.trend_chart(
                _group_series(history, group, labels),
                title=f"{words['chart_trend']}, {name}",
                decimal=decimal,
            ),
        }
    html = env.get_template("report.html.j2").render(
        t=words,
        lang=lang,
        labels=labels,
        quarter=quarter,
        version=version,
        edition=edition,
        rankings=rankings,
        assessed=is_assessed,
        groups=groups,
        pillars=tables.PILLARS,
        charts=chart_set,
        checks=checks,
        css=css,
        level_chart=charts.level_matrix(
            tables.level_matrix(db, quarter), title=words["levels_chart"]
        ),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    (out / "report.html").write_text(html, encoding="utf-8")
    written.append("report.html")
    written += _audit_pages(
        db, quarter, version, rankings, criteria, checks, history, out, env, css, labels
    )
    written += write_packs(
        _env("vi"), out,
        list(db.query("select * from quarter_entities where quarter = ? order by entity_id", [quarter])),
        criteria, checks, _deadline(db, quarter), version, load_labels("vi").with_places(tables.place_names(db, quarter)), css, quarter,
    )  # fmt: skip
    return {
        "out": str(out),
        "files": written,
        "entities": len(rankings),
        "model_version": version,
        "lang": lang,
        "quarters": len({h["quarter"] for h in history}),
    }


def _group_series(history, group, labels) -> list[tuple[str, list]]:
    """The group's mean first (bold), then each entity's index per quarter."""
    mean = [
        (g["quarter"], g["mean_index"])
        for g in tables.group_history(history)
        if g["group"] == group
    ]
    series = [("Trung bình nhóm" if labels.lang == "vi" else "Group mean", mean)]
    by_entity: dict[str, list] = {}
    names = {}
    for h in history:
        if h["group"] == group:
            by_entity.setdefault(h["entity_id"], []).append((h["quarter"], h["index"]))
            names[h["entity_id"]] = h["name_vi"]
    series += [(names[e], pts) for e, pts in by_entity.items()]
    return series


def _deadline(db, quarter: str) -> str | None:
    if "campaigns" not in db.table_names():
        return None
    row = db.execute("select retest_until from campaigns where quarter = ?", [quarter]).fetchone()
    return row[0] if row else None


def _pillar_weights(db, quarter, version) -> dict[str, float]:
    rows = db.execute(
        "select pillar, max(weight) from pillar_scores where quarter = ? and model_version = ? group by pillar",
        [quarter, version],
    ).fetchall()
    total = sum(w or 0 for _, w in rows) or 1
    return {p: (w or 0) / total for p, w in rows}


def _audit_pages(
    db, quarter, version, rankings, criteria, checks, history, out, env, css, labels
) -> list[str]:
    audit_dir = out / "audit"
    audit_dir.mkdir(exist_ok=True)
    template = env.get_template("audit.html.j2")
    by_entity = {r["entity_id"]: r for r in rankings}
    finding_rows = tables.findings(db, quarter)
    findings = {(f["entity_id"], f["criterion"]): f for f in finding_rows}
    derived = observe.derived_verdicts(db, quarter, finding_rows)
    group_means = tables.group_history(history)
    decimal = "," if labels.lang == "vi" else "."
    written = []
    for e in db.query(
        "select * from quarter_entities where quarter = ? order by entity_id", [quarter]
    ):
        eid = e["entity_id"]
        name = safe_name(eid)
        shots = audit_dir / "evidence" / name
        rows = []
        for c in checks:
            if c["entity_id"] != eid:
                continue
            c = dict(c)
            c["shot"] = _copy_shot(c.get("screenshot"), shots, name)
            rows.append(c)
        crit = [
            {
                **c,
                **_evidence_of(findings.get((eid, c["criterion"]), {})),
                "derived": _derived_evidence(derived.get(eid, {}).get(c["criterion"])),
                "meaning": _meaning(c["criterion"]),
            }
            for c in criteria
            if c["entity_id"] == eid
        ]
        own = [h for h in history if h["entity_id"] == eid]
        group = e["entity_group"]
        trend = charts.trend_chart(
            [
                (e["name_vi"], [(h["quarter"], h["index"]) for h in own]),
                (
                    labels.group(group),
                    [(g["quarter"], g["mean_index"]) for g in group_means if g["group"] == group],
                ),
            ],
            title=f"{i18n.WORDS[labels.lang]['chart_trend']}: {e['name_vi']}",
            decimal=decimal,
        )
        html = template.render(
            t=i18n.WORDS[labels.lang],
            lang=labels.lang,
            labels=labels,
            entity={
                "name_vi": e["name_vi"],
                "name_en": e["name_en"],
                "group": group,
                "portal_url": e["portal_url"],
                "dvc_url": e["dvc_url"],
            },
            ranking=by_entity.get(eid),
            assessed=is_assessed,
            criteria=crit,
            checks=rows,
            quarter=quarter,
            version=version,
            history=own,
            trend=trend,
            overrides=tables.overrides(db, quarter, eid),
            home_title=_home_title(db, quarter, eid),
            css=css,
        )
        (audit_dir / f"{name}.html").write_text(html, encoding="utf-8")
        written.append(f"audit/{name}.html")
    return written


def _home_title(db, quarter: str, entity_id: str) -> str | None:
    row = db.execute(
        "select title from pages where quarter = ? and entity_id = ? and site = 'portal' and depth = 0 "
        "and title is not null limit 1",
        [quarter, entity_id],
    ).fetchone()
    return row[0] if row else None


def _copy_shot(path: str | None, folder: Path, name: str) -> str | None:
    """Copy a screenshot into the audit pack so it travels with the page; return its link."""
    if not path or not Path(path).is_file():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(path).name
    if not target.exists():
        shutil.copyfile(path, target)
    return f"evidence/{name}/{target.name}"


def _meaning(cid: str) -> str:
    """The registry's one-line meaning and legal basis of a criterion (crawler/criteria)."""
    c = registry.criteria().get(cid)
    return f"{c.description} ({c.basis})" if c else ""


def _derived_evidence(v: dict | None) -> dict | None:
    """What a derived service share rests on: its interval and the services it counted."""
    if not v or not isinstance(v.get("detail"), dict) or "services" not in v["detail"]:
        return None
    detail = v["detail"]
    low, high = detail["interval"]
    return {
        "share": v["value"],
        "low": low,
        "high": high,
        "population": detail.get("population"),
        "services": detail["services"],
    }


def _evidence_of(finding: dict) -> dict:
    """The link text and what decided the finding (link text, heading, image, footer block,
    a shell's kind), so an evaluator sees why a section counts or not."""
    detail = finding.get("detail") or {}
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except json.JSONDecodeError:
            detail = {}
    if not isinstance(detail, dict):
        detail = {}
    return {"link_text": finding.get("link_text"), "decided_by": detail.get("decided_by")}
