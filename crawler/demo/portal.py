"""An entity's portal, rendered on request from its model entry (deterministic per URL)."""

from __future__ import annotations

import re
import struct
import zlib

from crawler.demo import faults, realistic, vocab
from crawler.demo.common import (
    Reply,
    base_url,
    dvc_url,
    esc,
    format_date,
    headline,
    html_reply,
    nfd,
    not_found,
    paragraphs,
    person,
)
from crawler.demo.templates import contact_block, page, section_path

PER_PAGE = 20
_ARTICLE = re.compile(r"^/bai-viet/(\d+)\.html$")
_DOC = re.compile(r"^/van-ban/(\d+)\.html$")
_FILLER = re.compile(r"^/thong-tin/(\d+)\.html$")
_PDF = re.compile(r"^/van-ban/tep-(\d+)\.pdf$")
# The smallest PDF readers accept: attachments answer, so they never count as broken links.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
_IMAGE = re.compile(r"^/(static/(anh-\d+|bai-\d+)\.png|Style(%20| )Library/images/\w[\w.-]*)$")


def _png() -> bytes:
    """A 1x1 grey PNG: every image a page shows answers, so images never count as broken."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


PNG = _png()


def n_news(e: dict) -> int:
    return len(e["news_dates"])


def present(e: dict, crit: str) -> bool:
    return e["sections"][crit]["value"] == "present"


def _news_pages(e: dict) -> int:
    return -(-n_news(e) // PER_PAGE)


def base_pages(e: dict) -> list[str]:
    """Every normal page path except fillers (which top the count up to n_pages)."""
    out = ["/", faults.DISALLOWED]
    for crit, sec in e["sections"].items():
        if sec["value"] != "present" or (crit == "info.contact" and sec.get("footer_only")):
            continue
        if sec.get("case") in ("home_list_only", "service_portal_link"):
            continue
        if crit == "info.english":
            out += ["/en/", "/en/about", "/en/contact"]
            continue
        out.append(section_path(e, sec["slug"]))
        if crit == "info.news":
            out += [f"{out[-1]}?trang={p}" for p in range(2, _news_pages(e) + 1)]
    if e["sitemap_page"]:
        out.append("/so-do-cong")
    out += [f"/bai-viet/{n}.html" for n in range(n_news(e))]
    if present(e, "info.legal_documents"):
        out += [f"/van-ban/{n}.html" for n in range(e["n_docs"])]
    if e["template"] == realistic.TEMPLATE:
        out += [f"/{slug}" for slug, _ in realistic.TRAP_HEADLINES]
    return out


def n_fillers(e: dict) -> int:
    return max(1, e["n_pages"] - len(base_pages(e)))


def all_pages(e: dict) -> list[str]:
    return base_pages(e) + [f"/thong-tin/{n}.html" for n in range(n_fillers(e))]


LANG_MISMATCH_PATH = "/thong-tin/0.html"


def lang_mismatch_path(e: dict) -> str | None:
    """A Vietnamese page that declares lang="en-US" (as the real portal's phone directory does)."""
    return LANG_MISMATCH_PATH if e["lang_mismatch"] else None


def nfd_article(e: dict, n: int) -> bool:
    return n % e["nfd_every"] == 3


def _date(e: dict, n: int) -> str:
    return format_date(e["news_dates"][n], e["date_formats"][n % 3], n)


def _news_list(e: dict, start: int, stop: int, sid: str = "") -> str:
    items = []
    for n in range(start, min(stop, n_news(e))):
        items.append(
            f'<li class="news-item"><a href="/bai-viet/{n}.html{sid}">{esc(headline(e, n))}</a>'
            f' <span class="date">{esc(_date(e, n))}</span></li>'
        )
    return '<ul class="news-list">' + "".join(items) + "</ul>"


def home(site: dict, e: dict) -> str:
    images = []
    for i in range(e["home_images"]):
        alt = "" if i < e["home_images_no_alt"] else f' alt="Ảnh hoạt động {i + 1}"'
        images.append(f'<img src="/static/anh-{i + 1}.png"{alt} width="120" height="80">')
    links = ""
    if e["func"]["func.links"] == "present":
        lis = "".join(f'<li><a href="{u}">{esc(t)}</a></li>' for t, u in vocab.GOV_LINKS)
        links = (
            f'<div class="lien-ket-website"><h3>{esc(e["links_heading"])}</h3><ul>{lis}</ul></div>'
        )
    fault_links = "".join(f'<li><a href="{h}">{esc(t)}</a></li>' for t, h in faults.links(site, e))
    # A dated list headed as news is news (evaluators count home blocks); a portal without a
    # news section heads its list of announcements otherwise.
    news_heading = "Tin mới nhất" if present(e, "info.news") else "Thông cáo mới"
    if e["template"] == realistic.TEMPLATE:
        news_heading = realistic.NEWS_HEADING if present(e, "info.news") else "Thông cáo mới"
        fault_links += _realistic_home_links(site, e)
    body = (
        f"<h1>{esc(e['name_vi'])}</h1>"
        f'<section class="tin-moi"><h2>{news_heading}</h2>{_news_list(e, 0, 8)}</section>'
        f'<div class="gallery">{"".join(images)}</div>'
        f'<ul class="other-links"><li><a href="{faults.DISALLOWED}">Thông cáo báo chí</a></li>'
        f"{fault_links}</ul>{links}"
    )
    title = f"Trang chủ - {e['name_vi']}"
    if e["xss_title"]:
        return page(e, title + " <script>alert(1)</script>", body, raw_title=True)
    return page(e, title, body)


def _realistic_home_links(site: dict, e: dict) -> str:
    """Home blocks with "Xem tiếp" links, headline traps and the service-portal link."""
    out = []
    for crit in realistic.HOME_BLOCKS:
        sec = e["sections"][crit]
        if sec.get("case") == "home_block_link":
            path = section_path(e, sec["slug"])
            out.append(f'<li><b>{esc(sec["text"])}</b> <a href="{path}">Xem tiếp</a></li>')
    for slug, title in realistic.TRAP_HEADLINES:
        out.append(f'<li><a href="/{slug}">{esc(title)}</a></li>')
    if e["sections"]["info.procedures"].get("case") == "service_portal_link":
        out.append(f'<li><a href="{dvc_url(site, e)}/">Trang dịch vụ công trực tuyến</a></li>')
    return "".join(out)


def _trap_article(site: dict, e: dict, title: str) -> str:
    day = format_date(e["news_dates"][-1], 0)
    body = f"<article><h2>{esc(title)}</h2><p class='date'>{esc(day)}</p>"
    body += f"{paragraphs(site['seed'], e['id'], 'trap', title)}</article>"
    return page(e, title, body)


def _section_body(site: dict, e: dict, crit: str, query: dict) -> str | None:
    heading = vocab.HEADINGS[crit]
    text = paragraphs(site["seed"], e["id"], crit)
    if crit == "info.leadership":
        rows = []
        for i in range(4):
            name, title = person(site["seed"], e["id"], "lead", i)
            rows.append(f"<li><strong>{esc(name)}</strong> - {esc(title)}: phụ trách chung</li>")
        text += "<ul class='leaders'>" + "".join(rows) + "</ul>"
    elif crit == "info.contact_officials":
        rows = []
        for i in range(5):
            name, title = person(site["seed"], e["id"], "official", i)
            rows.append(
                f"<tr><td>{esc(name)}</td><td>{esc(title)}</td><td>{esc(e['phone'])}{i}</td>"
                f"<td>dau-moi{i}@{esc(e['id'])}.gov.vn</td></tr>"
            )
        text += (
            "<table class='danh-ba'><tr><th>Họ và tên</th><th>Chức vụ</th><th>Điện thoại</th>"
            "<th>Email</th></tr>" + "".join(rows) + "</table>"
        )
    elif crit == "info.contact":
        text = contact_block(e) + text
    elif crit == "info.news":
        try:
            p = int(query.get("trang", "1"))
        except ValueError:
            return None
        if not 1 <= p <= _news_pages(e):
            return None
        path = section_path(e, e["sections"][crit]["slug"])
        nav = "".join(
            f' <a href="{path}?trang={i}">{i}</a>' for i in range(1, _news_pages(e) + 1) if i != p
        )
        text = _news_list(e, (p - 1) * PER_PAGE, p * PER_PAGE) + f'<div class="pager">{nav}</div>'
    elif crit == "info.legal_documents":
        rows = "".join(
            f'<tr><td><a href="/van-ban/{n}.html">{n + 1:02d}/2026/QĐ-UBND</a></td>'
            f"<td>{esc(format_date(e['news_dates'][n % n_news(e)], 0))}</td>"
            f"<td>Quyết định ban hành quy chế số {n + 1}</td></tr>"
            for n in range(e["n_docs"])
        )
        # The search box only where the portal's search works: a dead one is linked_broken.
        if e["func"]["func.search"] == "present":
            text += '<form action="/tim-kiem" method="get"><input name="q"></form>'
        text += (
            "<table class='van-ban'><tr><th>Số ký hiệu</th><th>Ngày ban hành</th>"
            f"<th>Trích yếu</th></tr>{rows}</table>"
        )
    elif crit == "info.about":
        text += (
            f"<p>Vị trí và chức năng: {esc(e['name_vi'])} thực hiện chức năng quản lý nhà nước "
            "trên địa bàn theo quy định của pháp luật.</p><p>Nhiệm vụ và quyền hạn: ban hành "
            "và tổ chức thực hiện các chương trình, kế hoạch đã được phê duyệt.</p>"
        )
    elif crit == "info.direction":
        rows = "".join(
            f"<li>Lịch công tác tuần {n + 1} của Lãnh đạo "
            f"({esc(format_date(e['news_dates'][n % n_news(e)], 0))})</li>"
            for n in range(3)
        )
        text += f"<ul class='lich-cong-tac'>{rows}</ul>"
    elif crit == "info.procedures":
        text += f'<p><a href="{dvc_url(site, e)}/">Cổng dịch vụ công trực tuyến của đơn vị</a></p>'
    return f"<h1>{esc(heading)}</h1>{text}"


def _search(e: dict, query: dict) -> str:
    q = query.get("q", "").strip()
    hits = [n for n in range(n_news(e)) if q.lower() in headline(e, n).lower()] if q else []
    items = "".join(
        f'<li><a href="/bai-viet/{n}.html">{esc(headline(e, n))}</a></li>' for n in hits[:50]
    )
    return (
        f"<h1>Kết quả tìm kiếm</h1><p>Tìm thấy {len(hits)} kết quả cho từ khóa "
        f"“{esc(q)}”.</p><ol class='search-results'>{items}</ol>"
    )


def _english(site: dict, e: dict, path: str) -> str | None:
    bodies = {
        "/en/": (
            "Home",
            f"<h1>{esc(e['name_en'])}</h1><p>Welcome to the official web portal of the "
            f"{esc(e['name_en'])}. This English section presents our functions and tasks, our "
            "organisation structure, our leadership and how to contact us. Online public services "
            "are available in Vietnamese on our public service portal.</p>",
        ),
        "/en/about": (
            "Functions and tasks",
            "<h1>Functions and tasks</h1><p>The agency advises on and manages its sector.</p>"
            "<h2>Organisation structure</h2><p>Departments and affiliated units.</p>",
        ),
        "/en/contact": (
            "Contact",
            f"<h1>Contact</h1><p>Address: 12 Tran Phu street</p><p>Phone: {esc(e['phone'])}</p>"
            f"<p>Email: office@{esc(e['id'])}.gov.vn</p>",
        ),
    }
    if path not in bodies:
        return None
    title, body = bodies[path]
    nav = '<p><a href="/en/about">About</a> | <a href="/en/contact">Contact</a> | <a href="/">Tiếng Việt</a></p>'
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)} - '
        f"{esc(e['name_en'])}</title></head><body>{nav}{body}</body></html>"
    )


def _sitemap_xml(site: dict, e: dict) -> str:
    base = base_url(site, e)
    urls = "".join(f"<url><loc>{esc(base + p)}</loc></url>" for p in all_pages(e) if "?" not in p)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    )


def route(site: dict, e: dict, path: str, query: dict) -> Reply:
    """The reply for GET `path` on this entity's portal."""
    if path == "/robots.txt":
        return Reply(body=faults.robots(site, e).encode(), content_type="text/plain; charset=utf-8")
    reply = faults.route(site, e, path, query)
    if reply is not None:
        return reply
    sid = ""
    if ";jsessionid=" in path and "session_ids" in e["faults"]:
        full = path + "?" + "&".join(f"{k}={v}" for k, v in sorted(query.items()))
        path = path.split(";", 1)[0]
        sid = ";jsessionid=" + faults.session_id(full)
    if path in ("/", "/index.html"):
        return html_reply(home(site, e))
    if path == "/sitemap.xml" and e["sitemap_xml"]:
        return Reply(body=_sitemap_xml(site, e).encode(), content_type="application/xml")
    if path == "/so-do-cong" and e["sitemap_page"]:
        items = "".join(f'<li><a href="{p}">{esc(p)}</a></li>' for p in base_pages(e))
        return html_reply(page(e, e["sitemap_text"], f"<h1>Sơ đồ cổng</h1><ul>{items}</ul>"))
    if path == "/tim-kiem" and e["func"]["func.search"] == "present":
        return html_reply(page(e, "Tìm kiếm", _search(e, query)))
    if path.startswith("/en/") and present(e, "info.english"):
        text = _english(site, e, path)
        return html_reply(text) if text else not_found()
    if path == faults.DISALLOWED:
        fillers = "".join(
            f'<li><a href="/thong-tin/{n}.html">Thông cáo số {n + 1}</a></li>'
            for n in range(n_fillers(e))
        )
        body = (
            f"<h1>Thông cáo báo chí</h1>{paragraphs(site['seed'], e['id'], 'tc')}<ul>{fillers}</ul>"
        )
        return html_reply(page(e, "Thông cáo báo chí", body))
    for crit, sec in e["sections"].items():
        if crit == "info.english" or path != section_path(e, sec["slug"]):
            continue
        shell = sec.get("case") in realistic.SHELLS and sec["case"] != "http_404"
        if sec["value"] == "linked_broken" and shell:
            return html_reply(page(e, vocab.HEADINGS[crit], realistic.shell_body(sec)))
        if sec["value"] != "present" or (crit == "info.contact" and sec.get("footer_only")):
            return not_found()
        if sec.get("case") in ("home_list_only", "service_portal_link"):
            return not_found()
        body = _section_body(site, e, crit, query)
        if body and e["template"] == realistic.TEMPLATE:
            body = realistic.section_page(sec, body.split("</h1>", 1)[1])
        return html_reply(page(e, vocab.HEADINGS[crit], body)) if body else not_found()
    if e["template"] == realistic.TEMPLATE:
        trap = dict(realistic.TRAP_HEADLINES).get(path.lstrip("/"))
        if trap:
            return html_reply(_trap_article(site, e, trap))
    if _IMAGE.match(path):
        return Reply(body=PNG, content_type="image/png")
    m = _ARTICLE.match(path)
    if m and int(m.group(1)) < n_news(e):
        return html_reply(_article(site, e, int(m.group(1)), sid))
    m = _DOC.match(path)
    if m and present(e, "info.legal_documents") and int(m.group(1)) < e["n_docs"]:
        n = int(m.group(1))
        body = (
            f"<h1>Quyết định số {n + 1:02d}/2026/QĐ-UBND</h1><table><tr><td>Số ký hiệu</td><td>"
            f"{n + 1:02d}/2026/QĐ-UBND</td></tr><tr><td>Ngày ban hành</td><td>"
            f"{esc(format_date(e['news_dates'][n % n_news(e)], 0))}</td></tr><tr><td>Trích yếu"
            f"</td><td>Quyết định ban hành quy chế số {n + 1}</td></tr></table>"
            f'<p><a href="/van-ban/tep-{n + 1}.pdf">Tải tệp đính kèm</a></p>'
        )
        return html_reply(page(e, f"Văn bản {n + 1}", body))
    m = _FILLER.match(path)
    if m and int(m.group(1)) < n_fillers(e):
        n = int(m.group(1))
        body = f"<h1>Thông cáo số {n + 1}</h1>{paragraphs(site['seed'], e['id'], 'filler', n)}"
        lang = "en-US" if path == lang_mismatch_path(e) else "vi"
        return html_reply(page(e, f"Thông cáo số {n + 1}", body, lang=lang))
    m = _PDF.match(path)
    if m and present(e, "info.legal_documents") and 1 <= int(m.group(1)) <= e["n_docs"]:
        return Reply(body=PDF, content_type="application/pdf")
    return not_found()


def _article(site: dict, e: dict, n: int, sid: str) -> str:
    links = []
    if n > 0:
        links.append(f'<a href="/bai-viet/{n - 1}.html{sid}">Bài mới hơn</a>')
    if n + 1 < n_news(e):
        links.append(f'<a href="/bai-viet/{n + 1}.html{sid}">Bài tiếp theo</a>')
    if n < e["broken_articles"]:
        links.append(f'<a href="/bai-viet/{n_news(e) + n}.html">Xem thêm tài liệu</a>')
    body = (
        f"<article><h1>{esc(headline(e, n))}</h1><p class='date'>{esc(_date(e, n))}</p>"
        f"{paragraphs(site['seed'], e['id'], 'article', n)}"
        f'<img src="/static/bai-{n}.png" alt="Ảnh minh họa bài viết"></article>'
        f"<p>{' | '.join(links)}</p>"
    )
    text = page(e, headline(e, n), body)
    return nfd(text) if nfd_article(e, n) else text
