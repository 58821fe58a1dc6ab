"""`egovrank report`: every file the report team and the assessed agencies receive."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from scoring.export import charts, tables
from scoring.export.files import workbook_sheets, write_csv, write_json, write_xlsx

_SAFE = re.compile(r"[^a-z0-9-]+")


def _env() -> Environment:
    # Autoescape everywhere: titles, link texts and excerpts come from sites we do not control.
    return Environment(
        loader=PackageLoader("scoring.export", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
    )


def safe_name(entity_id: str) -> str:
    return _SAFE.sub("-", entity_id.lower()).strip("-")[:80] or "entity"


def write_report(db, quarter: str, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    version = tables.model_version(db, quarter)
    rankings = tables.rankings(db, quarter, version)
    criteria = tables.criterion_scores(db, quarter, version)
    checks = tables.service_checks(db, quarter)
    written = []
    write_xlsx(out / "rankings.xlsx", workbook_sheets(rankings, criteria, checks))
    written.append("rankings.xlsx")
    for name, rows in (
        ("rankings", rankings),
        ("criterion_scores", criteria),
        ("services_checked", checks),
    ):
        write_csv(out / f"{name}.csv", rows)
        write_json(out / f"{name}.json", rows)
        written += [f"{name}.csv", f"{name}.json"]

    env = _env()
    css = (Path(__file__).parent / "templates" / "base.css").read_text()
    weights = _pillar_weights(db, quarter, version)
    chart_set = {}
    for group in tables.GROUPS:
        rows = [r for r in rankings if r["group"] == group]
        if not rows:
            continue
        label = lambda r: r["name_vi"]  # noqa: E731
        chart_set[group] = {
            "index": charts.bar_chart(
                [(label(r), r["index"]) for r in rows], title=f"Index, {group}"
            ),
            "pillars": charts.stacked_pillars(
                [(label(r), {p: r[f"pillar_{p}"] for p in tables.PILLARS}) for r in rows],
                weights,
                title=f"Pillar contributions, {group}",
            ),
            "movement": charts.movement_chart(
                [(label(r), r["movement"]) for r in rows],
                title=f"Rank movement since the previous quarter, {group}",
            ),
        }
    html = env.get_template("report.html.j2").render(
        quarter=quarter,
        version=version,
        rankings=rankings,
        groups=tables.GROUPS,
        pillars=tables.PILLARS,
        charts=chart_set,
        checks=checks,
        css=css,
        level_chart=charts.level_matrix(
            tables.level_matrix(db, quarter), title="Declared vs observed levels"
        ),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    (out / "report.html").write_text(html, encoding="utf-8")
    written.append("report.html")
    written += _audit_pages(db, quarter, version, rankings, criteria, checks, out, env, css)
    return {"out": str(out), "files": written, "entities": len(rankings), "model_version": version}


def _pillar_weights(db, quarter, version) -> dict[str, float]:
    rows = db.execute(
        "select pillar, max(weight) from pillar_scores where quarter = ? and model_version = ? group by pillar",
        [quarter, version],
    ).fetchall()
    total = sum(w or 0 for _, w in rows) or 1
    return {p: (w or 0) / total for p, w in rows}


def _audit_pages(db, quarter, version, rankings, criteria, checks, out, env, css) -> list[str]:
    audit_dir = out / "audit"
    audit_dir.mkdir(exist_ok=True)
    template = env.get_template("audit.html.j2")
    by_entity = {r["entity_id"]: r for r in rankings}
    findings = {(f["entity_id"], f["criterion"]): f for f in tables.findings(db, quarter)}
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
            {**c, "link_text": findings.get((eid, c["criterion"]), {}).get("link_text")}
            for c in criteria
            if c["entity_id"] == eid
        ]
        html = template.render(
            entity={
                "name_vi": e["name_vi"],
                "name_en": e["name_en"],
                "group": e["entity_group"],
                "portal_url": e["portal_url"],
                "dvc_url": e["dvc_url"],
            },
            ranking=by_entity.get(eid),
            criteria=crit,
            checks=rows,
            quarter=quarter,
            version=version,
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
