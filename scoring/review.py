"""What `egovrank review` hands Datasette: metadata, canned queries and the command line.

Pure (no I/O) so a test can check every table is described and every canned query runs without
starting a server. Descriptions come from scoring/dictionary.py, so the review UI, the xlsx
dictionary sheet and docs/data-dictionary.md never disagree.

Crawled text (titles, link texts, excerpts) is hostile input: Datasette escapes every cell, and
nothing here is rendered as HTML (no `description_html`, no custom templates) to keep it so.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scoring.dictionary import TABLES

# Tables where a default sort saves evaluators a click.
_SORT = {
    "runs": {"sort_desc": "id"},
    "rankings": {"sort": "rank"},
    "overrides": {"sort_desc": "id"},
}
# Datasette shows this instead of the bare id where a foreign key points at entities.
_LABEL = {"entities": {"label_column": "name_vi"}}


def screenshot_url(alias: str, base: str = "") -> str:
    """SQL for a clickable screenshot link of `alias`.screenshot, or null.

    Screenshots are stored as absolute paths `<evidence root>/<quarter>/<entity>/<file>.png`
    (crawler/browser/evidence.py), and the root may differ between the machine that checked and
    the one reviewing; so the link is cut at `/<quarter>/<entity>/`, which the layout fixes, not
    at the root. Datasette only links cells that start with http(s)://, hence `base`.
    """
    path = f"('/' || {alias}.screenshot)"
    anchor = f"('/' || lower({alias}.quarter) || '/' || {alias}.entity_id || '/')"
    return (
        f"case when instr({path}, {anchor}) > 0 then "
        f"{_literal(base.rstrip('/') + '/evidence')} || substr({path}, instr({path}, {anchor})) end"
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def canned_queries(base: str = "") -> dict[str, dict]:
    """The questions evaluators ask most, each one click away (parameters become form fields)."""
    return {
        "entity_findings": {
            "title": "An entity's findings, with evidence",
            "description": "Every criterion judged for one entity in one quarter: the value, the "
            "page that shows it, what the page says, and the override in force if any.",
            "sql": """select f.criterion, f.value, f.numeric, f.status, f.source,
  f.evidence_url, f.http_status, f.link_text, f.excerpt, f.selector, f.detail, f.observed_at,
  o.id as override_id, o.value as override_value, o.reason as override_reason,
  o.author as override_author
from findings f
left join overrides o on o.id = (
  select max(x.id) from overrides x
  where x.quarter = f.quarter and x.entity_id = f.entity_id and x.criterion = f.criterion
    and x.revoked_at is null)
where f.quarter = :quarter and f.entity_id = :entity
order by f.criterion""",
        },
        "entity_criterion_scores": {
            "title": "An entity's criterion scores",
            "description": "Each criterion's score, weight and missing-value policy for one entity "
            "and quarter (every model version scored), with the evidence behind it.",
            "sql": """select c.model_version, c.pillar, c.criterion, c.raw_value, c.score, c.weight,
  c.status, c.policy, c.override_id, c.reported, f.evidence_url, f.excerpt
from criterion_scores c
left join findings f on f.quarter = c.quarter and f.entity_id = c.entity_id
  and f.criterion = c.criterion
where c.quarter = :quarter and c.entity_id = :entity
order by c.model_version desc, c.pillar, c.criterion""",
        },
        "declared_full_not_working": {
            "title": "Services declared full online but not observed full",
            "description": "Checked services the catalogue lists as fully online (toàn trình) whose "
            "walk in Chromium did not reach a full online service; quarter empty for all.",
            "sql": f"""select c.quarter, c.entity_id, e.name_vi, s.name, s.code, c.url,
  s.declared_raw, c.observed, c.status, c.reached, c.identity_provider, c.final_url,
  c.entry_text, c.error, {screenshot_url("c", base)} as screenshot_url
from service_checks c
left join services s on s.quarter = c.quarter and s.url = c.url
left join quarter_entities e on e.quarter = c.quarter and e.entity_id = c.entity_id
where c.declared = 'full' and c.state = 'done'
  and (c.observed is null or c.observed != 'full')
  and (:quarter = '' or c.quarter = :quarter)
order by c.quarter desc, c.entity_id, c.url""",
        },
        "biggest_movers": {
            "title": "Biggest movers since the previous quarter",
            "description": "Rank changes within each group, largest first; `significant` is 0 "
            "when the move is within measurement uncertainty.",
            "sql": """select r.quarter, r.model_version, r.entity_group, r.entity_id, e.name_vi,
  r.prev_rank, r.rank, r.movement, r.significant, r.index_value,
  (select p.index_value from rankings p
   where p.entity_id = r.entity_id and p.model_version = r.model_version
     and p.quarter < r.quarter
   order by p.quarter desc limit 1) as prev_index_value,
  r.uncertainty, r.coverage
from rankings r
left join quarter_entities e on e.quarter = r.quarter and e.entity_id = r.entity_id
where r.quarter = :quarter and r.movement is not null
order by abs(r.movement) desc, r.entity_group, r.rank""",
        },
        "overrides_in_force": {
            "title": "Overrides in force",
            "description": "Evaluators' corrections not revoked, beside the observed value they "
            "replace; quarter empty for all.",
            "sql": """select o.id, o.quarter, o.entity_id, e.name_vi, o.criterion,
  f.value as observed_value, o.value as override_value, o.reason, o.author, o.created_at,
  f.evidence_url
from overrides o
left join findings f on f.quarter = o.quarter and f.entity_id = o.entity_id
  and f.criterion = o.criterion
left join quarter_entities e on e.quarter = o.quarter and e.entity_id = o.entity_id
where o.revoked_at is null and (:quarter = '' or o.quarter = :quarter)
order by o.quarter desc, o.entity_id, o.criterion, o.id""",
        },
        "screenshots": {
            "title": "Screenshots",
            "description": "Screenshots of service walks and page audits, with a link that opens "
            "the image; entity empty for all entities of the quarter.",
            "sql": f"""select 'service' as kind, c.entity_id, c.url, c.observed as result,
  c.screenshot, {screenshot_url("c", base)} as screenshot_url
from service_checks c
where c.quarter = :quarter and (:entity = '' or c.entity_id = :entity)
  and coalesce(c.screenshot, '') != ''
union all
select 'page_audit', a.entity_id, a.url, a.status, a.screenshot,
  {screenshot_url("a", base)}
from page_audits a
where a.quarter = :quarter and (:entity = '' or a.entity_id = :entity)
  and coalesce(a.screenshot, '') != ''
order by 2, 1, 3""",
        },
        "recent_runs": {
            "title": "Recent runs",
            "description": "The last stage runs, failed ones with their error and log file.",
            "sql": """select id, quarter, stage, status, started_at, ended_at, hostname, log_path,
  error, summary
from runs
order by id desc
limit 100""",
        },
    }


PLUGINS_DIR = Path(__file__).parent / "review_web"


def build_metadata(
    database: str, *, base: str = "", db_path: str | Path | None = None,
    model: str | None = None, require_token: bool = False,
) -> dict:  # fmt: skip
    """Datasette metadata for the database named `database` (its file stem).

    `base` is where the review UI is reached (http://host:port), so screenshot links are
    absolute and Datasette makes them clickable; empty gives relative /evidence/... paths.
    """
    tables = {
        name: {
            "description": what,
            "columns": dict(columns),
            **_SORT.get(name, {}),
            **_LABEL.get(name, {}),
        }
        for name, (what, columns) in TABLES.items()
    }
    return {
        "title": "egovrank review",
        "description": "Findings, service checks, scores and rankings of government web portals, "
        "for evaluators. Text taken from crawled pages is shown as the pages wrote it: treat it as "
        "evidence, not as instructions.",
        "license": "MIT (egovrank)",
        "license_url": "https://opensource.org/license/mit",
        "source": "Public government portals, crawled and checked by egovrank",
        "about": "Data dictionary: docs/data-dictionary.md (egovrank db dictionary)",
        "databases": {database: {"tables": tables, "queries": canned_queries(base)}},
        # scoring/review_web: the corrections form on each entity's page
        "plugins": {
            "egovrank-corrections": {
                "db_path": str(Path(db_path).resolve()) if db_path else "",
                "model": model,
                "require_token": require_token,
            }
        },
    }


def base_url(host: str, port: int) -> str:
    """The address a browser on this machine uses: a wildcard bind is reached on loopback."""
    if port == 0:
        return ""  # the port is only known once Datasette has picked it
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def datasette_command(
    db_path: str | Path,
    metadata_path: str | Path,
    *,
    host: str,
    port: int,
    evidence_dir: str | Path | None,
) -> list[str]:
    """Datasette from this venv, on a live (not immutable: runs may still write) database."""
    cmd = [sys.executable, "-m", "datasette", "serve", str(db_path)]
    cmd += ["--metadata", str(metadata_path), "-h", host, "-p", str(port)]
    if evidence_dir is not None:
        cmd += ["--static", f"evidence:{evidence_dir}"]
    cmd += ["--plugins-dir", str(PLUGINS_DIR)]
    # evaluators' joins over a whole quarter take longer than Datasette's 1 s default
    cmd += ["--setting", "sql_time_limit_ms", "10000", "--setting", "max_returned_rows", "5000"]
    return cmd
