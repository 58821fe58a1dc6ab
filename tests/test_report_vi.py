"""The report in Vietnamese by default: lang, headings and names from config/labels.yaml, numbers
with a decimal comma, history over both quarters, the PDF printed by Chromium keeping diacritics."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest
from scored_db import make_scored_db

from scoring.export import i18n
from scoring.export.report import write_report
from scoring.labels import load_labels


@pytest.fixture
def db(tmp_path):
    return make_scored_db(tmp_path / "report.db")


def test_report_html_is_vietnamese_with_published_columns(db, tmp_path):
    out = tmp_path / "out"
    result = write_report(db, "2026Q4", out)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in html
    for heading in ("Thứ hạng", "Đơn vị", "Chỉ số", "Thay đổi so với quý trước"):
        assert f"<th>{heading}</th>" in html
    assert "Cung cấp thông tin" in html and "Tỉnh, thành phố trực thuộc trung ương" in html
    index = db.execute(
        "select index_value from rankings where quarter = '2026Q4' and entity_id = 'ha-noi'"
    ).fetchone()[0]
    assert f"<strong>{index:.3f}</strong>".replace(".", ",") in html
    assert result["quarters"] == 2
    # one trend line per entity plus the group's mean, each with a point per quarter
    assert html.count('class="trend"') >= 5 + 2
    audit = (out / "audit" / "hue.html").read_text(encoding="utf-8")
    assert "Diễn biến qua các quý" in audit and "2026Q3" in audit and "Giới thiệu" in audit
    # each criterion carries the registry's meaning and legal basis
    assert 'title="introduction; functions, tasks, powers (D42 4(1)(e); D43 10)"' in audit


def test_english_edition_and_workbook_headings(db, tmp_path):
    write_report(db, "2026Q4", tmp_path / "en", lang="en")
    html = (tmp_path / "en" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "<th>Rank</th>" in html
    write_report(db, "2026Q4", tmp_path / "vi")
    book = openpyxl.load_workbook(tmp_path / "vi" / "rankings.xlsx", read_only=True)
    sheet = book["Tỉnh, thành phố"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:4] == ["Thứ hạng", "Đơn vị", "Chỉ số", "Thay đổi so với quý trước"]
    assert "Diễn biến" in book.sheetnames


def test_names_come_from_one_labels_file():
    vi, en = load_labels("vi"), load_labels("en")
    assert vi.criterion("info.about").startswith("Giới thiệu")
    assert en.pillar("svc") == "Online public services"
    assert vi.criterion("no.such") == "no.such"  # unnamed criterion shows its id
    assert (
        vi.basis("D42 4(1)(e); D43 10")
        == "Nghị định 42/2022/NĐ-CP 4(1)(e); Nghị định 43/2011/NĐ-CP 10"
    )
    assert i18n.number(0.7142, 3, "vi") == "0,714" and i18n.number(0.7142, 3, "en") == "0.714"
    assert [i18n.change(m) for m in (2, -1, 0, None)] == ["↑2", "↓1", "=", "mới"]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_pdf_keeps_the_diacritics(db, tmp_path):
    from scoring.export.pdf import print_pdf

    out = tmp_path / "out"
    write_report(db, "2026Q4", out)
    pdf = print_pdf(out / "report.html", out / "report.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in ("Xếp hạng", "Thành phố Đà Nẵng", "Bộ Tư pháp", "Dịch vụ công trực tuyến"):
        assert words in text, words


def test_findings_pack_lists_shortfalls_with_basis_and_deadline(db, tmp_path):
    from datetime import date

    from scoring.campaign import open_retest

    open_retest(db, "2026Q4", date(2027, 1, 15))
    out = tmp_path / "out"
    result = write_report(db, "2026Q4", out)
    assert "findings/da-nang.html" in result["files"]
    html = (out / "findings" / "da-nang.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in html and "Thành phố Đà Nẵng" in html
    assert "Thời hạn khắc phục và phản hồi: 2027-01-15" in html
    # Đà Nẵng has no introduction page: listed, with its evidence page and the decree it cites
    row = html[html.index("Giới thiệu; chức năng") :].split("</tr>")[0]
    assert "không có" in row and "http://da-nang.test/gioi-thieu" in row
    assert "Nghị định 42/2022/NĐ-CP 4(1)(e)" in row
    assert "info.news" in html and "chưa kiểm tra được" in html  # could not test is listed too
    ha_noi = (out / "findings" / "ha-noi.html").read_text(encoding="utf-8")
    assert "Giới thiệu; chức năng" not in ha_noi  # met criteria are not listed


def test_not_assessed_entities_are_listed_apart(db, tmp_path):
    """An entity the coverage policy holds out (assessed 0, rank null, a reason) is listed
    apart in the report and its audit page, not in its group's table."""
    db.execute(
        "update rankings set assessed = 0, rank = null, not_assessed_reason = ? "
        "where quarter = '2026Q4' and entity_id = 'hue'",
        ["cổng thông tin không truy cập được"],
    )
    out = tmp_path / "out"
    write_report(db, "2026Q4", out)
    html = (out / "report.html").read_text(encoding="utf-8")
    ranked, _, unranked = html.partition("<h3>Chưa đánh giá</h3>")
    assert "Thành phố Huế" in unranked and "cổng thông tin không truy cập được" in unranked
    province = ranked[ranked.index("Tỉnh, thành phố trực thuộc trung ương") :]
    assert "Thành phố Huế" not in province.split("</table>")[0]
    audit = (out / "audit" / "hue.html").read_text(encoding="utf-8")
    assert "<strong>Chưa đánh giá</strong>: cổng thông tin không truy cập được" in audit
