"""The real crawl against the hostile web: every hostile case ends within the configured limits,
memory stays bounded, and the other entities are crawled as if nothing happened."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from crawler.config import load_crawl_config
from tests.faults.conftest import egovrank_cmd, run_measured
from tests.faults.hostile import XSS_MARK

pytestmark = pytest.mark.faults

QUARTER = "2026Q4"
FIGURES = Path(__file__).resolve().parent / "figures"
# Peak RSS of the whole crawl process (Scrapy, the TLS probe, detectors). A gzip bomb inflated in
# memory, or a 100 MB page held twice, would blow through this.
RSS_LIMIT_MB = 450


def registry(urls: dict[str, str], cases: list[str]) -> str:
    lines = ["entities:"]
    for case in cases:
        url = urls[case] + ("r/0" if case == "loop" else "")
        lines += [
            f"  - id: hostile-{case}",
            f"    name_vi: Tỉnh {case}",
            f"    name_en: Province {case}",
            "    group: province",
            f"    portal_url: {url}",
            "    valid_from: 2020-01-01",
            "    allow_private: true",
        ]
        if case == "loop":
            lines.append(f"    dvc_url: {urls[case]}a")
    return "\n".join(lines) + "\n"


def crawl(tmp_path: Path, urls, cases, name: str, timeout: float = 420):
    reg = tmp_path / f"{name}.yaml"
    reg.write_text(registry(urls, cases), encoding="utf-8")
    db_path = tmp_path / f"{name}.db"
    m = run_measured(
        egovrank_cmd(
            "crawl",
            "--quarter",
            QUARTER,
            "--entities",
            reg,
            "--db",
            db_path,
            "--no-politeness",
            "--max-pages",
            40,
            "--as-of",
            "2026-12-31",
        ),
        timeout=timeout,
    )
    return m, db_path


def rows(db_path, sql, *args):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def record(name: str, data: dict) -> None:
    FIGURES.mkdir(exist_ok=True)
    (FIGURES / f"{name}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


ALL = ["bomb", "huge", "stream", "endless", "slowloris", "loop", "links", "xss", "normal"]


def test_hostile_web_crawl_ends_within_limits(hostile_web, tmp_path):
    lim = load_crawl_config(None)["limits"]
    m, db_path = crawl(tmp_path, hostile_web, ALL, "all")
    assert "Traceback" not in m.stderr, m.stderr[-3000:]
    assert m.returncode == 0, (m.returncode, m.stderr[-3000:])
    pages = rows(db_path, "select * from pages where quarter = ?", QUARTER)
    by_entity: dict[str, list[dict]] = {}
    for p in pages:
        by_entity.setdefault(p["entity_id"].removeprefix("hostile-"), []).append(p)

    def home(case):
        home_url = hostile_web[case] + ("r/0" if case == "loop" else "")
        found = [p for p in by_entity[case] if p["url"].rstrip("/") == home_url.rstrip("/")]
        assert found, (case, [p["url"] for p in by_entity[case]])
        return found[0]

    figures = {"seconds": round(m.seconds, 1), "peak_rss_mb": round(m.peak_rss_mb, 1)}
    statuses = {}
    for case in ALL:
        h = home(case)
        statuses[case] = {
            "fetch_status": h["fetch_status"],
            "elapsed_s": round((h["elapsed_ms"] or 0) / 1000, 1),
            "bytes": h["bytes"],
            "error": (h["error"] or "")[:200],
            "pages": len(by_entity[case]),
        }
    figures["cases"] = statuses
    record("hostile_crawl", figures)

    # the bomb is cut off while inflating, at DOWNLOAD_MAXSIZE (its status: see the xfail below)
    assert "exceeded DOWNLOAD_MAXSIZE" in statuses["bomb"]["error"], statuses
    assert statuses["bomb"]["fetch_status"] in ("too_large", "error"), statuses
    assert statuses["bomb"]["elapsed_s"] < 10
    assert statuses["huge"]["fetch_status"] == "too_large", statuses
    assert statuses["stream"]["fetch_status"] == "too_large", statuses
    assert statuses["endless"]["fetch_status"] == "too_large", statuses
    assert statuses["slowloris"]["fetch_status"] == "timeout", statuses
    assert statuses["loop"]["fetch_status"] == "too_many_redirects", statuses
    # the slowloris gives up after DOWNLOAD_TIMEOUT per attempt, (retries + 1) attempts at most
    assert (
        statuses["slowloris"]["elapsed_s"] <= (lim["retries"] + 1) * lim["download_timeout_s"] + 15
    )
    # link cap: 10,000 links, at most the page budget followed
    assert statuses["links"]["pages"] <= 40 + 5, statuses["links"]
    frontier = rows(
        db_path,
        "select count(*) n from frontier where quarter = ? and entity_id = 'hostile-links'",
        QUARTER,
    )[0]["n"]
    assert frontier <= 40 + 5
    # the control entity is crawled completely, and judged
    normal_ok = [p for p in by_entity["normal"] if p["fetch_status"] == "ok"]
    assert len([p for p in normal_ok if p["url"].startswith(hostile_web["normal"])]) >= 6
    judged = rows(
        db_path, "select entity_id, count(*) n from findings where quarter = ? group by 1", QUARTER
    )
    assert {r["entity_id"] for r in judged} == {f"hostile-{c}" for c in ALL}
    # a site that could not be crawled is unknown, never absent
    bomb_findings = rows(
        db_path,
        "select value from findings where quarter = ? and entity_id = 'hostile-bomb' "
        "and criterion like 'info.%'",
        QUARTER,
    )
    assert bomb_findings and all(r["value"] == "unknown" for r in bomb_findings)
    # memory stayed bounded, time too
    assert m.peak_rss_mb < RSS_LIMIT_MB, figures
    # hostile strings are stored as data (escaping is the outputs' job, tested separately)
    xss_titles = [p["title"] or "" for p in by_entity["xss"]]
    assert any(XSS_MARK in t for t in xss_titles)


def test_gzip_bomb_is_classified_too_large(hostile_web, tmp_path):
    m, db_path = crawl(tmp_path, hostile_web, ["bomb"], "bomb_status", timeout=120)
    assert m.returncode == 0, m.stderr[-3000:]
    home = rows(
        db_path,
        "select fetch_status from pages where quarter = ? and url = ?",
        QUARTER,
        hostile_web["bomb"],
    )
    assert home and home[0]["fetch_status"] == "too_large"


@pytest.mark.parametrize("case", ["bomb", "huge", "endless", "slowloris"])
def test_each_hostile_case_alone_with_a_control(hostile_web, tmp_path, case):
    """Per-case figures: time to give up and peak RSS, with the control entity alongside."""
    m, db_path = crawl(tmp_path, hostile_web, [case, "normal"], case, timeout=240)
    assert m.returncode == 0, m.stderr[-3000:]
    normal = rows(
        db_path,
        "select count(*) n from pages where quarter = ? and entity_id = 'hostile-normal' "
        "and fetch_status = 'ok'",
        QUARTER,
    )[0]["n"]
    assert normal >= 6
    record(f"case_{case}", {"seconds": round(m.seconds, 1), "peak_rss_mb": round(m.peak_rss_mb, 1)})
    assert m.peak_rss_mb < RSS_LIMIT_MB
