"""The served demo agrees with its truth: sections, news dates, catalogues, flows and faults."""

from __future__ import annotations

import json
import socket
import ssl
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from crawler.demo import model, realistic, vocab


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_CTX = ssl.create_default_context()
_CTX.check_hostname = False
_CTX.verify_mode = ssl.CERT_NONE
_OPENER = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=_CTX))


def fetch(url: str, data: bytes | None = None, headers: dict | None = None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def soup(body: bytes) -> BeautifulSoup:
    return BeautifulSoup(body, "lxml")


def reachable(demo_site):
    return {k: e for k, e in demo_site.truth["entities"].items() if e["reachable"]}


def test_each_portal_answers_on_its_own_address(demo_site):
    titles = {}
    for eid, e in reachable(demo_site).items():
        status, _, body = fetch(e["portal_url"])
        assert status == 200, eid
        titles[urlsplit(e["portal_url"]).hostname] = soup(body).title.get_text()
        assert e["name_vi"] in titles[urlsplit(e["portal_url"]).hostname]
        assert fetch(e["dvc_url"])[0] == 200
    assert len(set(titles.values())) == len(titles) >= 10


def _home_links(e) -> dict[str, str]:
    _, _, body = fetch(e["portal_url"])
    return {
        urljoin(e["portal_url"], a["href"]): a.get_text(" ", strip=True)
        for a in soup(body).find_all("a", href=True)
    }


def test_sections_follow_truth(demo_site):
    checked = {"present": 0, "linked_broken": 0, "absent": 0}
    for eid, e in reachable(demo_site).items():
        links = _home_links(e)
        texts = {t.lower() for t in links.values()}
        for crit, rec in e["criteria"].items():
            if not crit.startswith("info."):
                continue
            checked[rec["value"]] += 1
            if rec["value"] == "absent":
                variants = (
                    vocab.ENGLISH_LINKS if crit == "info.english" else vocab.SECTIONS[crit][1]
                )
                variants = [*variants, *realistic.LABELS[crit]]
                assert not texts & {v.lower() for v in variants}, (eid, crit)
                continue
            if rec.get("where") == "footer":
                _, _, body = fetch(rec["url"])
                footer = soup(body).select_one(".contact-info").get_text()
                assert "Điện thoại" in footer and "Email" in footer
                continue
            case = rec.get("case", "menu")
            if case == "home_list_only":  # the news page is missing, the home lists dated news
                assert fetch(rec["url"])[2].decode().count(realistic.NEWS_HEADING) == 1, eid
                continue
            if case == "service_portal_link":  # procedures: only a link to the service portal
                assert rec["url"] in links and rec["url"] == e["dvc_url"], eid
                continue
            shown = {"image_banner": "", "home_block_link": "Xem tiếp"}.get(case, rec["link_text"])
            assert links.get(rec["url"]) == shown, (eid, crit)
            status, _, body = fetch(rec["url"])
            if rec["value"] == "linked_broken":
                assert status == rec["http_status"], (eid, crit)
                marker = {"placeholder": "Đang cập nhật", "test_only": "Test tin"}
                marker["soft_404"] = "404 Not Found"
                if case in marker:
                    assert marker[case] in body.decode(), (eid, crit, case)
                continue
            assert status in (200, 503), (eid, crit)
            if status == 503:  # the transient fault: a retry succeeds
                status, _, body = fetch(rec["url"])
            assert status == 200, (eid, crit)
            page = soup(body)
            assert page.h1 and page.h1.get_text(strip=True), (eid, crit)
            assert len(page.get_text()) > 200
    assert all(checked.values()), checked


def test_freshness_and_func_truth(demo_site):
    for eid, e in reachable(demo_site).items():
        _, _, body = fetch(e["portal_url"])
        text = soup(body).get_text(" ")
        fresh = e["criteria"]["func.freshness"]
        assert fresh["newest_news_text"] in text, eid
        status, _, art = fetch(fresh["url"])
        assert status == 200 and fresh["newest_news_text"] in soup(art).get_text(" ")
        links = e["criteria"]["func.links"]
        assert (links["value"] == "present") == ("chinhphu.vn" in body.decode()), eid
        search = e["criteria"]["func.search"]
        if search["value"] == "present":
            s = soup(body).select_one("form.search")
            assert s and s.find("input", attrs={"name": "q"})
            status, _, res = fetch(e["portal_url"] + "tim-kiem?q=chuy%E1%BB%83n")
            assert status == 200 and "kết quả" in res.decode()
        sm = e["criteria"]["func.sitemap"]
        robots = fetch(e["portal_url"] + "robots.txt")[2].decode()
        if sm["xml"]:
            assert f"Sitemap: {sm['xml']}" in robots
            assert fetch(sm["xml"])[0] == 200
        if sm["page"]:
            assert fetch(sm["page"])[0] == 200


def test_static_catalogue_badges_and_detail_pages(demo_site):
    seen = 0
    for e in reachable(demo_site).values():
        cat = e["catalogue"]
        if cat["kind"] != "static":
            continue
        _, _, body = fetch(cat["url"])
        rows = soup(body).select("tr.thu-tuc")
        by_url = {
            urljoin(cat["url"], r.a["href"]): r.select_one(".muc-do").get_text() for r in rows
        }
        for s in e["services"]:
            assert by_url[s["url"]] == s["declared_raw"]
            seen += 1
    assert seen


def test_js_catalogue_is_empty_in_raw_html_and_api_is_full(demo_site):
    seen = 0
    for e in reachable(demo_site).values():
        cat = e["catalogue"]
        if cat["kind"] != "js":
            continue
        _, _, body = fetch(cat["url"])
        page = soup(body)
        assert not page.select(".dvc-item") and not page.find(
            "a", href=lambda h: h and "/thu-tuc/" in h
        )
        assert cat["api_visible"] == page.select_one("#ds-dvc").has_attr("data-api")
        data = json.loads(fetch(cat["api_url"])[2])
        assert data["total"] == len(e["services"])
        seen += 1
    assert seen


def test_service_flows_match_actual_behaviour(demo_site):
    kinds = set()
    for e in reachable(demo_site).values():
        for s in e["services"]:
            _, _, body = fetch(s["url"])
            page = soup(body)
            btn = page.select_one("a.nop-ho-so")
            kinds.add(s["entry"])
            if s["entry"] == "none":
                assert btn is None
                continue
            assert btn.get_text() == s["entry_text"] and btn["href"] == s["entry_url"]
            status, _, target = fetch(s["entry_url"])
            text = target.decode()
            if s["entry"] == "form":
                form = soup(target).select_one("form#eform")
                assert status == 200 and form.find("input", attrs={"type": "file"})
                assert form.find(attrs={"type": "submit"})
                assert ("Thanh toán trực tuyến" in text) == s["payment"]
                assert ("bưu chính công ích" in text) == (
                    "Nhận kết quả qua dịch vụ bưu chính công ích" in s["delivery"]
                )
            elif s["entry"] == "gateway":
                assert status == 200 and "Định danh điện tử VNeID" in text
                terms = page.select_one(".thong-tin-truc-tuyen").get_text()
                assert ("Thanh toán trực tuyến" in terms) == s["payment"]
                post = "Nhận kết quả qua dịch vụ bưu chính công ích" in s["delivery"]
                assert ("bưu chính công ích" in terms) == post
            elif s["entry"] == "dead_link":
                assert status == 404
            elif s["entry"] == "error_500":
                assert status == 500
            elif s["entry"] == "never_renders":
                assert status == 200 and "Đang tải..." in text and "<form" not in text
            elif s["entry"] == "maintenance":
                assert "đang bảo trì" in text
    assert {"none", "form", "gateway"} <= kinds


def test_post_and_payment_are_recorded(demo_site):
    before = demo_site.submissions_path.read_text().count("\n")
    e = next(e for e in reachable(demo_site).values() if e["services"])
    s = e["services"][0]
    status, _, _ = fetch(
        s["url"].replace("/thu-tuc/", "/nop-ho-so/").replace(".html", "/gui"), data=b"ho_ten=X"
    )
    assert status == 200
    fetch(demo_site.truth["payment_gateway"] + "?ma=1")
    lines = demo_site.submissions_path.read_text().splitlines()[before:]
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["method"] == "POST" and first["fields"] == ["ho_ten"]
    assert json.loads(lines[1])["kind"] == "payment"


def _fault(demo_site, kind):
    for e in demo_site.truth["entities"].values():
        for f in e["faults"]:
            if f["kind"] == kind:
                return e, f
    raise AssertionError(kind)


def test_trap_generates_unbounded_urls(demo_site):
    _, f = _fault(demo_site, "calendar_trap")
    url, seen = f["url"], set()
    for _ in range(40):
        status, _, body = fetch(url)
        assert status == 200 and url not in seen
        seen.add(url)
        nxt = soup(body).find("a", string="Tháng sau")["href"]
        url = urljoin(url, nxt)
    _, f = _fault(demo_site, "pagination_trap")
    assert fetch(f["url"].replace("trang=1", "trang=987654"))[0] == 200
    _, f = _fault(demo_site, "httrack_loop")
    assert fetch(f["url"] + "vi/vi/vi/vi/")[0] == 200


def test_unreachable_entity_refuses(demo_site):
    e, _ = _fault(demo_site, "unreachable")
    host = urlsplit(e["portal_url"])
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host.hostname, host.port), timeout=2).close()


def test_transient_redirects_encoding_and_tls(demo_site):
    _, f = _fault(demo_site, "transient_503")
    first, second = fetch(f["url"]), fetch(f["url"])
    assert sorted([first[0], second[0]]) == [200, 503]
    assert (first if first[0] == 503 else second)[1]["Retry-After"] == "1"
    _, f = _fault(demo_site, "redirect_loop")
    status, headers, _ = fetch(f["url"])
    assert status == 302
    status2, headers2, _ = fetch(urljoin(f["url"], headers["Location"]))
    assert urljoin(f["url"], headers2["Location"]) == f["url"]
    _, f = _fault(demo_site, "redirect_chain")
    url, hops = f["url"], 0
    while (r := fetch(url))[0] in (301, 302):
        url, hops = urljoin(url, r[1]["Location"]), hops + 1
    assert hops == f["hops"] and r[0] == 200
    _, f = _fault(demo_site, "legacy_encoding")
    status, headers, body = fetch(f["url"])
    assert "charset" not in headers["Content-Type"] and b'charset="windows-1258"' in body
    assert "Tiếng Việt" in __import__("unicodedata").normalize("NFC", body.decode("cp1258"))
    _, f = _fault(demo_site, "large_page")
    status, headers, body = fetch(f["url"])
    assert len(body) == f["bytes"] and body.endswith(b"</html>")
    for kind, reason in (("tls_self_signed", "self-signed"), ("tls_expired", "expired")):
        _, f = _fault(demo_site, kind)
        assert f["url"].startswith("https://")
        assert fetch(f["url"])[0] == 200
        strict = ssl.create_default_context(cafile=demo_site.root / demo_site.truth["demo_ca"])
        strict.check_hostname = False
        with pytest.raises(urllib.error.URLError, match=reason):
            urllib.request.urlopen(f["url"], context=strict, timeout=5)


def test_facts_follow_truth(demo_site):
    import unicodedata

    saw = {"nfd": 0, "mismatch": 0, "english": 0, "xss": 0}
    for eid, e in reachable(demo_site).items():
        facts = e["facts"]
        _, headers, body = fetch(e["portal_url"])
        sent = {k for k, _ in model.SECURITY_HEADERS} & set(headers)
        assert len(sent) / len(model.SECURITY_HEADERS) == facts["security_headers_share"], eid
        home = soup(body)
        imgs = home.select(".gallery img")
        assert len(imgs) == facts["home_images"]
        assert sum(not i.has_attr("alt") for i in imgs) == facts["images_without_alt_home"]
        assert fetch(urljoin(e["portal_url"], imgs[0]["src"]))[0] == 200
        assert bool(home.find("meta", attrs={"name": "viewport"})) == facts["viewport"], eid
        if facts["title_has_script"]:
            assert b"<title>" in body and b"<script>alert(1)</script></title>" in body
            assert "<script>alert(1)</script>" in home.title.get_text()
            saw["xss"] += 1
        for url in facts["nfd_pages"][:2]:
            text = fetch(url)[2].decode()
            assert text == unicodedata.normalize("NFD", text) != unicodedata.normalize("NFC", text)
            saw["nfd"] += 1
        for url in facts["lang_mismatch_pages"]:
            page = soup(fetch(url)[2])
            assert page.html["lang"] == "en-US" and "Thông cáo số 1" in page.get_text()
            saw["mismatch"] += 1
        if e["criteria"]["info.english"]["value"] == "present":
            page = soup(fetch(e["criteria"]["info.english"]["url"])[2])
            assert page.html["lang"] == "en"
            saw["english"] += 1
        robots = fetch(e["portal_url"] + "robots.txt")[2].decode()
        for rule in facts["robots"]["disallow"]:
            assert f"Disallow: {rule}" in robots
        assert ("Crawl-delay:" in robots) == bool(facts["robots"]["crawl_delay"])
        for url in facts["broken_internal_links"]:
            assert fetch(url)[0] == 404, url
    assert all(saw.values()), saw


def test_session_ids_make_fresh_urls(demo_site):
    _, f = _fault(demo_site, "session_ids")
    url, seen = f["url"], set()
    for _ in range(5):
        status, _, body = fetch(url)
        assert status == 200 and ";jsessionid=" in url and url not in seen
        seen.add(url)
        nxt = [
            a["href"]
            for a in soup(body).find_all("a", href=True)
            if __import__("unicodedata").normalize("NFC", a.get_text()) == "Bài tiếp theo"
        ]
        url = urljoin(url, nxt[0])


def test_every_broken_internal_link_is_in_truth(demo_site):
    """Walk each portal's ordinary pages: the links that 404 are exactly truth's list."""
    from crawler.demo import faults

    skip = tuple(faults.PATHS.values()) + ("/su-kien/", "/thong-bao", "/trang-cu", "/chuyen-huong")
    for eid, e in reachable(demo_site).items():
        if any(f["kind"] == "slow" for f in e["faults"]):
            continue  # 0.3 s a page: too slow for a unit test's walk
        root = e["portal_url"]
        todo, seen, broken, pages = [root], {root}, set(), 0
        while todo:
            url = todo.pop()
            status, headers, body = fetch(url)
            if status == 503:
                status, headers, body = fetch(url)
            if status == 404:
                broken.add(url)
                continue
            assert status == 200, (url, status)
            pages += 1
            if "html" not in headers.get("Content-Type", "html"):
                continue
            for tag, attr in (("a", "href"), ("img", "src")):
                for el in soup(body).find_all(tag, attrs={attr: True}):
                    link = urljoin(url, el[attr]).split("#")[0]
                    path = urlsplit(link).path
                    if not link.startswith(root) or ";" in link or path.startswith(skip):
                        continue
                    if link not in seen:
                        seen.add(link)
                        todo.append(link)
        assert broken == set(e["facts"]["broken_internal_links"]), eid
        assert pages >= e["facts"]["pages"] * 0.9, (eid, pages)


def test_platform_families_answer_in_their_real_shapes(demo_site):
    """The MA_MUC_DO pages and the OpenCPS API (groupId header or a refusal), read by the
    adapters the crawl uses, give every service's truth level; apply links with vneid=1 lead
    to the identity gateway."""
    from crawler import catalogues
    from crawler.catalogues.opencps import request_headers
    from crawler.detect.services import parse_catalogue

    seen = set()
    for eid, e in reachable(demo_site).items():
        cat, want = e["catalogue"], {s["url"]: s["declared"] for s in e["services"]}
        if cat["family"] == "muc_do_server":
            got = parse_catalogue(cat["url"], fetch(cat["url"])[2].decode())
            assert {s["url"]: s["declared"] for s in got["services"]} == want, eid
            assert {s["declared_raw"] for s in got["services"]} <= {
                "MUC_DO_2",
                "MUC_DO_3",
                "MUC_DO_4",
            }
        elif cat["family"] == "opencps":
            page = parse_catalogue(cat["url"], fetch(cat["url"])[2].decode())
            assert page["json_endpoints"] == [cat["api_url"]] and not page["services"], eid
            assert page["api_headers"] == {"groupId": cat["group_id"]}
            assert request_headers(fetch(cat["url"])[2].decode()) == page["api_headers"]
            assert fetch(cat["api_url"])[0] == 400  # no groupId: refused
            assert fetch(cat["api_url"], headers={"groupId": "1"})[0] == 400
            status, _, body = fetch(cat["api_url"], headers=page["api_headers"])
            got = catalogues.parse(cat["api_url"], catalogues.load(body))
            assert got["platform"] == "opencps" and status == 200
            own = {s["url"]: s["declared"] for s in got["services"] if s["url"]}
            assert own == want, eid
            assert len(got["services"]) > len(own)  # units below the portal's agency too
        else:
            continue
        seen.add(cat["family"])
        for r in e["national"]["rows"][:3]:
            status, headers, _ = fetch(r["citizen_url"])
            assert status == 302, r["citizen_url"]
            assert headers["Location"].startswith(demo_site.truth["identity_gateway"])
    assert seen == {"muc_do_server", "opencps"}
