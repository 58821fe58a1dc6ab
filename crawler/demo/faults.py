"""The faults real portals have, as routes: traps, loops, redirects, odd encodings, hangs.

Which entity has which fault is decided in the model (`e["faults"]`); here is what each one
looks like on the wire, where it is linked from, and its truth record.
"""

from __future__ import annotations

import hashlib
import re

from crawler.demo.common import Reply, base_url, encode_cp1258, esc, html_reply, redirect
from crawler.demo.templates import section_path

SLOW_S = 0.3
TRANSIENT_RETRY_AFTER = "1"
_HTTRACK = re.compile(r"^/(vi/)+$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

PATHS = {
    "redirect_chain": "/trang-cu.html",
    "redirect_loop": "/chuyen-huong/a",
    "calendar_trap": "/su-kien/lich",
    "pagination_trap": "/thong-bao",
    "httrack_loop": "/vi/",
    "large_page": "/tai-lieu/bao-cao-tong-hop.html",
    "legacy_encoding": "/bai-viet/ban-tin-luu-tru.html",
    "malformed_html": "/thong-tin/trang-loi-dinh-dang.html",
    "timeout": "/tai-lieu/dang-cap-nhat.html",
}
# "portal_heals": the portal answers 503 to everything until its home page has been asked for
# this many times, then recovers: one crawl with `retries: 2` (config/crawl.yaml) meets it down,
# the re-test finds it up (egovrank campaign retest).
HEAL_AFTER_HOME_HITS = 3
DISALLOWED = "/thong-cao-bao-chi/"
CRAWL_DELAY = 1


def transient_path(e: dict) -> str:
    about = e["sections"]["info.about"]
    return section_path(e, about["slug"]) if about["value"] == "present" else "/thong-tin/0.html"


def links(site: dict, e: dict) -> list[tuple[str, str]]:
    """(text, href) the home page carries so a crawler meets this entity's faults."""
    out = []
    f = e["faults"]
    if "redirect_chain" in f:
        out.append(("Trang thông tin cũ", PATHS["redirect_chain"]))
    if "redirect_loop" in f:
        out.append(("Chuyển hướng", PATHS["redirect_loop"]))
    if "calendar_trap" in f:
        out.append(("Lịch sự kiện", f"{PATHS['calendar_trap']}?thang={site['as_of'][:7]}"))
    if "pagination_trap" in f:
        out.append(("Thông báo", f"{PATHS['pagination_trap']}?trang=1"))
    if "httrack_loop" in f:
        out.append(("Phiên bản lưu trữ", "vi/"))
    if "session_ids" in f:
        out.append(("Bài viết nổi bật", f"/bai-viet/1.html;jsessionid={session_id('/')}"))
    if "large_page" in f:
        out.append(("Báo cáo tổng hợp", PATHS["large_page"]))
    if "legacy_encoding" in f:
        out.append(("Bản tin lưu trữ", PATHS["legacy_encoding"]))
    if "malformed_html" in f:
        out.append(("Thông tin khác", PATHS["malformed_html"]))
    if "timeout" in f:
        out.append(("Tài liệu đang cập nhật", PATHS["timeout"]))
    return out


def session_id(seed_path: str) -> str:
    return hashlib.sha1(seed_path.encode()).hexdigest()[:16].upper()


def robots(site: dict, e: dict) -> str:
    lines = ["User-agent: *", "Disallow: /admin/"]
    if "robots_disallow" in e["faults"]:
        lines.append(f"Disallow: {DISALLOWED}")
    if "robots_crawl_delay" in e["faults"]:
        lines.append(f"Crawl-delay: {CRAWL_DELAY}")
    if e["sitemap_xml"]:
        lines.append(f"Sitemap: {base_url(site, e)}/sitemap.xml")
    return "\n".join(lines) + "\n"


def _simple(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f'</head><body><h1>{esc(title)}</h1>{body}<p><a href="/">Trang chủ</a></p></body></html>'
    )


def route(site: dict, e: dict, path: str, query: dict) -> Reply | None:
    """The fault's reply for this path, or None when the path is not a fault route."""
    f = e["faults"]
    if "redirect_chain" in f:
        if path == PATHS["redirect_chain"]:
            return redirect("/trang-cu/buoc-2", 301)
        if path == "/trang-cu/buoc-2":
            return redirect("/trang-cu/buoc-3", 302)
        if path == "/trang-cu/buoc-3":
            return redirect(DISALLOWED if "robots_disallow" not in f else "/", 301)
    if "redirect_loop" in f:
        if path == "/chuyen-huong/a":
            return redirect("/chuyen-huong/b", 302)
        if path == "/chuyen-huong/b":
            return redirect("/chuyen-huong/a", 302)
    if "calendar_trap" in f and path == PATHS["calendar_trap"]:
        m = _MONTH.match(query.get("thang", ""))
        if not m:
            return None
        y, mo = int(m.group(1)), int(m.group(2))
        prev = f"{y - (mo == 1):04d}-{(mo - 2) % 12 + 1:02d}"
        nxt = f"{y + (mo == 12):04d}-{mo % 12 + 1:02d}"
        body = (
            f"<p>Lịch sự kiện tháng {mo}/{y}: chưa có sự kiện.</p>"
            f'<a href="{PATHS["calendar_trap"]}?thang={prev}">Tháng trước</a> '
            f'<a href="{PATHS["calendar_trap"]}?thang={nxt}">Tháng sau</a>'
        )
        return html_reply(_simple(f"Lịch sự kiện tháng {mo}/{y}", body))
    if "pagination_trap" in f and path == PATHS["pagination_trap"]:
        try:
            n = int(query.get("trang", "1"))
        except ValueError:
            return None
        if n < 1:
            return None
        body = (
            f"<p>Thông báo - trang {n}.</p><ul><li>Thông báo số {n * 10 + 1}</li></ul>"
            f'<a href="{PATHS["pagination_trap"]}?trang={n + 1}">Trang sau</a>'
        )
        return html_reply(_simple(f"Thông báo - trang {n}", body))
    if "httrack_loop" in f and _HTTRACK.match(path):
        body = '<p>Phiên bản lưu trữ của cổng.</p><a href="vi/">Tiếng Việt</a>'
        return html_reply(_simple("Phiên bản lưu trữ", body))
    if "large_page" in f and path == PATHS["large_page"]:
        return Reply(stream_bytes=e["large_page_bytes"])
    if "legacy_encoding" in f and path == PATHS["legacy_encoding"]:
        text = (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="windows-1258">'
            "<title>Bản tin lưu trữ</title></head><body><h1>Bản tin lưu trữ</h1>"
            "<p>Cổng thông tin điện tử được xây dựng từ năm 2010. Tiếng Việt có dấu.</p>"
            '<p><a href="/">Trang chủ</a></p></body></html>'
        )
        return Reply(body=encode_cp1258(text), content_type="text/html")
    if "malformed_html" in f and path == PATHS["malformed_html"]:
        text = (
            '<html><head><meta charset="utf-8"><title>Thông tin khác</title></head><body>'
            "<div><table><tr><td><p>Nội dung <b>thông tin <i>khác</b></i><td>cột hai"
            "</table></div></div></span><a href=/thong-cao-bao-chi/ class=x>Thông cáo</a>"
            "<p>Trang này có mã HTML sai cú pháp<ul><li>một<li>hai</p><img src=x.png"
        )
        return html_reply(text)
    if "timeout" in f and path == PATHS["timeout"]:
        return Reply(hang=True)
    return None


def large_page_chunks(size: int, chunk: int = 256 * 1024):
    """The very large page, generated: valid HTML of exactly `size` bytes (at least the frame)."""
    head = (
        b'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>B\xc3\xa1o c\xc3\xa1o'
        b" t\xe1\xbb\x95ng h\xe1\xbb\xa3p</title></head><body><h1>B\xc3\xa1o c\xc3\xa1o</h1>"
    )
    tail = b"</body></html>"
    line = "<p>Số liệu tổng hợp của đơn vị qua các năm.</p>\n".encode()
    remaining = max(0, size - len(head) - len(tail))
    yield head
    block = line * (chunk // len(line) + 1)
    while remaining > 0:
        piece = block[: min(chunk, remaining)]
        remaining -= len(piece)
        yield piece
    yield tail


def truth(site: dict, e: dict) -> list[dict]:
    base = base_url(site, e)
    out = []
    for fault in e["faults"]:
        rec = {"kind": fault}
        if fault in PATHS:
            rec["url"] = base + PATHS[fault]
        if fault == "slow":
            rec["delay_ms"] = int(SLOW_S * 1000)
            rec["url"] = base + "/"
        if fault == "transient_503":
            rec["url"] = base + transient_path(e)
            rec["note"] = (
                "odd-numbered requests (the 1st, 3rd, ...) answer 503 with Retry-After: 1; the retry after a 503 answers 200"
            )
        if fault == "calendar_trap":
            rec["url"] = f"{base}{PATHS['calendar_trap']}?thang={site['as_of'][:7]}"
        if fault == "pagination_trap":
            rec["url"] = f"{base}{PATHS['pagination_trap']}?trang=1"
        if fault == "redirect_chain":
            rec["hops"] = 3
        if fault == "large_page":
            rec["bytes"] = e["large_page_bytes"]
        if fault == "legacy_encoding":
            rec["encoding"] = "windows-1258"
        if fault == "session_ids":
            rec["url"] = f"{base}/bai-viet/1.html;jsessionid={session_id('/')}"
        if fault == "robots_disallow":
            rec["url"] = base + DISALLOWED
        if fault == "robots_crawl_delay":
            rec["crawl_delay"] = CRAWL_DELAY
        out.append(rec)
    return out
