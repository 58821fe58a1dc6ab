"""Three structurally different page layouts a portal can wear.

`liferay` is modelled on a real provincial Liferay portal (upper-case menus, /web/<site>/<slug>
URLs without diacritics, the contact block in the footer); `modern` is a header/cards/footer
site; `classic` is a table layout with a left-column menu; `sharepoint` is a district portal
shaped like the real ones (crawler/demo/realistic.py). Any of them may lack a mobile viewport
(more likely the weaker the portal).
"""

from __future__ import annotations

from crawler.demo import realistic
from crawler.demo.common import esc
from crawler.demo.vocab import SECTIONS

# Menus list sections in the order real portals do (site.json stores them sorted by id).
MENU_ORDER = list(SECTIONS)


def section_path(e: dict, slug: str) -> str:
    if e["template"] == "liferay":
        return f"/web/{e['id']}/{slug}"
    if e["template"] == "classic":
        return f"/{slug}.html"
    return f"/{slug}"


def _menu_items(e: dict) -> list[tuple[str, str, str]]:
    """(text, href, place) for every section that has a link; place is 'menu' or 'footer'."""
    items = []
    for crit in MENU_ORDER:
        sec = e["sections"][crit]
        if sec["value"] == "absent":
            continue
        if crit == "info.contact" and sec.get("footer_only"):
            continue
        if e["template"] == "sharepoint" and not realistic.in_menu(sec):
            continue
        place = "menu"
        if e["template"] == "liferay" and crit in ("info.contact", "info.qa_feedback"):
            place = "footer"
        if e["template"] == "modern" and crit in ("info.contact_officials", "info.statistics"):
            place = "footer"
        if e["template"] == "sharepoint" and crit in ("info.contact", "info.qa_feedback"):
            place = "footer"
        items.append((sec["text"], section_path(e, sec["slug"]), place, crit))
    return items


def contact_block(e: dict) -> str:
    return (
        '<div class="contact-info"><p>Địa chỉ: Số 12 đường Trần Phú, phường Ba Đình</p>'
        f"<p>Điện thoại: {esc(e['phone'])} - Fax: {esc(e['phone'][:-1])}0</p>"
        f"<p>Email: vanphong@{esc(e['id'])}.gov.vn</p></div>"
    )


def _head(e: dict, title: str, lang: str, raw_title: bool) -> str:
    viewport = (
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        if e["viewport"]
        else ""
    )
    shown = title if raw_title else esc(title)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">{viewport}'
        f"<title>{shown}</title></head>"
    )


def page(
    e: dict, title: str, body: str, *, lang: str = "vi", raw_title: bool = False, extra: str = ""
) -> str:
    """A whole page: header, menu, body, footer, in the entity's template."""
    items = _menu_items(e)
    menu = [(t, h) for t, h, p, _ in items if p == "menu"]
    footer_links = [(t, h) for t, h, p, _ in items if p == "footer"]
    en = e["sections"]["info.english"]
    en_link = (
        f'<a class="lang-en" href="/en/">{esc(en["text"])}</a>' if en["value"] != "absent" else ""
    )
    if e["sitemap_page"]:
        footer_links.append((e["sitemap_text"], "/so-do-cong"))
    contact = contact_block(e) if e["sections"]["info.contact"].get("footer") else ""
    search = (
        f'<form class="search" action="/tim-kiem" method="get"><input type="text" name="q" '
        f'placeholder="{esc(e["search_label"])}"><button type="submit">'
        f"{esc(e['search_label'])}</button></form>"
        if e["func"]["func.search"] == "present"
        else ""
    )
    if e["template"] == "sharepoint":
        # Every page's <title> is the site's name, as on the real SharePoint-themed portals.
        head = _head(
            e, title if raw_title else f"Trang thông tin điện tử {e['name_vi']}", lang, raw_title
        )
        sidebar = "".join(
            f"<li>{realistic.menu_link(c, e['sections'][c], h)}</li>"
            for _t, h, p, c in items
            if p == "menu"
        )
        return _sharepoint(e, head, sidebar, footer_links, en_link, search, contact, body, extra)
    head = _head(e, title, lang, raw_title)
    name = esc(e["name_vi"])
    flinks = " | ".join(f'<a href="{h}">{esc(t)}</a>' for t, h in footer_links)
    if e["template"] == "liferay":
        lis = "".join(f'<li><a href="{h}"><span>{esc(t)}</span></a></li>' for t, h in menu)
        return (
            f'{head}<body class="yui3-skin-sam controls-visible signed-out public-page site">'
            f'<div id="wrapper"><header id="banner" role="banner"><div id="heading">'
            f'<h2 class="site-title"><a href="/">CỔNG THÔNG TIN ĐIỆN TỬ {name.upper()}</a></h2>'
            f"{en_link}{search}</div>"
            f'<nav id="navigation" class="sort-pages modify-pages"><ul aria-label="Trang">'
            f'<li><a href="/"><span>TRANG CHỦ</span></a></li>{lis}</ul></nav></header>'
            f'<div id="content"><div class="portlet-body">{body}</div></div>{extra}'
            f'<footer id="footer" role="contentinfo"><p class="powered-by">{flinks}</p>'
            f"<p><strong>{name}</strong></p>{contact}</footer></div></body></html>"
        )
    if e["template"] == "modern":
        lis = "".join(f'<a class="nav-link" href="{h}">{esc(t)}</a>' for t, h in menu)
        return (
            f'{head}<body><header class="site-header"><div class="brand"><a href="/">{name}</a>'
            f'</div>{search}{en_link}<nav class="main-nav">{lis}</nav></header>'
            f'<main class="container">{body}</main>{extra}<footer class="site-footer">'
            f'<div class="footer-links">{flinks}</div>{contact}'
            f"<p>© 2026 {name}. Bản quyền thuộc về {name}.</p></footer></body></html>"
        )
    rows = "".join(
        f'<tr><td class="menu-item"><a href="{h}">{esc(t)}</a></td></tr>' for t, h in menu
    )
    return (
        f'{head}<body bgcolor="#ffffff"><center><table width="980" border="0" cellpadding="0" '
        f'cellspacing="0"><tr><td colspan="2" class="banner"><a href="/"><font size="5">{name}'
        f'</font></a> {en_link}</td></tr><tr><td width="200" valign="top"><table '
        f'class="left-menu">{rows}</table>{search}</td><td valign="top">{body}</td></tr>'
        f'<tr><td colspan="2">{extra}</td></tr><tr><td colspan="2" class="footer">{flinks}'
        f"<br>{contact}</td></tr></table></center></body></html>"
    )


def _sharepoint(e, head, sidebar, footer_links, en_link, search, contact, body, extra) -> str:
    name = esc(e["name_vi"])
    flinks = " | ".join(f'<a href="{h}">{esc(t)}</a>' for t, h in footer_links)
    return (
        f"{head}<body>"
        f'<div id="s4-titlerow"><table class="s4-titletable"><tr><td class="s4-titletext">'
        f"<h1>Home</h1></td><td>{en_link}{search}</td></tr></table></div>"
        f'<table class="layout"><tr><td class="left"><div class="navList"><ul class="ms-quickLaunch">'
        f'<li class="ms-navSubMenu"><div class="ms-navheader"><span class="linkEmpty">'
        f"CHUYÊN MỤC</span></div><ul>{sidebar}</ul></li></ul></div></td>"
        f'<td class="main"><div class="content-main">{body}</div>{extra}</td></tr></table>'
        f'<div class="footer"><div class="footer-links"><a href="/">Trang chủ</a> | {flinks}</div>'
        f"<p>Cơ quan chủ quản: {name}</p>{contact}</div></body></html>"
    )
