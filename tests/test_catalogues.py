"""Catalogue adapters (crawler/catalogues) on the real captures in ../shared/realdata/vn-dichvucong
(skipped when absent) and on small synthetic fixtures for the families without real samples."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from crawler import catalogues
from crawler.catalogues.common import normalise_level, normalise_status, service_code
from crawler.catalogues.families import deep_link, family_of, sign_in
from crawler.core.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "catalogues"
NATIONAL = "https://dichvucong.gov.vn/"


@pytest.fixture(scope="module")
def vn(realdata) -> Path:
    path = realdata / "vn-dichvucong"
    if not path.is_dir():
        pytest.skip("../shared/realdata/vn-dichvucong is absent")
    return path


def _parse(path: Path, url: str = NATIONAL, platform=None) -> dict:
    return catalogues.parse(url, catalogues.load(path.read_bytes()), platform)


# --- real captures ---------------------------------------------------------------------------


def test_old_platform_list_gives_1000_services_of_2507_level_unknown(vn):
    got = _parse(vn / "national-2025-old" / "get_ds_tthc_da_cong_bo_dvc_service.page1.json")
    services = got["services"]
    assert got["platform"] == "national_old"
    assert len(services) == 1000 and got["total"] == 2507
    assert Counter(s["declared"] for s in services) == {"unknown": 1000}  # never "none"
    assert all(service_code(s["code"]) for s in services)
    assert services[0]["url"] == (
        "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc=3.000323"
    )


def test_per_agency_rows_give_25_rows_18_full_7_partial_21_in_service_4_testing(vn):
    got = _parse(vn / "national-2026-new" / "department-url-rows.subset.json")
    rows = got["services"]
    assert got["platform"] == "national_new"
    assert len(rows) == 25
    assert Counter(r["declared"] for r in rows) == {"full": 18, "partial": 7}
    assert Counter(r["status"] for r in rows) == {"in_service": 21, "testing": 4}
    assert Counter(r["family"] for r in rows) == {
        "nop_ho_so": 8,
        "nps_apply": 7,
        "muc_do_server": 2,
        "portaldvc": 2,
        "dang_ky_truc_tuyen": 2,
        "ministry_liferay": 2,
        "danh_sach_thu_tuc": 1,
        "identity_gateway": 1,
    }
    assert all(r["code"] and r["agency_code"] and r["url"] for r in rows)
    # the same service is full at one agency and partial at another (Huế, 1.116284.01)
    hue = {r["agency_code"]: r["declared"] for r in rows if r["code"] == "1.116284.01"}
    assert hue == {"H57.24.39.20": "full", "H57.24": "partial"}
    moc = next(r for r in rows if r["agency_code"] == "G17.43")
    assert moc["url"] == (
        "https://dvc.moc.gov.vn/vi/nps/apply?MaTTHC=1.115947&MaCoQuanThucHien=G17.43"
        "&MaDVC=1.115947.01&vneid=1"
    )
    hanoi = next(r for r in rows if r["agency_code"] == "H26.106")
    assert (hanoi["sign_in"], hanoi["status"], hanoi["declared_raw"]) == (
        "vnconnect",
        "testing",
        "Toàn trình",
    )


def test_new_detail_gives_code_name_agencies_and_tt32_fields(vn):
    got = _parse(vn / "national-2026-new" / "formality-detail.1.004222.subset.json")
    assert got["procedure"]["code"] == "1.004222"
    assert got["procedure"]["name"] == "Đăng ký thường trú"
    assert got["agencies"] == [{"code": "BCA_CAX", "name": "Công an cấp Xã"}]
    assert got["tt32_fields"] == ["name", "method", "time_limit", "fees", "applicants", "agency"]
    assert [(s["code"], s["declared"]) for s in got["services"]] == [("1.004222.01", "unknown")]


def test_old_tthc_detail_page_keeps_tier_apart_from_level(vn):
    path = vn / "national-2025-old" / "dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.ma_thu_tuc=7603.html"
    got = _parse(path)
    (row,) = got["services"]
    assert (row["code"], row["name"]) == ("3.000001", "Cấp điện mới từ lưới điện hạ áp")
    assert row["tier"] == "Cấp Bộ, Cơ quan khác" and row["declared"] == "unknown"
    assert len(got["tt32_fields"]) == 10


def test_old_dvc_detail_page_needs_a_browser_for_its_agencies(vn):
    got = _parse(
        vn / "national-2025-old" / "dvc-chi-tiet-thu-tuc-hanh-chinh.ma_thu_tuc=3.000001.html"
    )
    assert got["needs_browser"] is True
    assert got["services"][0]["code"] == "3.000001"


@pytest.mark.parametrize(
    ("name", "key", "count"),
    [
        ("get_list_agency_service_v2.json", "agencies", 57),
        ("procedure_get_list_field_service_v2.json", "fields", 489),
        ("decision_publishment_advanced_search_service_v2.json", "decisions", 50),
    ],
)
def test_old_platform_reference_lists_are_not_services(vn, name, key, count):
    got = _parse(vn / "national-2025-old" / name)
    assert got["platform"] == "national_old" and got["services"] == []
    assert len(got[key]) == count


def test_row_ids_are_never_taken_for_codes(vn):
    path = (
        vn
        / "national-2025-old"
        / "get_modified_procedures_by_dp_id_service_v2.ma_quyet_dinh=115010.json"
    )
    rows = _parse(path)["services"]
    assert len(rows) == 4 and {r["code"] for r in rows} == {None}
    assert rows[0]["platform_id"] == "388421"
    search = _parse(vn / "national-2026-new" / "procedure_index.subset.json")["services"]
    assert len(search) == 9 and {r["code"] for r in search} == {None}
    assert all(r["url"].startswith("https://dichvucong.gov.vn/thu-tuc-hanh-chinh/") for r in search)


# --- synthetic fixtures ----------------------------------------------------------------------


def test_national_api_rows_synthetic_levels_status_and_tiers():
    got = _parse(FIXTURES / "national_new_rows.synthetic.json")
    rows = got["services"]
    assert got["platform"] == "national_new"
    assert [(r["code"], r["agency_code"], r["declared"], r["status"]) for r in rows] == [
        ("1.004222.01", "H26.105", "full", "in_service"),
        ("1.004222.01", "H29.13", "partial", "testing"),
        ("2.002080.01", "H14.100", "none", "in_service"),
    ]
    # the cursor for the next page is the last row's id
    assert got["next_cursor"] == {"lastId": "019e0001-0000-7000-8000-000000000003"}
    assert rows[1]["url"].startswith("https://dichvucong.hochiminhcity.gov.vn/vi/nps/apply?MaTTHC=")
    assert rows[2]["url"] is None


def test_opencps_synthetic_reads_per_agency_service_level():
    got = _parse(FIXTURES / "opencps_serviceinfos.synthetic.json", "https://dvc.example.gov.vn/")
    assert got["platform"] == "opencps"
    assert [(r["code"], r["agency_code"], r["declared"]) for r in got["services"]] == [
        ("1.001612", "H21.13", "full"),
        ("1.001612", "H21.40", "partial"),
        ("2.000815", None, "info_only"),
    ]


def test_muc_do_server_family_synthetic():
    url = "https://dichvucong.caobang.gov.vn/dich-vu-cong/danh-sach"
    got = _parse(FIXTURES / "muc_do_server.synthetic.html", url)
    assert got["platform"] == "provincial"
    assert [
        (r["code"], r["agency_code"], r["declared"], r["declared_raw"]) for r in got["services"]
    ] == [
        ("1.115902", "H14.100", "partial", "MUC_DO_3"),
        ("1.004222", "H14.100", "full", "MUC_DO_4"),
        ("2.000815", "H14", "info_only", "MUC_DO_2"),
    ]


def test_nps_apply_list_synthetic_reads_badges_and_sign_in():
    url = "https://dichvucong.hochiminhcity.gov.vn/vi/dvc"
    rows = _parse(FIXTURES / "nps_apply_list.synthetic.html", url)["services"]
    assert [(r["code"], r["agency_code"], r["declared"], r["sign_in"]) for r in rows] == [
        ("1.009665.01", "H29.13", "full", "vneid"),
        ("2.002016.01", "H29.29", "partial", "vneid"),
    ]


# --- vocabularies and errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "level"),
    [("FULL", "full"), ("PARTIAL", "partial"), ("NONE", "none"), ("MUC_DO_4", "full"),
     ("MUC_DO_2", "info_only"), (True, "unknown"), ("WARD", "unknown"), ("Toàn trình", "full")],
)  # fmt: skip
def test_level_vocabularies(raw, level):
    assert normalise_level(raw) == level


@pytest.mark.parametrize(
    ("raw", "status"),
    [(True, "testing"), (False, "in_service"), ("Đang thử nghiệm", "testing"),
     ("Chính thức", "in_service"), (None, "unknown"), ("?", "unknown")],
)  # fmt: skip
def test_status_vocabulary(raw, status):
    assert normalise_status(raw) == status


def test_tiers_flags_and_uuids_are_never_levels_or_codes():
    doc = {"data": [{"id": "019d2bf7-7704-7449-9e95-fe7ebb959aa2", "name": "A", "level": 4,
                     "capDo": 4, "impl_level_id": 4, "isFullProcess": True, "url": "/a"}]}  # fmt: skip
    (row,) = catalogues.parse("https://x.gov.vn/", doc)["services"]
    assert (row["code"], row["declared"]) == (None, "unknown")


def test_families_and_sign_in():
    assert family_of("sso.mof.gov.vn/vneid/authorize?client_id=x") == "identity_gateway"
    assert sign_in("sso.mof.gov.vn/vneid/authorize?client_id=x") == "vneid"
    assert sign_in("https://dvc.x.gov.vn/vi/nps/apply?vneid=1") == "vneid"
    assert sign_in("https://dvc.x.gov.vn/danh-sach") is None
    assert deep_link("https://a.gov.vn/vi/nps/apply?MaTTHC=1.1&vneid=1", "1.2", "H1") == (
        "https://a.gov.vn/vi/nps/apply?MaTTHC=1.1&vneid=1"
    )


def test_unknown_platform_is_an_input_error():
    with pytest.raises(InputError, match="unknown platform 'nope'"):
        catalogues.parse(NATIONAL, {}, "nope")


# --- egovrank services parse -----------------------------------------------------------------


def test_cli_services_parse_recognises_the_platform_and_says_so():
    from tests.test_badinput import run_cli

    proc = run_cli("services", "parse", str(FIXTURES / "opencps_serviceinfos.synthetic.json"),
                   "--format", "csv")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "platform opencps (recognised), 3 services" in proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "code,name,agency_code,declared,declared_raw,status,url,family"
    assert lines[1].startswith("1.001612,Cấp giấy phép xây dựng,H21.13,full,4,unknown,https://")


def test_cli_services_parse_unrecognised_file_is_one_line_error(tmp_path):
    from tests.test_badinput import assert_one_line_error, run_cli

    bad = tmp_path / "note.txt"
    bad.write_text("not a catalogue", encoding="utf-8")
    assert_one_line_error(run_cli("services", "parse", str(bad)), "note.txt", "--platform")


# --- store: declared rows per service and agency, conflicts kept --------------------------------


def test_declared_rows_and_conflicts_in_a_real_database(tmp_path):
    from crawler.crawl_store import CrawlStore
    from tests.test_badinput import run_cli

    db_path = str(tmp_path / "e.db")
    crawl = CrawlStore(db_path, "2026Q4")
    national = catalogues.parse(NATIONAL, catalogues.load(
        (FIXTURES / "national_new_rows.synthetic.json").read_bytes()))["services"]  # fmt: skip
    # the portal's own badges: 1.004222 full (agrees at H26.105, not at H29.13), 2.002080 partial
    portal = [
        {"url": "https://p/1", "code": "1.004222", "name": "A", "declared": "full", "declared_raw": "Mức độ 4"},
        {"url": "https://p/2", "code": "2.002080", "name": "B", "declared": "partial", "declared_raw": "Mức độ 3"},
    ]  # fmt: skip
    crawl.save_services("hn", portal, "https://p/", "static")
    assert crawl.save_declared("hn", national, "https://dichvucong.gov.vn/api") == 3
    rows = {
        (r["service_code"], r["agency_code"]): (r["declared"], r["status"], r["adapter"])
        for r in crawl.db.query("select * from declared_services where entity_id = 'hn'")
    }
    assert rows == {
        ("1.004222.01", "H26.105"): ("full", "in_service", "national_new"),
        ("1.004222.01", "H29.13"): ("partial", "testing", "national_new"),
        ("2.002080.01", "H14.100"): ("none", "in_service", "national_new"),
    }
    conflicts = {
        (r["service_code"], r["agency_code"], r["national"], r["portal"])
        for r in crawl.db.query("select * from service_conflicts")
    }
    assert conflicts == {
        ("1.004222.01", "H29.13", "partial", "full"),
        ("2.002080.01", "H14.100", "none", "partial"),
    }
    # the portal's rows are untouched: neither side overwrites the other
    assert {r["declared"] for r in crawl.db.query("select * from services")} == {"full", "partial"}
    proc = run_cli(
        "services", "conflicts", "--quarter", "2026Q4", "--db", db_path, "--format", "csv"
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 conflicts" in proc.stderr and "H29.13,partial,full" in proc.stdout


def test_browser_fallback_asks_only_for_refused_agencies_without_rows(tmp_path):
    """403/429/5xx answers and reads the open circuit never sent are refused; a 200, a 404, a
    host that does not resolve or an entity that has rows already is not: the fallback never
    reads what the API gave."""
    from crawler.browser.national import ADAPTER, own_rows, refused
    from crawler.crawl_store import CrawlStore

    crawl = CrawlStore(str(tmp_path / "e.db"), "2026Q4")
    api = "http://127.3.0.3:8765/api/v1/submitting/formality/list-department-url-by-citizen"
    for eid, agency, status, fetch in [
        ("a", "H26", 403, "http_4xx"), ("b", "H27", None, "ignored"), ("c", "H28", 200, "ok"),
        ("d", "H29", 404, "http_4xx"), ("e", "H30", 503, "http_5xx"),
        ("f", "H31", None, "dns_error"),  # a host that does not resolve: no browser either
    ]:  # fmt: skip
        crawl.save_page({"url": f"{api}#agency={agency}&lastId=", "entity_id": eid,
                         "site": "national", "host": "127.3.0.3:8765", "depth": 0,
                         "http_status": status, "fetch_status": fetch}, [])  # fmt: skip
    crawl.save_declared(
        "e", [{"code": "1.004222.01", "agency_code": "H30", "declared": "full"}], api
    )
    got = {eid: refused(crawl.db, "2026Q4", eid) for eid in "abcdef"}
    base = "http://127.3.0.3:8765"
    assert got == {"a": [(base, "H26")], "b": [(base, "H27")], "c": [], "d": [], "e": [], "f": []}
    rows = [{"code": "1.1", "agency_code": a} for a in ("H26", "H26.105", "H261", "H27")]
    assert [(r["agency_code"], r["adapter"]) for r in own_rows(rows, "H26")] == [
        ("H26", ADAPTER), ("H26.105", ADAPTER)]  # fmt: skip


def test_the_crawls_catalogue_reader_takes_levels_from_ma_muc_do_links():
    """A page of the server-rendered family has no badge: the crawl reads each service's level
    from its link (through the provincial adapter), and an nps/apply list once per row."""
    from crawler.detect.services import parse_catalogue

    html = (FIXTURES / "muc_do_server.synthetic.html").read_text(encoding="utf-8")
    got = parse_catalogue("https://dichvucong.caobang.gov.vn/", html)["services"]
    assert [(s["code"], s["declared"], s["declared_raw"]) for s in got] == [
        ("1.115902", "partial", "MUC_DO_3"), ("1.004222", "full", "MUC_DO_4"),
        ("2.000815", "info_only", "MUC_DO_2")]  # fmt: skip
    nps = (FIXTURES / "nps_apply_list.synthetic.html").read_text(encoding="utf-8")
    assert len(parse_catalogue("https://dvc.example.gov.vn/", nps)["services"]) == 2
