"""Detectors against real third-party data in ../shared/realdata (skipped when it is absent).

- Google's robots.txt conformance suite through crawler/detect/robots.py (the crawl's parser);
- crawler-commons' robots.txt edge cases and sitemap/feed samples with their expected counts;
- seven pages of a real Liferay provincial department portal (sotttt.hanoi.gov.vn, HTTrack
  mirror of 27 Aug 2022; links were rewritten to local `.html` files, so they are resolved
  against the original URL from MANIFEST.csv).
"""

from __future__ import annotations

import base64
import csv
import json
import urllib.robotparser
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from crawler.criteria import judge_entity
from crawler.criteria.observed import Seen
from crawler.detect.page import analyze_page
from crawler.detect.robots import RobotsTxtParser, allowed, decode, parse
from crawler.detect.services import parse_catalogue
from crawler.detect.sitemap import sitemap_urls

REALDATA_AT_COLLECTION = Path(__file__).resolve().parents[2] / "shared" / "realdata"
MIRRORED = date(2022, 8, 27)
HOME_FILE = "web__so-tttthn__trang-chu.html"


# --- robots.txt ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def robots_suite(realdata):
    rows = json.loads(
        (realdata / "robotstxt-spec-test" / "robotstxt-spec-tests.flat.json").read_text("utf-8")
    )
    for row in rows:
        if row["robotstxt_encoding"] == "base64":
            row["body"] = base64.b64decode(row["robotstxt"])
        else:
            assert row["robotstxt_encoding"] == "utf-8"
            row["body"] = row["robotstxt"].encode("utf-8")
    return rows


def _run_suite(rows, decide):
    agree, failures = Counter(), []
    for row in rows:
        got = "ALLOWED" if decide(row) else "DISALLOWED"
        if got == row["expected"]:
            agree[row["test_type"]] += 1
        else:
            failures.append(
                f"{row['test_type']} {row['file']}#{row['test_index']} {row['useragent']!r} "
                f"{row['url']} expected {row['expected']}"
            )
    return agree, failures


def test_robots_suite_shape(robots_suite):
    assert len(robots_suite) == 400
    assert Counter(r["test_type"] for r in robots_suite) == {"STANDARD": 378, "GOOGLE_SPECIFIC": 22}
    assert {r["expected"] for r in robots_suite} == {"ALLOWED", "DISALLOWED"}


def test_robots_suite_agreement_as_the_crawl_reads_it(robots_suite):
    """The bytes through RobotsTxtParser: the parser the crawl obeys."""
    agree, failures = _run_suite(
        robots_suite,
        lambda r: RobotsTxtParser(r["body"]).allowed(r["url"], r["useragent"]),
    )
    print(f"\nrobots suite: {dict(agree)}; {len(failures)} disagreements:")
    print("\n".join(failures))
    assert agree["STANDARD"] == 378, failures
    assert agree["GOOGLE_SPECIFIC"] >= 21, failures


def test_robots_suite_detector_text_path_agrees_with_crawl_path(robots_suite):
    """robots.parse() on decoded text (the judgement) answers as the crawl's parser does."""
    agree, failures = _run_suite(
        robots_suite,
        lambda r: allowed(parse(decode(r["body"])), r["url"], r["useragent"]),
    )
    assert agree["STANDARD"] == 378, failures
    assert agree["GOOGLE_SPECIFIC"] >= 21, failures


def test_stdlib_robotparser_is_far_worse(robots_suite):
    """Why not the stdlib: its parser gets 107 of the 400 expectations wrong."""

    def stdlib(row):
        rp = urllib.robotparser.RobotFileParser()
        rp.parse(row["body"].decode("utf-8", errors="replace").splitlines())
        return rp.can_fetch(row["useragent"], row["url"])

    _, failures = _run_suite(robots_suite, stdlib)
    assert len(failures) == 107


@pytest.mark.parametrize(
    "name",
    ["robots-with-utf8-bom.txt", "robots-with-utf16le-bom.txt", "robots-with-utf16be-bom.txt"],
)
def test_robots_with_byte_order_marks_keep_their_rules(realdata, name):
    """UTF-16 robots.txt (Windows Notepad's "Unicode") used to read as no rules at all."""
    rp = RobotsTxtParser((realdata / "sitemaps" / "robots" / name).read_bytes())
    assert not rp.allowed("http://www.newsweek.com/login.aspx", "egovrank")
    assert not rp.allowed("http://www.newsweek.com/a/output/print", "Googlebot")
    assert rp.allowed("http://www.newsweek.com/news", "egovrank")
    assert list(rp.rp.sitemaps) == ["http://www.newsweek.com/sitemap_index.xml"]


def test_robots_key_space_colon_and_sitemap_lines(realdata):
    robots_dir = realdata / "sitemaps" / "robots"
    rp = parse((robots_dir / "format-errors-robots.txt").read_bytes())
    # "disallow : /x" (space before the colon), "disallow /x" and "user-agent bot2" without a
    # colon are all lines, as Google reads them; "bot1" names the group "bot" (RFC 9309: a
    # product token is letters, "_" and "-"), so the three groups all apply to a crawler "bot"
    assert [(g.names, g.rules) for g in rp.groups] == [
        (["bot"], [(False, "/whitespace-before-colon/"), (False, "/no-colon/")]),
        (["bot"], [(False, "/no-colon-useragent/")]),
        (["bot"], [(True, "/whitespace-before-colon"), (False, "/")]),
    ]
    for path, ok in [
        ("/whitespace-before-colon/a", False),
        ("/no-colon/a", False),
        ("/no-colon-useragent/a", False),
        ("/whitespace-before-colon", True),
        ("/other", False),
    ]:
        assert allowed(rp, "http://example.com" + path, "bot") is ok, path
    assert allowed(rp, "http://example.com/other", "egovrank/1.0 (+https://x.example)")
    assert list(rp.sitemaps) == ["/sitemap.xml"]
    rp = parse((robots_dir / "sitemap-robots.txt").read_text("utf-8"))
    assert list(rp.sitemaps) == [
        "http://domain.com/sitemap.xml",
        "http://domain.com/dir/MixedCased-sitemap.xml",
    ]


# --- sitemaps and feeds ----------------------------------------------------------------------


def _sitemap_cases():
    """Parametrised at collection; the tests still take `realdata`, so they skip without it."""
    path = REALDATA_AT_COLLECTION / "sitemaps" / "sitemap_expectations.json"
    if not path.is_file():
        return [pytest.param(None, id="no-realdata")]
    cases = json.loads(path.read_text("utf-8"))["cases"]
    return [pytest.param(c, id=c["file"]) for c in cases]


@pytest.mark.parametrize("case", _sitemap_cases())
def test_sitemap_samples_yield_expected_url_counts(realdata, case):
    body = (realdata / "sitemaps" / case["file"]).read_bytes()
    expected = case.get("expected_url_count", case.get("expected_sitemap_count"))
    urls = sitemap_urls(body)
    assert len(urls) == expected, urls
    assert all(u.startswith(("http://", "https://")) for u in urls), urls


def test_sitemap_sample_urls_are_the_listed_pages(realdata):
    root = realdata / "sitemaps"
    assert sitemap_urls((root / "sitemaps" / "atom.xml").read_bytes()) == [
        "http://example.org/2003/12/13/atom03"
    ]
    assert sitemap_urls((root / "rss" / "feed.rss").read_bytes()) == [
        "https://www.example.com/blog/post/1",
        "https://www.example.com/guid.html",
        "https://www.example.com/foo?q=a&l=en",
        "https://www.example.com/foo?q=a&l=fr",
    ]
    # image:loc and xhtml:link alternates are not pages of their own
    assert sitemap_urls((root / "sitemaps" / "extension" / "sitemap-images.xml").read_bytes()) == [
        "http://www.example.com/images/some_image_landing_page.html"
    ]
    assert sitemap_urls((root / "sitemaps" / "sitemap-with-bom.txt").read_bytes()) == [
        "http://www.domain.com/page1.html",
        "http://www.domain.com/page2.html",
    ]


# --- the real portal pages -------------------------------------------------------------------


@pytest.fixture(scope="module")
def portal(realdata):
    """{file: (original_url, facts)} for the seven mirrored pages."""
    folder = realdata / "vn-portal-pages"
    with (folder / "MANIFEST.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for row in rows:
        html = (folder / row["file"]).read_text(encoding="utf-8")
        out[row["file"]] = (row["original_url"], analyze_page(row["original_url"], html), row)
    return out


def test_manifest_lang_matches_what_the_detector_reads(portal):
    for _name, (_url, facts, row) in portal.items():
        assert facts["lang"] == row["html_lang"]


def test_home_finds_mandatory_sections(portal):
    _, facts, _ = portal[HOME_FILE]
    sections = facts["section_links"]
    for crit in (
        "info.about",
        "info.org_structure",
        "info.leadership",
        "info.contact",
        "info.news",
        "info.legal_documents",
        "func.sitemap",
    ):
        assert crit in sections, crit
    base = "https://sotttt.hanoi.gov.vn/"
    co_cau = [base + "co-cau-to-chuc.html", "Cơ cấu tổ chức", "text"]
    assert co_cau in sections["info.org_structure"]
    # the đ dropped from the slug ("lanh-ao-so") does not hide the leadership page
    assert [base + "lanh-ao-so.html", "Lãnh đạo Sở", "text"] in sections["info.leadership"]
    assert [base + "lien-he.html", "Liên hệ", "text"] in sections["info.contact"]
    assert [base + "so-do-website.html", "Sơ đồ cổng", "text"] in sections["func.sitemap"]
    # the legal documents section is an image banner: found by its slug only (weak evidence)
    assert sections["info.legal_documents"] == [[base + "van-ban-phap-quy.html", "", "slug"]]
    # image-only banners (alt="") found by their file names: ThongTinNguoiPhatNgon.gif & co.
    spokesman = [base + "thong-tin-nguoi-phat-ngon.html", "", "image"]
    assert spokesman in sections["info.contact_officials"]
    assert [base + "cong-khai-ngan-sach.html", "", "image"] in sections["info.budget"]
    assert facts["section_headings"]["info.legal_documents"] == "Văn bản mới"


def test_home_page_facts(portal):
    _, facts, _ = portal[HOME_FILE]
    assert "185 Giảng Võ" in facts["contact_block"]
    assert "Điện thoại" in facts["contact_block"]
    assert facts["search_form"]["param"] == "_2_WAR_portalcmsappportlet_keywords"
    assert facts["search_form"]["action"].startswith("https://sotttt.hanoi.gov.vn/tim-kiem?")
    assert (facts["lang"], facts["content_lang"]) == ("vi-VN", "vi")
    assert facts["viewport"] is False  # the 2022 theme really has no meta viewport
    assert facts["images"] == 47 and facts["images_without_alt"] == 0
    assert facts["dates"][0] == "2022-08-24"  # newest news item, three days before the mirror
    assert facts["gov_links"] == 6
    assert not facts["blocked"] and not facts["maintenance"]


def test_home_english_link_is_found(portal):
    """The home links its English version only by a text-less flag <a class="lang_us"
    href="../sotttt-eng/home.html">: the slug word "eng" is the cue (was a finding)."""
    _, facts, _ = portal[HOME_FILE]
    english = "https://sotttt.hanoi.gov.vn/web/sotttt-eng/home.html"
    assert facts["section_links"]["info.english"] == [[english, "", "slug"]]
    assert facts["english_link"] is None  # no "EN"/"English" text: the slug alone leads there


def test_home_links_to_the_service_portal_count_as_procedures(portal):
    """The procedures section is three image banners (alt="") linking the city's DVC portal:
    criteria.md accepts a link to the registered service portal."""
    home_url, facts, _ = portal[HOME_FILE]
    assert "info.procedures" not in facts["section_links"]
    page = {"url": home_url, "site": "portal", "fetch_status": "ok", "http_status": 200}
    page |= {"depth": 0, "facts": facts}
    judged = {
        f["criterion"]: f
        for f in judge_entity(
            Seen(
                [page],
                as_of=MIRRORED,
                home_url=home_url,
                service_hosts=("dichvucong.hanoi.gov.vn",),
            )
        )
    }
    procedures = judged["info.procedures"]
    assert procedures["value"] == "present"
    assert procedures["evidence_url"].startswith("https://dichvucong.hanoi.gov.vn/")
    assert procedures["detail"]["decided_by"] == "service portal link"


def test_menu_pages_repeat_the_menu(portal):
    for name in ("co-cau-to-chuc.html", "lanh-ao-so.html", "dang-nhap.html"):
        sections = portal[name][1]["section_links"]
        assert {"info.about", "info.org_structure", "info.leadership", "info.contact"} <= set(
            sections
        ), name


def test_danh_ba_declares_english_but_is_vietnamese(portal):
    _, facts, _ = portal["danh-ba.html"]
    assert facts["lang"] == "en-US"
    assert facts["content_lang"] == "vi"


def test_english_home_content_is_english(portal):
    _, facts, _ = portal["web__sotttt-eng__home.html"]
    assert facts["content_lang"] == "en"
    assert facts["lang"] == "vi-VN"  # the English home declares Vietnamese: a second mismatch
    assert "info.about" in facts["section_links"] and "info.contact" in facts["section_links"]


def test_judgement_flags_both_lang_mismatches_and_freshness(portal):
    pages = [
        {
            "url": url,
            "site": "portal",
            "fetch_status": "ok",
            "http_status": 200,
            "depth": 0 if name == HOME_FILE else 1,
            "facts": facts,
        }
        for name, (url, facts, _) in portal.items()
    ]
    findings = {
        f["criterion"]: f
        for f in judge_entity(Seen(pages, as_of=MIRRORED, home_url=portal[HOME_FILE][0]))
    }
    lang = findings["tech.lang"]
    assert sorted(lang["detail"]["mismatched"]) == [
        "https://sotttt.hanoi.gov.vn/danh-ba",
        "https://sotttt.hanoi.gov.vn/web/sotttt-eng/home",
    ]
    assert lang["detail"]["judged"] == 7
    assert lang["value"] == "fail"
    assert findings["func.freshness"]["numeric"] == 3
    assert findings["info.contact"]["value"] == "present"
    assert findings["func.links"]["value"] == "present"
    assert findings["tech.mobile"]["value"] == "fail"


def test_procedure_list_page_is_flagged_for_the_browser_only_as_a_service_site(portal, realdata):
    url, facts, row = portal["linh-vuc-noi-vu.html"]
    assert row["page_type"] == "tthc-list-by-field"
    # crawled as a portal page, the empty procedure list raises no catalogue fact at all
    assert "catalogue" not in facts
    html = (realdata / "vn-portal-pages" / "linh-vuc-noi-vu.html").read_text(encoding="utf-8")
    assert "Không có văn bản nào được tìm thấy" in html
    # read as a service site, it lists nothing and is sent to the browser (unknown, not "none")
    dvc = analyze_page(url, html, site="dvc")
    assert dvc["catalogue"] == {"services": [], "json_endpoints": [], "needs_browser": True}
    assert dvc["search_form"]["param"] == "_1_WAR_portaltthcportlet_keywords"


def test_needs_browser_does_not_tell_a_catalogue_shell_from_any_scripted_page(realdata):
    """Finding, recorded as behaviour: needs_browser is "no badges, no endpoints, some script",
    so every Liferay page of this portal (home, login, directory) would be sent to the browser
    if read as a service site."""
    folder = realdata / "vn-portal-pages"
    flags = {
        f.name: parse_catalogue("https://sotttt.hanoi.gov.vn/", f.read_text("utf-8"))[
            "needs_browser"
        ]
        for f in folder.glob("*.html")
    }
    assert len(flags) == 7 and all(flags.values())
