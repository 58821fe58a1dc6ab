"""Page facts, crawl priority and traps, the failure taxonomy and the browser-walk classifier,
all on small hand-written inputs (no network, no browser)."""

from __future__ import annotations

import gzip
import zlib
from datetime import date
from types import SimpleNamespace

import pytest
from lxml import html as lxml_html
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from twisted.internet import error as tx_error
from twisted.python.failure import Failure

from crawler.browser.classify import find_entry, observed_level, reached
from crawler.core.failures import TAXONOMY, classify_failure
from crawler.detect import sitemap as sitemap_mod
from crawler.detect.dates import newest
from crawler.detect.page import analyze_page, content_language, valid_lang
from crawler.detect.priority import canonical, is_asset, is_trap, link_priority
from crawler.detect.sitemap import sitemap_urls

HOME = "https://snv.example.gov.vn/trang-chu"

PORTAL = """<!doctype html><html lang="vi"><head><title>Trang chủ - Sở Nội vụ tỉnh X</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<nav><ul>
  <li><a href="/gioi-thieu">GIỚI THIỆU</a></li>
  <li><a href="/co-cau-to-chuc">CƠ CẤU TỔ CHỨC</a></li>
  <li><a href="/lanh-dao-so"><img src="/banner-lanh-dao.png"></a></li>
  <li><a href="/van-ban">Văn bản QPPL</a></li>
  <li><a href="/tin-tuc">Tin tức - Sự kiện</a></li>
  <li><a href="/en/home">EN</a></li>
  <li><a href="javascript:void(0)">Liên hệ</a></li>
  <li><a href="https://moha.gov.vn/">Bộ Nội vụ</a></li>
  <li><a href="https://dichvucong.gov.vn/">Cổng Dịch vụ công quốc gia</a></li>
  <li><a href="https://www.facebook.com/snv">Facebook</a></li>
</ul></nav>
<form action="/tim-kiem" method="GET"><input name="keyword" placeholder="Tìm kiếm...">
  <button>Tìm</button></form>
<div class="news">
  <p><a href="/tin-tuc/hoi-nghi-tong-ket">Hội nghị tổng kết công tác năm về thủ tục hành chính
     và cải cách hành chính của tỉnh</a> (Thứ Hai, 22/08/2022 10:30)</p>
  <p>Tập huấn ngày 24 tháng 8 năm 2022</p>
  <p>Lịch tiếp công dân: 01/10/2030</p>
</div>
<img src="a.png"><img src="b.png" alt=""><img src="c.png" alt="Quốc huy">
<div id="footer">Sở Nội vụ tỉnh X. Địa chỉ: 12 Trần Phú, TP X. Điện thoại: 0263 382 1234.
  Email: snv@x.gov.vn</div>
</body></html>"""


@pytest.fixture(scope="module")
def facts():
    return analyze_page(HOME, PORTAL)


def section_urls(facts, crit):
    return [u for u, *_ in facts["section_links"].get(crit, [])]


# --- analyze_page ----------------------------------------------------------------------------


def test_sections_found_by_link_text_and_by_url(facts):
    assert section_urls(facts, "info.about") == ["https://snv.example.gov.vn/gioi-thieu"]
    assert section_urls(facts, "info.org_structure") == [
        "https://snv.example.gov.vn/co-cau-to-chuc"
    ]
    # an image link without text is found by its file name (banner-lanh-dao.png): weak
    # evidence, said so, which the target page's own heading must confirm
    assert facts["section_links"]["info.leadership"] == [
        ["https://snv.example.gov.vn/lanh-dao-so", "", "image"]
    ]
    assert section_urls(facts, "info.legal_documents") == ["https://snv.example.gov.vn/van-ban"]
    assert section_urls(facts, "info.news") == ["https://snv.example.gov.vn/tin-tuc"]
    assert facts["english_link"] == "https://snv.example.gov.vn/en/home"


def test_headlines_javascript_links_and_external_links_are_not_sections(facts):
    # the headline mentions "thủ tục hành chính" but is not the procedures section
    assert "info.procedures" not in facts["section_links"]
    # "Liên hệ" behind javascript: is no link at all
    assert "info.contact" not in facts["section_links"]
    assert all(u.startswith("https://snv.example.gov.vn/") for u, _ in facts["links"])
    assert facts["external_links"] == 3
    assert facts["gov_links"] == 2


def test_contact_block_in_footer(facts):
    assert facts["contact_block"].startswith("Sở Nội vụ tỉnh X. Địa chỉ: 12 Trần Phú")


@pytest.mark.parametrize(
    "footer",
    [
        "<footer>Địa chỉ: 12 Trần Phú</footer>",  # address without phone or email
        "<footer>Điện thoại: 0263 382 1234. Email: a@x.gov.vn</footer>",  # no address
        "<div class='main'>Địa chỉ: 12 Trần Phú. Điện thoại: 0263 382 1234</div>",  # not a footer
    ],
)
def test_no_contact_block_without_address_and_phone_in_a_footer(footer):
    assert analyze_page(HOME, f"<html><body>{footer}</body></html>")["contact_block"] is None


def test_contact_block_in_footer_element_with_email():
    page = "<html><body><footer>ĐỊA CHỈ: 1 Lê Lợi. THƯ ĐIỆN TỬ: vp@x.gov.vn</footer></body></html>"
    assert (
        analyze_page(HOME, page)["contact_block"] == "ĐỊA CHỈ: 1 Lê Lợi. THƯ ĐIỆN TỬ: vp@x.gov.vn"
    )


def test_search_form(facts):
    assert facts["search_form"] == {
        "action": "https://snv.example.gov.vn/tim-kiem",
        "param": "keyword",
        "method": "get",
    }


def test_search_form_by_placeholder_and_not_a_login_form():
    by_label = """<html><body><form action="/s" method="post">
        <input type="text" name="txtQ" placeholder="Nhập từ khóa tra cứu"></form></body></html>"""
    assert analyze_page(HOME, by_label)["search_form"] == {
        "action": "https://snv.example.gov.vn/s",
        "param": "txtQ",
        "method": "post",
    }
    login = """<html><body><form action="/dang-nhap" method="post">
        <input name="username"><input type="password" name="pw">
        <button>Đăng nhập</button></form></body></html>"""
    assert analyze_page(HOME, login)["search_form"] is None


def test_viewport_and_images_without_alt(facts):
    assert facts["viewport"] is True
    # the banner in the leadership link and a.png have no alt; alt="" is a valid decorative alt
    assert (facts["images"], facts["images_without_alt"]) == (4, 2)
    bare = analyze_page(HOME, "<html><head></head><body><p>x</p></body></html>")
    assert bare["viewport"] is False and bare["images"] == 0


def test_dates_and_newest_news_date(facts):
    assert facts["dates"] == ["2030-10-01", "2022-08-24", "2022-08-22"]
    as_of = date(2022, 8, 27)
    assert max(d for d in map(date.fromisoformat, facts["dates"]) if d <= as_of) == date(
        2022, 8, 24
    )
    assert newest(" ".join(facts["dates"]), as_of=as_of) == date(2022, 8, 24)


def test_lang_declared_and_content_language_mismatch():
    vi_text = (
        "Sở Thông tin và Truyền thông thành phố Hà Nội thông báo lịch tiếp công dân tháng tám."
    )
    page = f'<html lang="en-US"><head><title>Danh bạ</title></head><body><p>{vi_text}</p></body></html>'
    f = analyze_page(HOME, page)
    assert f["lang"] == "en-US"
    assert f["content_lang"] == "vi"
    assert f["lang"].split("-")[0].lower() != f["content_lang"]

    en_text = "The Department of Information and Communications is the agency of the city for this."
    f = analyze_page(HOME, f'<html lang="vi-VN"><body><p>{en_text} {en_text}</p></body></html>')
    assert (f["lang"], f["content_lang"]) == ("vi-VN", "en")

    assert analyze_page(HOME, "<html><body><p>Xin chào</p></body></html>")["lang"] is None


def test_content_language_needs_enough_text():
    assert content_language("Hà Nội") == "unknown"
    assert content_language("1234567890 " * 20) == "unknown"


@pytest.mark.parametrize(
    ("tag", "ok"),
    [("vi", True), ("vi-VN", True), ("en-US", True), ("", False), (None, False)]
    + [("vietnamese", False), ("vi_VN", False), ("v", False)],
)
def test_valid_lang(tag, ok):
    assert valid_lang(tag) is ok


def test_blocked_and_maintenance_pages():
    waf = "<html><body><h1>Request Rejected</h1>The requested URL was rejected.</body></html>"
    assert analyze_page(HOME, waf)["blocked"] is True
    upkeep = "<html><body><p>Hệ thống đang bảo trì, vui lòng quay lại sau.</p></body></html>"
    assert analyze_page(HOME, upkeep)["maintenance"] is True
    # a long real page that merely mentions captcha in a form is not a block page
    long_page = "<html><body><p>captcha</p>" + "<p>Tin tức sự kiện trong tỉnh.</p>" * 200
    assert analyze_page(HOME, long_page + "</body></html>")["blocked"] is False


def test_garbage_and_empty_input_give_facts_not_exceptions():
    for junk in ("", "\x00\x01", "<html", "<?xml version='1.0'?><a/>"):
        f = analyze_page(HOME, junk)
        assert f["links"] == [] and f["section_links"] == {}


# --- priority and traps -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://x.gov.vn/vi/vi/vi/tin-tuc", "repeated_path"),
        ("https://x.gov.vn/vi/vi/vi/vi/vi/gioi-thieu", "repeated_path"),
        ("https://x.gov.vn/a/b/c/d/e/f/g/h/i/j/k/l/m", "deep_path"),
        ("https://x.gov.vn/tin-tuc?page=21", "pagination"),
        ("https://x.gov.vn/tin-tuc?trang=500", "pagination"),
        ("https://x.gov.vn/van-ban?start=9999", "pagination"),
        ("https://x.gov.vn/lich-cong-tac?date=2022-08-22", "calendar"),
        ("https://x.gov.vn/lich-cong-tac?thang=08/2022", "calendar"),
        ("https://x.gov.vn/su-kien?d=2022-08", "calendar"),
        ("https://x.gov.vn/calendar?month=2031-09", "calendar"),
        ("https://x.gov.vn/lich-lam-viec/2022/8/22/", "calendar"),
    ],
)
def test_traps(url, why):
    assert is_trap(url) == why


@pytest.mark.parametrize(
    "url",
    [
        "https://x.gov.vn/",
        "https://x.gov.vn/vi/tin-tuc",
        "https://x.gov.vn/vi/vi/tin-tuc",  # a doubled segment happens; three is a loop
        "https://x.gov.vn/tin-tuc?page=20",
        "https://x.gov.vn/tin-tuc?page=abc",
        "https://x.gov.vn/tin-tuc?date=2022-08-22",  # a dated news filter, not a calendar
        "https://x.gov.vn/tin-tuc/2022/8/22/khai-mac-hoi-nghi",  # a dated article
    ],
)
def test_not_traps(url):
    assert is_trap(url) is None


def test_session_ids_and_tracking_collapse_to_one_page():
    variants = [
        "https://X.gov.vn/tin-tuc;jsessionid=ABC123?b=2&a=1",
        "https://x.gov.vn/tin-tuc?a=1&b=2&JSESSIONID=zz",
        "https://x.gov.vn/tin-tuc?PHPSESSID=9&b=2&a=1&utm_source=fb&fbclid=q#top",
        "https://x.gov.vn/tin-tuc?sid=1&a=1&b=2",
    ]
    assert {canonical(u) for u in variants} == {"https://x.gov.vn/tin-tuc?a=1&b=2"}
    assert canonical("https://x.gov.vn") == "https://x.gov.vn/"
    # a real parameter is kept: different articles stay different
    assert canonical("https://x.gov.vn/p?id=3") != canonical("https://x.gov.vn/p?id=4")


def test_assets_are_not_pages():
    assert is_asset("https://x.gov.vn/a.PNG") and is_asset("https://x.gov.vn/s.css?v=2")
    assert not is_asset("https://x.gov.vn/van-ban/qd-123.pdf")  # documents are evidence
    assert not is_asset("https://x.gov.vn/tin-tuc")


def test_link_priority_orders_sections_catalogue_sitemap_english_before_news():
    ranks = {
        "section": link_priority("https://x.gov.vn/co-cau-to-chuc", "Cơ cấu tổ chức"),
        "procedures": link_priority("https://x.gov.vn/thu-tuc-hanh-chinh", "Thủ tục hành chính"),
        "sitemap": link_priority("https://x.gov.vn/so-do-website", "Sơ đồ cổng"),
        "sitemap_xml": link_priority("https://x.gov.vn/sitemap.xml", ""),
        "catalogue": link_priority("https://dvc.x.gov.vn/danh-muc", "Danh mục thủ tục"),
        "service_detail": link_priority("https://dvc.x.gov.vn/chi-tiet-thu-tuc?id=1", "Khai sinh"),
        "english": link_priority("https://x.gov.vn/en/home", "English"),
        "news": link_priority(
            "https://x.gov.vn/tin-tuc/bai-1",
            "Khai mạc hội nghị tổng kết công tác năm 2022 của ngành thông tin và truyền thông",
        ),
    }
    assert ranks["section"] == ranks["procedures"] == 100
    assert ranks["sitemap"] == ranks["sitemap_xml"] == 90
    assert ranks["catalogue"] == ranks["service_detail"] == 80
    assert ranks["english"] == 70
    assert ranks["news"] == 0
    assert ranks["section"] > ranks["sitemap"] > ranks["catalogue"] > ranks["english"] > 0


# --- failure taxonomy -------------------------------------------------------------------------


def failure(exc):
    return Failure(exc)


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (tx_error.DNSLookupError("no results for hostname lookup: x.gov.vn"), "dns_error"),
        (CannotResolveHostError("x.gov.vn"), "dns_error"),
        (tx_error.ConnectionRefusedError("111: Connection refused"), "connect_error"),
        (DownloadConnectionRefusedError("[Errno 111] Connection refused"), "connect_error"),
        (tx_error.NoRouteError(), "connect_error"),
        (tx_error.ConnectionLost(), "connect_error"),
        (tx_error.TimeoutError("User timeout caused connection failure."), "timeout"),
        (tx_error.TCPTimedOutError(), "timeout"),
        (DownloadTimeoutError("Getting https://x.gov.vn/ took longer than 20 seconds."), "timeout"),
        (
            Exception("[<Failure OpenSSL.SSL.Error: certificate verify failed>]"),
            "tls_error",
        ),
        (IgnoreRequest("Forbidden by robots.txt"), "robots_disallowed"),
        (IgnoreRequest("max redirections reached"), "too_many_redirects"),
        (IgnoreRequest("netsafety: private address 10.0.0.1"), "refused_unsafe"),
        (IgnoreRequest("Filtered offsite request to 'evil.com'"), "error"),
        (DownloadCancelledError("Cancelling download: larger than 1048576"), "too_large"),
        (RuntimeError("something odd"), "error"),
    ],
)
def test_classify_failure(exc, reason):
    got, detail = classify_failure(failure(exc))
    assert got == reason
    assert got in TAXONOMY
    assert detail.startswith(type(exc).__name__)


def test_classify_failure_name_wins_over_words_in_the_url():
    # The timeout message carries the URL; a page about SSL certificates is still a timeout.
    exc = DownloadTimeoutError(
        "Getting https://x.gov.vn/tin-tuc/chung-thu-so-ssl-certificate took longer than 20 seconds."
    )
    assert classify_failure(failure(exc))[0] == "timeout"
    assert classify_failure(failure(tx_error.DNSLookupError("ssl.x.gov.vn")))[0] == "dns_error"


def test_classify_failure_decompressed_body_over_maxsize_is_too_large():
    # HttpCompressionMiddleware's message when a gzip body exceeds DOWNLOAD_MAXSIZE unpacked
    exc = IgnoreRequest(
        "Ignored response <200 https://x.gov.vn/> because its body (1000 B compressed, "
        "2000000 B decompressed so far) exceeded DOWNLOAD_MAXSIZE (1048576 B) during decompression."
    )
    assert classify_failure(failure(exc))[0] == "too_large"


def test_classify_failure_takes_any_object_with_value():
    assert classify_failure(SimpleNamespace(value=TimeoutError("timed out")))[0] == "timeout"


# --- sitemaps on small inputs -----------------------------------------------------------------


def test_sitemap_html_soft_404_lists_nothing():
    page = (
        b'<!DOCTYPE html><html><head><link rel="stylesheet" href="/a.css">'
        b'<link rel="icon" href="/f.ico"></head><body><a href="/x">Home</a></body></html>'
    )
    assert sitemap_urls(page) == []


def test_sitemap_forms():
    xml = (
        b'\xef\xbb\xbf<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
        b'sitemap/0.9"><url><loc> https://x.gov.vn/a </loc></url><url><loc>https://x.gov.vn/b'
        b"</loc></url></urlset>"
    )
    assert sitemap_urls(xml) == ["https://x.gov.vn/a", "https://x.gov.vn/b"]
    assert sitemap_urls(gzip.compress(xml)) == ["https://x.gov.vn/a", "https://x.gov.vn/b"]
    assert sitemap_urls("https://x.gov.vn/a\r\n\r\nhttps://x.gov.vn/b\n# c\n") == [
        "https://x.gov.vn/a",
        "https://x.gov.vn/b",
    ]
    rss = (
        "<rss><channel><link>https://x.gov.vn/</link><image><url>https://x.gov.vn/logo.png</url>"
        "</image><item><title>Tin</title><link>https://x.gov.vn/tin-1</link></item></channel></rss>"
    )
    assert sitemap_urls(rss) == ["https://x.gov.vn/tin-1"]
    for junk in (b"", b"   ", b"\x1f\x8bnot gzip", b"<<<", b"<sitemap/>"):
        assert sitemap_urls(junk) == []


def test_sitemap_gzip_is_bounded(monkeypatch):
    monkeypatch.setattr(sitemap_mod, "MAX_UNZIPPED", 1000)
    body = zlib.compress(b"https://x.gov.vn/p\n" * 10_000, wbits=16 + zlib.MAX_WBITS)
    assert len(sitemap_urls(body)) <= 1000 // len("https://x.gov.vn/p\n") + 1


# --- browser classify: what a service's online entry reaches ----------------------------------


def snapshot(html: str, status: int = 200) -> dict:
    """What crawler/browser/walk.py's SNAPSHOT_JS reads from a rendered page, read here with
    lxml from static HTML (the same rules: hidden/submit/button inputs are not inputs, a
    <button> without type submits, payment links by href or text)."""
    doc = lxml_html.fromstring(html)
    fields = [
        e
        for e in doc.xpath("//input|//textarea|//select")
        if (e.get("type") or "text").lower() not in ("hidden", "submit", "button")
    ]
    kinds = [(e.get("type") or "text").lower() for e in fields]
    links = [
        {"text": a.text_content().strip(), "href": a.get("href")} for a in doc.xpath("//a[@href]")
    ]
    submits = [
        b
        for b in doc.xpath("//button|//input[@type='submit']")
        if (b.get("type") or "submit").lower() == "submit"
        or any(w in (b.text_content() or b.get("value") or "").lower() for w in ("gửi", "nộp"))
    ]
    return {
        "status": status,
        "title": doc.findtext(".//title") or "",
        "text": " ".join(t.strip() for t in doc.xpath("//body//text()") if t.strip()),
        "links": links,
        "inputs": sum(k not in ("file", "password") for k in kinds),
        "file_inputs": kinds.count("file"),
        "password_inputs": kinds.count("password"),
        "submit_controls": len(submits),
        "payment_links": [
            link["href"]
            for link in links
            if "thanh-toan" in link["href"] or "thanh toán" in link["text"].lower()
        ],
    }


PROCEDURE = """<html><head><title>Cấp giấy phép hoạt động in</title></head><body>
<h1>Cấp giấy phép hoạt động in</h1><p>Lệ phí: 500.000 đồng</p>
<a href="/huong-dan">Hướng dẫn nộp hồ sơ</a>
<a href="https://dvc.x.gov.vn/nop-ho-so?ma=1.004567">Nộp hồ sơ trực tuyến</a>
<a href="javascript:void(0)">Nộp trực tuyến</a></body></html>"""

VNEID_LOGIN = """<html><head><title>Đăng nhập</title></head><body>
<h2>Đăng nhập bằng tài khoản định danh điện tử VNeID</h2>
<form><input name="user"><input type="password" name="pw"><button>Đăng nhập</button></form>
</body></html>"""

EFORM = """<html><head><title>Tờ khai trực tuyến</title></head><body>
<form><label>Họ tên</label><input name="hoTen"><textarea name="noiDung"></textarea>
<input type="file" name="giayTo"><input type="hidden" name="csrf" value="x">
<p>Hình thức nhận kết quả:</p>
<label><input type="radio" name="nhan" value="1"> Nhận tại bộ phận một cửa</label>
<label><input type="radio" name="nhan" value="2"> Qua dịch vụ bưu chính công ích</label>
<a href="https://dvc.x.gov.vn/thanh-toan?hs=1">Thanh toán trực tuyến</a>
<button type="button">Lưu nháp</button><button type="submit">Nộp hồ sơ</button></form>
</body></html>"""


def test_find_entry_prefers_the_online_submission_link():
    links = snapshot(PROCEDURE)["links"]
    assert find_entry(links) == {
        "text": "Nộp hồ sơ trực tuyến",
        "href": "https://dvc.x.gov.vn/nop-ho-so?ma=1.004567",
    }
    assert find_entry([{"text": "Nộp trực tuyến", "href": "javascript:void(0)"}]) is None
    headline = (
        "Hướng dẫn nộp hồ sơ trực tuyến cho công dân trên Cổng dịch vụ công quốc gia năm 2022"
    )
    assert find_entry([{"text": headline, "href": "https://x.gov.vn/tin"}]) is None


def test_login_gateway_vneid_and_national_portal():
    assert reached(snapshot(VNEID_LOGIN)) == ("login", "VNeID")
    national = VNEID_LOGIN.replace(
        "tài khoản định danh điện tử VNeID", "tài khoản Cổng Dịch vụ công Quốc gia"
    )
    assert reached(snapshot(national)) == ("login", "national_dvc")
    plain = VNEID_LOGIN.replace(" bằng tài khoản định danh điện tử VNeID", "")
    assert reached(snapshot(plain)) == ("login", "other")


def test_eform_with_submit_upload_payment_and_postal_delivery_is_full():
    target = snapshot(EFORM)
    assert (target["inputs"], target["file_inputs"], target["submit_controls"]) == (4, 1, 1)
    assert reached(target) == ("form", None)
    verdict = observed_level(snapshot(PROCEDURE), {"href": "x"}, target)
    assert verdict["observed"] == "full"
    assert verdict["payment"] is True
    assert verdict["delivery"] == ["buu chinh cong ich"]
    assert verdict["has_form"] and verdict["has_upload"] and verdict["has_submit"]


def test_eform_without_payment_or_delivery_is_partial():
    no_pay = EFORM.replace(
        '<a href="https://dvc.x.gov.vn/thanh-toan?hs=1">Thanh toán trực tuyến</a>', ""
    )
    verdict = observed_level(snapshot(PROCEDURE), {"href": "x"}, snapshot(no_pay))
    assert (verdict["observed"], verdict["payment"]) == ("partial", False)
    no_post = EFORM.replace("Qua dịch vụ bưu chính công ích", "Nhận trực tiếp")
    verdict = observed_level(snapshot(PROCEDURE), {"href": "x"}, snapshot(no_post))
    assert (verdict["observed"], verdict["delivery"]) == ("partial", [])


def test_login_gateway_judged_on_the_procedure_page_text():
    detail = snapshot(
        PROCEDURE.replace(
            "<p>Lệ phí", "<p>Thanh toán trực tuyến; nhận kết quả trực tuyến.</p><p>Lệ phí"
        )
    )
    verdict = observed_level(detail, find_entry(detail["links"]), snapshot(VNEID_LOGIN))
    assert verdict["reached"] == "login" and verdict["identity_provider"] == "VNeID"
    assert verdict["observed"] == "full"
    assert verdict["has_form"] is False


@pytest.mark.parametrize(
    ("html", "status", "where", "observed", "why"),
    [
        ("<html><body>Không tìm thấy trang</body></html>", 404, "error", "broken", "entry_error"),
        (
            "<html><body>Hệ thống đang bảo trì</body></html>",
            200,
            "maintenance",
            "maintenance",
            "ok",
        ),
        ("<html><body>Đang tải...</body></html>", 200, "loading", "broken", "form_not_rendered"),
        ("<html><body>Giới thiệu dịch vụ</body></html>", 200, "other", "broken", "no_form"),
        # fields but nothing to submit them with: not a working form
        ("<html><body><input name='a'></body></html>", 200, "other", "broken", "no_form"),
    ],
)
def test_entry_targets_that_do_not_work(html, status, where, observed, why):
    verdict = observed_level({"status": 200, "text": ""}, {"href": "x"}, snapshot(html, status))
    assert (verdict["reached"], verdict["observed"], verdict["status"]) == (where, observed, why)


def test_procedure_page_without_entry_or_failing():
    assert observed_level({"status": 200, "text": "Thông tin thủ tục"}, None, None) == {
        "observed": "info_only",
        "status": "ok",
        "reached": "none",
    }
    assert observed_level({"error": "Timeout 30000ms exceeded."}, None, None)["status"] == "timeout"
    assert observed_level({"status": 500}, None, None) == {
        "observed": "unknown",
        "status": "error",
        "reached": None,
    }
