"""Corrections in the browser, in a real Chromium against a real `egovrank review` (Datasette
and the scoring/review_web plugin) on a real database: record one through the form, re-score,
find it with its reason on the audit page; a malformed one is refused with a message and the
database unchanged; a cross-site POST is refused; an exposed review needs a token, revocable."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from scored_db import make_scored_db

from crawler.core import store

ROOT = Path(__file__).resolve().parents[1]
Q = "2026Q4"


def egovrank(*args, check=True):
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=check,
    )  # fmt: skip


@contextmanager
def review(db_path: str, host: str = "127.0.0.1"):
    from crawler.demo.testing import free_port

    port = free_port((host,))
    proc = subprocess.Popen(
        [sys.executable, "-m", "scoring", "review", "--db", db_path, "--host", host, "--port",
         str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://{host}:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=2)
            break
        except urllib.error.HTTPError:
            break  # answering (403 when tokens are required)
        except OSError:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "review did not start"
            time.sleep(0.2)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def overrides(db_path):
    db = store.connect(db_path, create=False)
    rows = list(db.query("select * from overrides order by id"))
    db.conn.close()
    return rows


@pytest.fixture
def db_path(tmp_path):
    make_scored_db(tmp_path / "review.db").conn.close()
    return str(tmp_path / "review.db")


def test_correction_through_the_form_reaches_the_audit_page(db_path, tmp_path):
    from playwright.sync_api import sync_playwright

    from crawler.browser.chromium import launch_options

    reason = "Trang công khai ngân sách có tại /ngan-sach (kiểm tra lại ngày 2/12)"
    with review(db_path) as base, sync_playwright() as p:
        browser = p.chromium.launch(**launch_options())
        page = browser.new_page()
        page.goto(f"{base}/-/egovrank/")
        page.click("text=Thành phố Huế")
        assert page.locator("h1").inner_text() == "Thành phố Huế"

        # malformed: a value the criterion's method does not know
        page.select_option("select[name=criterion]", "info.budget")
        page.fill("input[name=value]", "maybe")
        page.fill("input[name=reason]", reason)
        page.fill("input[name=author]", "Nguyễn Lan")
        page.click("button:has-text('Ghi hiệu chỉnh')")
        alert = page.locator("[role=alert]").inner_text()
        assert "info.budget" in alert and "'maybe'" in alert and "present" in alert
        assert overrides(db_path) == []

        page.fill("input[name=value]", "present")
        page.click("button:has-text('Ghi hiệu chỉnh')")
        assert "Đã ghi hiệu chỉnh #1" in page.locator("[role=status]").inner_text()
        page.screenshot(path=str(tmp_path / "review.png"), full_page=True)

        # a form posted from elsewhere (no CSRF cookie, no token) stores nothing
        data = urllib.parse.urlencode(
            {"quarter": Q, "criterion": "info.news", "value": "present", "reason": "x",
             "author": "attacker"}
        ).encode()  # fmt: skip
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/-/egovrank/entity/hue/correct", data, timeout=5)
        assert refused.value.code == 403
        browser.close()

    rows = overrides(db_path)
    assert [(r["entity_id"], r["criterion"], r["value"], r["author"]) for r in rows] == [
        ("hue", "info.budget", "present", "Nguyễn Lan")
    ]
    assert rows[0]["reason"] == reason and rows[0]["created_at"]

    egovrank("score", "--quarter", Q, "--db", db_path)
    out = tmp_path / "report"
    egovrank("report", "--quarter", Q, "--db", db_path, "--out", str(out), "--no-pdf")
    with sync_playwright() as p:
        browser = p.chromium.launch(**launch_options())
        page = browser.new_page()
        page.goto((out / "audit" / "hue.html").resolve().as_uri())
        table = page.locator("table.overrides").inner_text()
        assert reason in table and "Nguyễn Lan" in table
        budget_row = page.locator("tr", has_text="info.budget").first.inner_text()
        assert "hiệu chỉnh #1" in budget_row
        browser.close()


def test_exposed_review_needs_a_token_and_revocation_stops_it(db_path):
    refused = egovrank("review", "--db", db_path, "--host", "127.0.0.2", check=False)
    assert refused.returncode == 2 and "review-tokens add" in refused.stderr
    token = egovrank("review-tokens", "add", "Trần Minh", "--db", db_path).stdout.strip()
    with review(db_path, host="127.0.0.2") as base:
        with pytest.raises(urllib.error.HTTPError) as anonymous:
            urllib.request.urlopen(f"{base}/-/egovrank/entity/hue", timeout=5)
        assert anonymous.value.code == 403
        signed = urllib.request.Request(
            f"{base}/-/egovrank/entity/hue", headers={"Authorization": f"Bearer {token}"}
        )
        html = urllib.request.urlopen(signed, timeout=5).read().decode()
        assert "Người đánh giá: <strong>Trần Minh</strong>" in html
        egovrank("review-tokens", "revoke", "Trần Minh", "--db", db_path)
        with pytest.raises(urllib.error.HTTPError) as revoked:
            urllib.request.urlopen(signed, timeout=5)
        assert revoked.value.code == 403
