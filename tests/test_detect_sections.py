"""Section judgement on small hand-written sites: what the page shows decides, not the cue word.

Each site shares one template (menu, sidebar, footer) across its pages, as real portals do, so
the judgement has to learn it before it can tell a section's own content from the chrome.
"""

from __future__ import annotations

from datetime import date

import pytest

from crawler.criteria import judge_entity
from crawler.criteria.observed import Seen
from crawler.detect.blocks import block_features, page_blocks
from crawler.detect.page import analyze_page, file_section, name_section
from crawler.detect.sections import Site, content_verdict

BASE = "https://ubnd.example.gov.vn"
MENU = """<ul class="menu">
  <li><a href="/gioi-thieu">Giới thiệu</a></li>
  <li><a href="/thong-ke">Thống kê</a></li>
  <li><a href="/van-ban">Văn bản pháp luật</a></li>
  <li><a href="/co-che-chinh-sach">Cơ chế chính sách</a></li>
  <li><a href="/ttpb"><img src="/img/ttpbgdpl.png" alt=""></a></li>
  <li><a href="/nguoi-phat-ngon"><img src="/img/ThongTinNguoiPhatNgon.gif" alt=""></a></li>
  <li><span>CƠ CẤU TỔ CHỨC</span><ul><li><a href="/huyen-uy">Huyện ủy</a></li></ul></li>
  <li><a href="https://dichvucong.example.gov.vn/">Cổng dịch vụ công</a></li>
</ul>"""
FOOTER = """<div class="footer">Ủy ban nhân dân huyện X. Địa chỉ: 12 Lê Lợi, thị trấn Y.
  Điện thoại: 0261 3544 123. Email: ubnd@example.gov.vn. Chịu trách nhiệm nội dung:
  Đ/c Nguyễn Văn Minh - Phó Chủ tịch UBND huyện.</div>"""
FILLER = (
    "<p>Huyện X nằm ở phía tây tỉnh, có 12 đơn vị hành chính, diện tích tự nhiên 81 nghìn ha; "
    "nhân dân các dân tộc cùng sinh sống, kinh tế chủ yếu là nông nghiệp và dịch vụ.</p>"
)


def html(body: str, title: str = "Cổng thông tin điện tử huyện X") -> str:
    return (
        f'<html lang="vi"><head><title>{title}</title></head><body>{MENU}'
        f'<div class="content">{body}</div>{FOOTER}</body></html>'
    )


ARTICLES = {
    f"/tin/bai-{n}": html(
        f"<h2>Bài viết số {n} về phát triển nông thôn</h2><p>Năm {2020 + n}, xã số {n} của "
        f"huyện hoàn thành {n * 7} tiêu chí nông thôn mới, làm {n * 3} km đường giao thông.</p>"
    )
    for n in range(1, 6)
}


def judge(pages: dict[str, str | int], service_hosts=("dichvucong.example.gov.vn",)) -> dict:
    rows = []
    for path, content in {**ARTICLES, **pages}.items():
        site = "probe404" if path == PROBE else "portal"
        row = {"url": BASE + path, "site": site, "depth": 0 if path == "/" else 1}
        if isinstance(content, int):
            row |= {"fetch_status": "http_4xx", "http_status": content}
        else:
            row |= {"fetch_status": "ok", "http_status": 200}
            row["facts"] = analyze_page(BASE + path, content)
        rows.append(row)
    findings = judge_entity(
        Seen(rows, as_of=date(2026, 12, 31), home_url=BASE + "/", service_hosts=service_hosts)
    )
    return {f["criterion"]: f for f in findings}


HOME = html("<h2>Tin tức nổi bật</h2>" + FILLER)
PROBE = "/egovrank-no-such-page-7f3a9c"  # what the crawl asks every portal for


def test_placeholder_section_is_linked_but_broken():
    found = judge({"/": HOME, "/thong-ke": html("<p>báo cáo thống kê</p><p>Đang cập nhật …</p>")})
    stats = found["info.statistics"]
    assert (stats["value"], stats["status"]) == ("linked_broken", "placeholder")


def test_section_with_real_figures_is_present():
    body = (
        "<h2>Số liệu thống kê</h2><table><tr><td>Chỉ tiêu</td><td>2025</td></tr>"
        "<tr><td>Tổng số hộ dân</td><td>24.512</td></tr><tr><td>Tỷ lệ hộ nghèo</td>"
        "<td>3,2%</td></tr></table><p>Báo cáo thống kê kinh tế - xã hội 6 tháng đầu năm "
        "2025 của huyện: giá trị sản xuất nông nghiệp tăng 4,1%, thu ngân sách đạt 56% dự "
        "toán, tạo việc làm mới cho 1.240 lao động.</p>"
    )
    found = judge({"/": HOME, "/thong-ke": html(body)})
    assert found["info.statistics"]["value"] == "present"
    assert found["info.statistics"]["detail"]["decided_by"] == "text+heading"


def test_soft_404_served_with_200_is_linked_but_broken():
    body = "<h1>Default 404 Not Found Page</h1><p>The page you requested was not found.</p>"
    found = judge({"/": HOME, "/thong-ke": html(body)})
    assert (found["info.statistics"]["value"], found["info.statistics"]["status"]) == (
        "linked_broken",
        "soft_404",
    )


def test_page_showing_the_sites_own_error_page_is_a_soft_404():
    """No marker words at all: the site answers 200 with the same page for any missing path."""
    gone = html("<h2>Rất tiếc!</h2><p>Trang bạn tìm đã được di chuyển hoặc xóa bỏ.</p>")
    found = judge({"/": HOME, PROBE: gone, "/thong-ke": gone})
    assert (found["info.statistics"]["value"], found["info.statistics"]["status"]) == (
        "linked_broken",
        "soft_404",
    )
    # a site whose missing paths answer 404 judges the same page by its content alone
    found = judge({"/": HOME, PROBE: 404, "/thong-ke": gone})
    assert found["info.statistics"]["status"] != "soft_404"


def test_only_test_entries_is_linked_but_broken():
    body = (
        "<h2>Văn bản pháp luật</h2><table><tr><th>Số/ký hiệu</th><th>Trích yếu</th></tr>"
        "<tr><td>TH6</td><td>Tesn tin văn bản pháp luật</td></tr>"
        "<tr><td>TJ-334</td><td>Test văn bản</td></tr></table>" + FILLER
    )
    found = judge({"/": HOME, "/van-ban": html(body)})
    assert (found["info.legal_documents"]["value"], found["info.legal_documents"]["status"]) == (
        "linked_broken",
        "test_only",
    )


def test_legal_documents_need_numbered_entries():
    rows = "".join(
        f"<tr><td>{n}/2025/QĐ-UBND</td><td>{n:02d}/03/2025</td><td>Quyết định ban hành quy chế "
        f"quản lý số {n}</td></tr>"
        for n in (12, 13, 17)
    )
    body = f"<h2>Văn bản pháp luật</h2><table>{rows}</table>{FILLER}"
    assert judge({"/": HOME, "/van-ban": html(body)})["info.legal_documents"]["value"] == "present"
    # the same heading over prose without a single document number is not the section
    off = judge({"/": HOME, "/van-ban": html("<h2>Văn bản pháp luật</h2>" + FILLER * 2)})
    assert off["info.legal_documents"]["status"] == "off_topic"


def test_a_menu_word_that_is_not_the_section_names_nothing():
    """'Cơ chế chính sách' is a business page, not law dissemination (real portal, labelled)."""
    page = html("<h2>Cơ chế chính sách</h2>" + FILLER)
    found = judge({"/": HOME, "/co-che-chinh-sach": page})
    assert found["info.law_dissemination"]["value"] == "absent"


def test_headline_with_a_section_word_is_not_the_section():
    article = html("<h2>Lãnh đạo UBND tỉnh thăm và tặng quà cho trẻ em</h2>" + FILLER)
    home = html(
        '<h2>Tin tức nổi bật</h2><p><a href="/lanh-dao-ubnd-tinh-tham-tang-qua">'
        '<img src="/img/anh1.jpg"></a></p>' + FILLER
    )
    found = judge({"/": home, "/lanh-dao-ubnd-tinh-tham-tang-qua": article})
    assert found["info.leadership"]["value"] == "absent"


def test_image_banner_confirmed_by_the_target_heading():
    officials = html(
        "<h2>Người phát ngôn</h2><table><tr><td>Họ và tên</td><td>Chức vụ</td><td>Điện thoại"
        "</td></tr><tr><td>Trần Thị Lan</td><td>Chánh Văn phòng</td><td>0261 3544 567</td>"
        "</tr></table>" + FILLER
    )
    found = judge({"/": HOME, "/nguoi-phat-ngon": officials})
    spokes = found["info.contact_officials"]
    assert spokes["value"] == "present"
    assert spokes["detail"]["decided_by"] == "heading+image"
    # the same banner to a page that does not name the section is no evidence at all
    found = judge({"/": HOME, "/nguoi-phat-ngon": html("<h2>Ảnh hoạt động</h2>" + FILLER)})
    assert found["info.contact_officials"]["value"] == "absent"


def test_links_under_a_menu_group_heading_lead_to_its_section():
    found = judge({"/": HOME, "/huyen-uy": 404})
    org = found["info.org_structure"]
    assert (org["value"], org["http_status"], org["link_text"]) == (
        "linked_broken",
        404,
        "Huyện ủy",
    )


def test_service_portal_link_meets_procedures_and_an_unrelated_host_does_not():
    assert judge({"/": HOME})["info.procedures"]["value"] == "present"
    other = judge({"/": HOME}, service_hosts=("dvc.other.gov.vn",))
    assert other["info.procedures"]["value"] == "absent"


def test_dated_news_list_on_the_home_page_is_news():
    items = "".join(f"<li>Bài viết mới {n} ({n + 10}/11/2026)</li>" for n in range(5))
    found = judge({"/": html(f"<h2>Tin tức nổi bật</h2><ul>{items}</ul>")})
    assert found["info.news"]["value"] == "present"
    assert found["info.news"]["detail"]["decided_by"] == "home block"
    # without dates the home's heading is no news list
    assert judge({"/": HOME})["info.news"]["value"] == "absent"


def test_search_form_whose_handler_is_missing_is_linked_but_broken():
    home = html(
        '<form action="Home.aspx" method="post"><input name="InputKeywords" '
        'value="Search this site..."><a href="javascript:S3F5_Submit()">Go</a></form>' + FILLER
    )
    found = judge({"/": home, "/Home.aspx": 404})
    assert (found["func.search"]["value"], found["func.search"]["http_status"]) == (
        "linked_broken",
        404,
    )


def test_english_version_behind_a_flag_is_confirmed_by_its_language():
    """The real Hanoi home links its English site by a text-less flag; the English home is
    headed "Home" and even declares vi-VN: its content's language decides."""
    text = "The Department advises the city on the state management of press and publishing. "
    english = '<html lang="vi-VN"><body><h1>Home</h1><p>' + text * 3 + "</p></body></html>"
    home = html('<a href="/web/sotttt-eng/home"><img src="/flag.png"></a>' + FILLER)
    found = judge({"/": home, "/web/sotttt-eng/home": english})
    assert found["info.english"]["value"] == "present"
    assert found["info.english"]["detail"]["decided_by"] == "slug+language"
    # the same slug to a Vietnamese page is no English version
    found = judge({"/": home, "/web/sotttt-eng/home": html(FILLER)})
    assert found["info.english"]["value"] == "absent"


def test_sitemap_page_repeating_the_menu_is_present_but_a_bare_one_is_not():
    """A sitemap lists the site's pages under the menu's own texts: its blocks are template."""
    many = "".join(f'<li><a href="/muc-{n}">Chuyên mục {n}</a></li>' for n in range(30))
    sitemap = html(f"<ul>{MENU}{many}</ul>")
    home = html('<a href="/so-do-site">Sơ đồ site</a>' + FILLER)
    assert judge({"/": home, "/so-do-site": sitemap})["func.sitemap"]["value"] == "present"
    bare = judge({"/": home, "/so-do-site": html("")})["func.sitemap"]
    assert (bare["value"], bare["status"]) == ("linked_broken", "empty")


def test_a_short_contact_page_with_a_phone_is_the_contact_section():
    footerless = html("").replace(FOOTER, "")
    page = footerless.replace(
        '<div class="content"></div>',
        '<div class="content"><h2>Liên hệ</h2><p>Địa chỉ: 12 Lê Lợi. ĐT: 0261 3544 123</p></div>',
    )
    home = html('<a href="/lien-he">Liên hệ</a>' + FILLER).replace(FOOTER, "")
    found = judge({"/": home, "/lien-he": page})
    assert found["info.contact"]["value"] == "present"


# --- the pieces ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "criterion"),
    [
        ("/img/ThongTinNguoiPhatNgon.gif", "info.contact_officials"),
        ("/Portals/0/ttpbgdpl.png", "info.law_dissemination"),
        ("/images/banner-lanh-dao.png", "info.leadership"),
        ("/images/logo.png", None),
        ("/images/anh-hoi-nghi-2026.jpg", None),
    ],
)
def test_image_file_names_name_sections(src, criterion):
    assert file_section(src) == criterion


@pytest.mark.parametrize(
    ("text", "criterion"),
    [
        ("Thông tin dự án", "info.projects_procurement"),
        ("Sơ đồ site", "func.sitemap"),
        ("ĐỊNH HƯỚNG QH - KH", "info.strategy_plans"),
        ("PBGDPL", "info.law_dissemination"),
        ("Hướng dẫn tính mức lương, phụ cấp", None),
        ("Chính sách", None),
    ],
)
def test_names_of_sections(text, criterion):
    assert name_section(text) == criterion


def test_block_features_count_what_a_section_must_hold():
    assert block_features("Quyết định số 12/2019/QĐ-UBND ngày 12/03/2019")["n"] == [
        "12/2019/QĐ-UBND"
    ]
    assert block_features("Giám đốc: Nguyễn Văn Hùng, điện thoại 0261 3544 123")["p"] == 1
    assert "p" not in block_features("Lãnh đạo UBND tỉnh thăm và tặng quà cho trẻ")
    assert block_features("Đang cập nhật …")["x"] == 1
    assert block_features("Test tin thủ tục hành chính")["s"] == 1
    assert "s" not in block_features("Kiểm tra, giám sát kỳ thi")


def test_leaders_shown_as_cards_count_as_named_people():
    """Name and title in separate blocks of a card, as many themes show leaders."""
    from lxml import html as lxml_html

    cards = "".join(
        f'<div class="card"><div class="name">{n}</div><div class="pos">{t}</div></div>'
        for n, t in (("Nguyễn Văn Hùng", "Giám đốc Sở"), ("Trần Thị Lan", "Phó Giám đốc"))
    )
    doc = lxml_html.fromstring(f"<html><body>{cards}</body></html>")
    blocks, _ = page_blocks(doc.find("body"))
    assert sum(b[2].get("p", 0) for b in blocks) == 2
    # two headlines in a row are no person
    doc = lxml_html.fromstring(
        "<html><body><div>Hội nghị tổng kết năm</div><div>Giám đốc Sở phát biểu</div></body></html>"
    )
    assert not any(b[2].get("p") for b in page_blocks(doc.find("body"))[0])


def test_a_directory_row_is_one_block_but_a_layout_row_is_not():
    from lxml import html as lxml_html

    doc = lxml_html.fromstring(
        "<html><body><table><tr><td>Nguyễn Văn Hùng</td><td>Phó Giám đốc</td></tr>"
        "<tr><td><div>Menu</div></td><td><div>Nội dung</div></td></tr></table></body></html>"
    )
    blocks, _names = page_blocks(doc.find("body"))
    assert blocks[0][1:] == [28, {"p": 1}]  # the data row: one block, its person found
    assert [b[1] for b in blocks[1:]] == [4, 8]  # the layout row: its cells' blocks apart


def test_template_is_learned_from_the_site_itself():
    pages = [
        {"url": BASE + p, "facts": analyze_page(BASE + p, h), "fetch_status": "ok"}
        for p, h in ARTICLES.items()
    ]
    site = Site.learn(pages, {p["url"]: p for p in pages}, BASE + "/")
    own = site.own_blocks(pages[0])
    # the footer and menu repeat on every page; the article's heading and text are its own
    assert all("Nguyễn Văn Minh" not in str(b) for b in own)
    assert len(own) == 2
    # a page that is nothing but the template (menu, footer with its contact block) is empty
    bare = {"url": BASE + "/x", "facts": analyze_page(BASE + "/x", html("")), "fetch_status": "ok"}
    assert content_verdict("info.contact", bare, site) == "empty"
