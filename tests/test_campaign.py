"""Campaign states on a real database through the real CLI: a frozen quarter refuses to observe,
a published one refuses every change with one line and exit 2 (nothing written), and an erratum
produces edition 2 listing what changed and why."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scored_db import make_scored_db

from crawler.core import store


@pytest.fixture
def db_path(tmp_path):
    make_scored_db(tmp_path / "c.db").conn.close()
    return str(tmp_path / "c.db")


def egovrank(*args):
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args], capture_output=True, text=True, timeout=120
    )


def counts(path):
    db = store.connect(path, create=False)
    out = {t: n for t, n in store.table_counts(db).items() if t != "runs"}
    out["scored_at"] = db.execute("select max(scored_at) from rankings").fetchone()[0]
    db.conn.close()
    return out


def test_published_quarter_refuses_and_an_erratum_makes_edition_2(db_path, tmp_path):
    q = ["--quarter", "2026Q4", "--db", db_path]
    assert egovrank("campaign", "status", *q).stdout.startswith("2026Q4: open")
    assert egovrank("campaign", "freeze", *q).returncode == 0
    frozen = egovrank("crawl", *q, "--entities", "config/entities")
    assert frozen.returncode == 2 and "frozen" in frozen.stderr
    assert egovrank("score", *q).returncode == 0  # corrections and re-scoring still allowed
    out = tmp_path / "pub"
    published = egovrank("campaign", "publish", *q, "--by", "Lê Hoa", "--out", str(out), "--no-pdf")
    assert published.returncode == 0, published.stderr
    assert (out / "edition-1" / "report.html").is_file()

    before = counts(db_path)
    refusals = [
        egovrank("score", *q),
        egovrank("crawl", *q, "--entities", "config/entities"),
        egovrank("check", *q),
        egovrank("import", "reported", str(tmp_path / "none.csv"), *q),
        egovrank(
            "override", "set", "hue", "info.budget", "present", "--reason", "r", "--by", "b", *q
        ),
    ]
    for r in refusals:
        assert r.returncode == 2, r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "2026Q4 is published" in lines[0], r.stderr
    assert counts(db_path) == before

    erratum = egovrank(
        "override", "set", "hue", "info.budget", "present", "--erratum",
        "--reason", "trang công khai ngân sách có từ tháng 10", "--by", "Nguyễn Lan", *q,
    )  # fmt: skip
    assert erratum.returncode == 0, erratum.stderr
    html = (out / "edition-2" / "report.html").read_text(encoding="utf-8")
    assert "Lần phát hành 2" in html and "Đính chính sau khi công bố" in html
    assert "trang công khai ngân sách có từ tháng 10" in html and "Công khai ngân sách" in html
    db = store.connect(db_path, create=False)
    editions = list(db.query("select number, kind from editions order by number"))
    assert editions == [
        {"number": 1, "kind": "publication"},
        {"number": 2, "kind": "erratum"},
    ]
    o = db.execute("select erratum, edition from overrides").fetchone()
    assert tuple(o) == (1, 2)
    used = db.execute(
        "select overrides_used from rankings where quarter = '2026Q4' and entity_id = 'hue'"
    ).fetchone()[0]
    assert used == 1  # the erratum was scored into edition 2
    status = egovrank("campaign", "status", *q).stdout
    assert "2026Q4: published" in status and "edition 2 (erratum)" in status


def test_erratum_before_publication_and_publish_before_freeze_are_refused(db_path):
    q = ["--quarter", "2026Q4", "--db", db_path]
    r = egovrank("override", "set", "hue", "info.budget", "present", "--erratum",
                 "--reason", "r", "--by", "b", *q)  # fmt: skip
    assert r.returncode == 2 and "not published" in r.stderr
    r = egovrank("campaign", "publish", *q, "--by", "x", "--no-pdf")
    assert r.returncode == 2 and "freeze" in r.stderr


def test_rankings_history_csv(db_path):
    r = egovrank("rankings", "--history", "--format", "csv", "--db", db_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "quarter,group,entity_id,name_vi,rank,index,movement,model_version"
    hue = [line for line in lines if ",hue," in line]
    assert [line.split(",")[0] for line in hue] == ["2026Q3", "2026Q4"]
    assert any("(mean)" in line for line in lines)
