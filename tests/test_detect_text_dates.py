"""Vietnamese text folding, keyword matching, date parsing and service-level normalisation.

Pure functions of crawler/detect on hand-written strings: what portals really write (upper-case
menus, slugs without diacritics, decomposed Unicode, both legal vocabularies of service levels).
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from crawler.detect.dates import find_dates, newest
from crawler.detect.page import match_section
from crawler.detect.services import normalise_level, parse_catalogue, parse_catalogue_json
from crawler.detect.text import excerpt, fold, nfc, slug_fold


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23/08/2022", date(2022, 8, 23)),
        ("Thứ Hai, 22/08/2022 10:30", date(2022, 8, 22)),
        ("Thu Hai, 22/08/2022 10:30", date(2022, 8, 22)),
        ("Cập nhật: 5/9/2022", date(2022, 9, 5)),
        ("22-08-2022", date(2022, 8, 22)),
        ("22.08.2022", date(2022, 8, 22)),
        ("2022-08-22T10:30:00+07:00", date(2022, 8, 22)),
        ("ngày 22 tháng 8 năm 2022", date(2022, 8, 22)),
        ("Hà Nội, ngày 02 tháng 09 năm 2022", date(2022, 9, 2)),
        ("NGÀY 22 THÁNG 8 NĂM 2022", date(2022, 8, 22)),
        ("ngay 22 thang 8 nam 2022", date(2022, 8, 22)),
        ("Ngày 22, tháng 8, năm 2022", date(2022, 8, 22)),
        (nfd("ngày 22 tháng 8 năm 2022"), date(2022, 8, 22)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_find_dates_reads_the_forms_portals_use(text, expected):
    assert find_dates(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2022",  # no 31 February
        "29/02/2023",  # not a leap year
        "32/01/2022",
        "15/13/2022",  # month 13
        "00/08/2022",
        "ngày 30 tháng 2 năm 2022",
        "ngày 5 tháng 13 năm 2022",
        "08/22/2022",  # US order is not Vietnamese: month 22
        "2022-8-22",  # ISO needs two-digit month and day
        "123/08/20225",  # digits glued on both sides
        "01/01/1989",  # before any portal existed: a historical date, not news
        "Số 12/2022/TT-BTTTT",  # a document number, not a date
        "Quyết định 1234/QĐ-UBND",
        "",
    ],
)
def test_find_dates_rejects_impossible_and_non_dates(text):
    assert find_dates(text) == []


def test_find_dates_keeps_every_date_and_skips_history():
    text = "Kỷ niệm 75 năm Ngày Thương binh - Liệt sỹ (27/7/1947 - 27/7/2022), đăng 24/08/2022"
    assert find_dates(text) == [date(2022, 7, 27), date(2022, 8, 24)]


def test_newest_ignores_future_dates_as_events():
    text = "Tin 23/08/2022. Hội nghị ngày 15 tháng 12 năm 2030. Tin 20/08/2022"
    assert newest(text, as_of=date(2022, 8, 27)) == date(2022, 8, 23)
    assert newest(text) == date(2030, 12, 15)
    assert newest("01/09/2022", as_of=date(2022, 8, 27)) is None
    assert newest("không có ngày") is None


# --- folding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("CƠ CẤU TỔ CHỨC", "co cau to chuc"),
        ("Cơ cấu tổ chức", "co cau to chuc"),
        (nfd("Cơ cấu tổ chức"), "co cau to chuc"),
        ("Đường dây nóng", "duong day nong"),
        ("ĐĂNG NHẬP", "dang nhap"),
        (nfd("Lãnh đạo Sở"), "lanh dao so"),
        ("Hỏi - đáp", "hoi dap"),
        ("  Tin tức\n\t– Sự kiện!! ", "tin tuc su kien"),
        ("Văn bản QPPL", "van ban qppl"),
        (None, ""),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_composed_and_decomposed_fold_alike_but_differ_raw():
    composed, decomposed = "Phản ánh kiến nghị", nfd("Phản ánh kiến nghị")
    assert composed != decomposed
    assert fold(composed) == fold(decomposed) == "phan anh kien nghi"
    assert nfc(decomposed) == composed


def test_slug_fold_reads_url_paths_as_words():
    assert slug_fold("/web/ha-noi/co-cau-to-chuc") == "web ha noi co cau to chuc"
    assert slug_fold("/so_do_website.html") == "so do website html"


def test_excerpt_collapses_whitespace_and_cuts():
    assert excerpt("  a\n\n b  ") == "a b"
    cut = excerpt("x" * 300, 50)
    assert len(cut) == 50 and cut.endswith("…")


# --- keyword matching on menus and slugs ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "url", "criterion"),
    [
        ("CƠ CẤU TỔ CHỨC", "", "info.org_structure"),
        ("Co cau to chuc", "", "info.org_structure"),
        (nfd("Cơ cấu tổ chức"), "", "info.org_structure"),
        ("", "https://x.gov.vn/co-cau-to-chuc", "info.org_structure"),
        ("", "https://x.gov.vn/web/guest/co_cau_to_chuc", "info.org_structure"),
        ("LÃNH ĐẠO SỞ", "", "info.leadership"),
        # HTTrack and Liferay drop the đ from slugs: "lanh-ao-so"
        ("", "https://sotttt.hanoi.gov.vn/lanh-ao-so", "info.leadership"),
        ("GIỚI THIỆU CHUNG", "", "info.about"),
        ("Chức năng, nhiệm vụ, quyền hạn", "", "info.about"),
        ("Liên hệ", "", "info.contact"),
        ("Tin tức - Sự kiện", "", "info.news"),
        ("VĂN BẢN QPPL", "", "info.legal_documents"),
        ("Xem thêm", "https://x.gov.vn/van-ban", "info.legal_documents"),
        ("THỦ TỤC HÀNH CHÍNH", "", "info.procedures"),
        ("TTHC", "", "info.procedures"),
        ("Hỏi - đáp", "", "info.qa_feedback"),
        ("Sơ đồ cổng", "", "func.sitemap"),
        ("English", "", "info.english"),
        ("EN", "", "info.english"),
        ("Tài chính", "", "info.budget"),
    ],
)
def test_match_section_on_menus_and_slugs(text, url, criterion):
    assert match_section(text, url) == criterion


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Bộ Tài chính", ""),  # an agency, not the budget section
        ("UBND tỉnh Lâm Đồng", ""),
        # a headline that mentions a cue is not a menu item, whatever its URL says
        (
            "Sở Tư pháp tổ chức hội nghị tập huấn về thủ tục hành chính năm 2022",
            "https://x.gov.vn/tin-tuc/thu-tuc-hanh-chinh-2022",
        ),
        ("Trang chủ", "https://x.gov.vn/"),
        ("", ""),
    ],
)
def test_match_section_rejects_agencies_and_headlines(text, url):
    assert match_section(text, url) is None


def test_match_section_longest_cue_wins():
    # "lay y kien du thao" (consultation) is longer than "du thao" and "lay y kien"
    assert match_section("Lấy ý kiến dự thảo văn bản") == "info.consultation"
    # "chi dao dieu hanh" (direction) vs "van ban": the longer cue decides
    assert match_section("Văn bản chỉ đạo điều hành") == "info.legal_documents"


# --- service levels, both vocabularies -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "level"),
    [
        # D43 badges
        ("Mức độ 4", "full"),
        ("MỨC ĐỘ 4", "full"),
        ("Muc do 4", "full"),
        (nfd("Mức độ 4"), "full"),
        ("mức 4", "full"),
        ("Mức độ 3", "partial"),
        ("Mức độ 2", "info_only"),
        ("Mức độ 1", "info_only"),
        # D42 labels
        ("Toàn trình", "full"),
        ("toan trinh", "full"),
        ("DVCTT toàn trình", "full"),
        ("Dịch vụ công trực tuyến toàn trình", "full"),
        ("Một phần", "partial"),
        ("DVCTT một phần", "partial"),
        ("Dịch vụ công trực tuyến một phần", "partial"),
        ("Mức độ 3 (một phần)", "partial"),
        ("Mức độ 4 - Toàn trình", "full"),
        # not online
        ("Cung cấp thông tin", "info_only"),
        ("Dịch vụ công", "info_only"),
        ("chưa cung cấp", "none"),
        ("Không cung cấp", "none"),
        ("Dịch vụ công chưa cung cấp trực tuyến", "none"),
        # structured fields (maxLevel / mucDo)
        (4, "full"),
        (3, "partial"),
        (2, "info_only"),
        (1, "info_only"),
        ("4", "full"),
        ("3", "partial"),
        (4.0, "full"),
        # nothing recognisable: unknown, never a level
        (0, "unknown"),
        (5, "unknown"),
        ("Mức độ 34", "unknown"),
        ("xem chi tiết", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_normalise_level(raw, level):
    assert normalise_level(raw) == level


def test_catalogue_json_reads_maxlevel_and_mucdo_fields():
    payload = {
        "data": [
            {"tenThuTuc": "Cấp giấy phép A", "maThuTuc": "1.001234", "mucDo": 4, "url": "/tt/1"},
            {"name": "Cấp giấy phép B", "maxLevel": "3", "link": "/tt/2"},
            {"ten": "Thủ tục C", "mucDoText": "Toàn trình", "detailUrl": "/tt/3"},
            {"ten": "Thủ tục D", "mucDo": "", "url": "/tt/4"},
            {"ten": "không có link", "mucDo": 4},
        ]
    }
    rows = parse_catalogue_json("https://dichvucong.x.gov.vn/api/list", payload)
    assert [(r["url"], r["declared"], r["declared_raw"]) for r in rows] == [
        ("https://dichvucong.x.gov.vn/tt/1", "full", "4"),
        ("https://dichvucong.x.gov.vn/tt/2", "partial", "3"),
        ("https://dichvucong.x.gov.vn/tt/3", "full", "Toàn trình"),
        ("https://dichvucong.x.gov.vn/tt/4", "unknown", ""),
    ]
    assert rows[0]["name"] == "Cấp giấy phép A" and rows[0]["code"] == "1.001234"


def test_catalogue_html_badges_keep_raw_text():
    html = """<html><body><table>
      <tr><td><a href="/tt/1">Cấp phép xuất bản bản tin</a> 1.004567</td>
          <td><span class="muc-do">Mức độ 4</span></td></tr>
      <tr><td><a href="/tt/2">Đăng ký hoạt động in</a></td>
          <td><span class="badge">DVCTT một phần</span></td></tr>
      <tr><td><a href="/tt/3">Thủ tục không trực tuyến</a></td>
          <td><span class="badge">Chưa cung cấp</span></td></tr>
    </table></body></html>"""
    cat = parse_catalogue("https://dvc.x.gov.vn/danh-muc", html)
    got = [(s["url"], s["declared"], s["declared_raw"]) for s in cat["services"]]
    assert got == [
        ("https://dvc.x.gov.vn/tt/1", "full", "Mức độ 4"),
        ("https://dvc.x.gov.vn/tt/2", "partial", "DVCTT một phần"),
        ("https://dvc.x.gov.vn/tt/3", "none", "Chưa cung cấp"),
    ]
    assert cat["services"][0]["code"] == "1.004567"
    assert cat["needs_browser"] is False


def test_catalogue_js_shell_needs_browser_and_api_is_found():
    shell = '<html><body><div id="app"></div><script src="/app.js"></script></body></html>'
    assert parse_catalogue("https://dvc.x.gov.vn/", shell) == {
        "services": [],
        "json_endpoints": [],
        "needs_browser": True,
    }
    with_api = (
        '<html><body><div id="app"></div>'
        "<script>fetch('/api/thu-tuc?page=1').then(r => r.json())</script></body></html>"
    )
    cat = parse_catalogue("https://dvc.x.gov.vn/", with_api)
    assert cat["json_endpoints"] == ["https://dvc.x.gov.vn/api/thu-tuc?page=1"]
    assert cat["needs_browser"] is False
    # a static page with no badges and no scripts lists nothing, and no browser would change that
    assert parse_catalogue("https://dvc.x.gov.vn/", "<p>Trang tĩnh</p>")["needs_browser"] is False
