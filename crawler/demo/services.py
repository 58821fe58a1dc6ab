"""Service portals (catalogue, procedure pages, online flows) and the shared gateways.

A service's `entry` (from the model) decides what its online entry button reaches: an e-form,
the identity gateway, a dead link, a 500, a form that never renders, or a maintenance page.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from crawler.demo import vocab
from crawler.demo.common import Reply, dvc_url, esc, html_reply, not_found, shared_url

PER_PAGE = 50
_DETAIL = re.compile(r"^/thu-tuc/([0-9.]+)\.html$")
_ENTRY = re.compile(r"^/nop-ho-so/([0-9.]+)$")
IDENTITY_TITLE = "Đăng nhập bằng tài khoản Định danh điện tử VNeID"
DELIVERY_ONLINE = "Nhận kết quả trực tuyến"
DELIVERY_POST = "Nhận kết quả qua dịch vụ bưu chính công ích"
DELIVERY_OFFICE = "Nhận kết quả trực tiếp tại Bộ phận Một cửa"


def _page(e: dict, title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} - Cổng Dịch vụ công {esc(e['name_vi'])}</title></head><body>"
        f'<header><a href="/">Cổng Dịch vụ công {esc(e["name_vi"])}</a> | '
        f'<a href="{e["services"]["catalogue"]["path"]}">Danh mục thủ tục hành chính</a></header>'
        f"<main>{body}</main></body></html>"
    )


def detail_path(s: dict) -> str:
    return f"/thu-tuc/{s['code']}.html"


def gateway_url(site: dict, e: dict, s: dict) -> str:
    back = quote(dvc_url(site, e) + detail_path(s), safe="")
    return (
        f"{shared_url(site, site['identity_host'])}/dang-nhap?dich_vu={s['code']}&quay_lai={back}"
    )


def payment_url(site: dict, e: dict, s: dict) -> str:
    return (
        f"{shared_url(site, site['payment_host'])}/thanh-toan?ma_tthc={s['code']}&don_vi={e['id']}"
    )


def entry_url(site: dict, e: dict, s: dict) -> str | None:
    """Where the entry button points, or None when the page has no online entry."""
    if s["entry"] == "none":
        return None
    if s["entry"] == "gateway":
        return gateway_url(site, e, s)
    if s["entry"] == "dead_link":
        return f"{dvc_url(site, e)}/nop-ho-so/{s['code']}/khong-ton-tai"
    return f"{dvc_url(site, e)}/nop-ho-so/{s['code']}"


def payment_and_delivery(s: dict) -> tuple[bool, list[str]]:
    """What the flow offers: online payment, and result delivery options."""
    if s["actual"] == "full":
        return True, [DELIVERY_ONLINE, DELIVERY_POST, DELIVERY_OFFICE]
    if s["actual"] == "partial":
        if s["lacks"] == "payment":
            return False, [DELIVERY_ONLINE, DELIVERY_POST, DELIVERY_OFFICE]
        return True, [DELIVERY_OFFICE]
    return False, [DELIVERY_OFFICE]


def _home(site: dict, e: dict) -> str:
    cat = e["services"]["catalogue"]
    body = (
        f"<h1>Cổng Dịch vụ công {esc(e['name_vi'])}</h1>"
        f'<p><a href="{cat["path"]}">Dịch vụ công trực tuyến</a></p>'
        f'<p><a href="{shared_url(site, site["identity_host"])}/dang-nhap">Đăng nhập</a></p>'
    )
    return _page(e, "Trang chủ", body)


def _static_catalogue(e: dict, query: dict) -> str | None:
    svcs = e["services"]["services"]
    pages = -(-len(svcs) // PER_PAGE)
    try:
        p = int(query.get("trang", "1"))
    except ValueError:
        return None
    if not 1 <= p <= pages:
        return None
    rows = "".join(
        f'<tr class="thu-tuc"><td>{esc(s["code"])}</td><td><a href="{detail_path(s)}">'
        f'{esc(s["name"])}</a></td><td>{esc(s["field"])}</td><td><span class="badge muc-do">'
        f"{esc(s['declared_raw'])}</span></td></tr>"
        for s in svcs[(p - 1) * PER_PAGE : p * PER_PAGE]
    )
    path = e["services"]["catalogue"]["path"]
    nav = "".join(f' <a href="{path}?trang={i}">{i}</a>' for i in range(1, pages + 1) if i != p)
    return _page(
        e,
        "Danh mục thủ tục hành chính",
        "<h1>Danh mục thủ tục hành chính</h1><table class='ds-thu-tuc'><tr><th>Mã</th>"
        f"<th>Tên thủ tục</th><th>Lĩnh vực</th><th>Mức độ</th></tr>{rows}</table>"
        f'<div class="pager">{nav}</div>',
    )


def _js_catalogue(e: dict) -> str:
    cat = e["services"]["catalogue"]
    attr = f' data-api="{cat["api_path"]}"' if cat["api_visible"] else ""
    body = (
        f'<h1>Dịch vụ công trực tuyến</h1><div id="ds-dvc"{attr}></div>'
        '<p class="empty">Không có thủ tục nào được tìm thấy</p>'
        '<script src="/static/danh-muc.js"></script>'
    )
    return _page(e, "Dịch vụ công trực tuyến", body)


def catalogue_script(e: dict) -> str:
    """The catalogue script; on hidden-endpoint entities the URL is only assembled at run time."""
    cat = e["services"]["catalogue"]
    if cat["api_visible"]:
        find = "var box=document.getElementById('ds-dvc');var api=box.dataset.api;"
    else:
        parts = [p[::-1] for p in cat["api_path"].strip("/").split("/")]
        find = (
            f"var box=document.getElementById('ds-dvc');var api='/'+{json.dumps(parts)}"
            ".map(function(p){return p.split('').reverse().join('')}).join('/');"
        )
    return (
        "(function(){" + find + "fetch(api,{headers:{'X-Requested-With':'XMLHttpRequest'}})"
        ".then(function(r){return r.json()}).then(function(d){"
        "var items=d.data||[];var html='<ul class=\"dvc-list\">';"
        "items.forEach(function(it){var lv=it.maxLevel!==undefined?'Mức độ '+it.maxLevel:"
        "(it.mucDo!==undefined?'Mức độ '+it.mucDo:it.mucDoText);"
        "html+='<li class=\"dvc-item\"><a href=\"'+it.url+'\">'+it.ten+'</a> "
        "<span class=\"badge muc-do\">'+lv+'</span></li>'});"
        "box.innerHTML=html+'</ul>';var e=document.querySelector('.empty');"
        "if(e&&items.length)e.remove();});})();"
    )


def catalogue_api(e: dict) -> dict:
    cat = e["services"]["catalogue"]
    data = []
    for s in e["services"]["services"]:
        item = {"id": s["i"] + 1, "maTTHC": s["code"], "ten": s["name"], "url": detail_path(s)}
        if cat["api_field"] == "mucDoText":
            item["mucDoText"] = s["declared_raw"]
        else:
            item[cat["api_field"]] = s["api_level"]
        data.append(item)
    return {"total": len(data), "data": data}


def _field_value(e: dict, s: dict, field: str) -> str:
    values = {
        "name": s["name"],
        "steps": "Bước 1: Nộp hồ sơ. Bước 2: Tiếp nhận và giải quyết. Bước 3: Trả kết quả.",
        "method": "Trực tiếp tại Bộ phận Một cửa; qua dịch vụ bưu chính; trực tuyến.",
        "dossier": "Tờ khai theo mẫu; bản sao giấy tờ tùy thân; 01 bộ hồ sơ.",
        "time_limit": f"{5 + s['i'] % 10} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
        "applicants": "Công dân Việt Nam, tổ chức, doanh nghiệp.",
        "agency": e["name_vi"],
        "result": "Giấy chứng nhận hoặc văn bản trả lời.",
        "fees": f"{(s['i'] % 5 + 1) * 50}.000 đồng/hồ sơ.",
        "legal_basis": "Luật Tổ chức chính quyền địa phương; Nghị định số 42/2022/NĐ-CP.",
    }
    return values[field]


def _online_terms(s: dict) -> str:
    """What a gateway-entry procedure page states about payment and delivery: the only place a
    checker stopped at the login page can learn them, so it is shown whatever TT32 fields lack."""
    if s["entry"] != "gateway":
        return ""
    pay, delivery = payment_and_delivery(s)
    payment = (
        "Thanh toán trực tuyến phí, lệ phí qua Cổng thanh toán."
        if pay
        else "Nộp phí, lệ phí trực tiếp tại Bộ phận Một cửa."
    )
    return (
        f'<div class="thong-tin-truc-tuyen"><p>{payment}</p>'
        f"<p>Hình thức nhận kết quả: {esc('; '.join(delivery))}.</p></div>"
    )


def _detail(site: dict, e: dict, s: dict) -> str:
    rows = "".join(
        f'<div class="info-row"><div class="key">{esc(label)}</div>'
        f'<div class="col-sm-9">{esc(_field_value(e, s, f))}</div></div>'
        for f, label in vocab.TT32_FIELDS
        if f in s["tt32_fields"]
    )
    url = entry_url(site, e, s)
    button = (
        f'<p><a class="btn btn-primary nop-ho-so" href="{esc(url)}">{esc(s["entry_text"])}</a></p>'
        if url
        else ""
    )
    return _page(
        e,
        s["name"],
        f"<h1>{esc(s['name'])}</h1><p>Mã thủ tục: {esc(s['code'])} - "
        f'<span class="badge muc-do">{esc(s["declared_raw"])}</span></p>{rows}{_online_terms(s)}{button}',
    )


def _form(site: dict, e: dict, s: dict) -> str:
    pay, delivery = payment_and_delivery(s)
    payment = (
        '<fieldset class="thanh-toan"><legend>Thanh toán trực tuyến</legend><p>Lệ phí: '
        f'{(s["i"] % 5 + 1) * 50}.000 đồng</p><a class="btn" href="{esc(payment_url(site, e, s))}">'
        "Thanh toán trực tuyến qua Cổng thanh toán</a></fieldset>"
        if pay
        else "<p>Nộp phí, lệ phí trực tiếp tại Bộ phận Một cửa.</p>"
    )
    radios = "".join(
        f'<label><input type="radio" name="hinh_thuc_nhan" value="{i}">{esc(d)}</label>'
        for i, d in enumerate(delivery)
    )
    return _page(
        e,
        f"Nộp hồ sơ: {s['name']}",
        f"<h1>Nộp hồ sơ trực tuyến: {esc(s['name'])}</h1>"
        f'<form id="eform" method="post" action="/nop-ho-so/{s["code"]}/gui" '
        'enctype="multipart/form-data">'
        '<label>Họ và tên <input type="text" name="ho_ten"></label>'
        '<label>Số định danh cá nhân <input type="text" name="so_dinh_danh"></label>'
        '<label>Địa chỉ <input type="text" name="dia_chi"></label>'
        '<label>Tệp đính kèm <input type="file" name="tep_dinh_kem"></label>'
        f'<fieldset class="nhan-ket-qua"><legend>Hình thức nhận kết quả</legend>{radios}</fieldset>'
        f'{payment}<button type="submit" id="gui-ho-so">Gửi hồ sơ</button></form>',
    )


def _never_renders(e: dict, s: dict) -> str:
    return _page(
        e,
        f"Nộp hồ sơ: {s['name']}",
        '<div id="eform-root"><p class="loading">Đang tải...</p></div>'
        "<script>new Promise(function(){});/* the form bundle never arrives */</script>",
    )


def _maintenance(e: dict) -> str:
    return _page(
        e,
        "Bảo trì hệ thống",
        "<h1>Hệ thống đang bảo trì</h1><p>Hệ thống đang bảo trì, nâng cấp. Vui lòng quay lại "
        "sau.</p>",
    )


def dvc_route(site: dict, e: dict, method: str, path: str, query: dict) -> Reply:
    """The reply for a request to this entity's service portal."""
    if method not in ("GET", "HEAD"):
        return html_reply(_page(e, "Đã tiếp nhận", "<h1>Đã tiếp nhận hồ sơ</h1>"), record=True)
    cat = e["services"]["catalogue"]
    if path == "/robots.txt":
        return Reply(body=b"User-agent: *\nDisallow: /admin/\n", content_type="text/plain")
    if path == "/":
        return html_reply(_home(site, e))
    if path == cat["path"]:
        if cat["kind"] == "js":
            return html_reply(_js_catalogue(e))
        text = _static_catalogue(e, query)
        return html_reply(text) if text else not_found()
    if cat["kind"] == "js" and path == "/static/danh-muc.js":
        return Reply(body=catalogue_script(e).encode(), content_type="application/javascript")
    if cat["kind"] == "js" and path == cat["api_path"]:
        body = json.dumps(catalogue_api(e), ensure_ascii=False).encode()
        return Reply(body=body, content_type="application/json; charset=utf-8")
    if path == "/vi/nps/apply":  # the national rows' deep links (crawler/demo/national.py)
        from crawler.demo.national import apply_route

        return apply_route(site, e, query)
    by_code = {s["code"]: s for s in e["services"]["services"]}
    m = _DETAIL.match(path)
    if m and m.group(1) in by_code:
        return html_reply(_detail(site, e, by_code[m.group(1)]))
    m = _ENTRY.match(path)
    if m and m.group(1) in by_code:
        s = by_code[m.group(1)]
        if s["entry"] == "form":
            return html_reply(_form(site, e, s))
        if s["entry"] == "error_500":
            return html_reply(_page(e, "Lỗi", "<h1>500 - Lỗi máy chủ</h1>"), 500)
        if s["entry"] == "never_renders":
            return html_reply(_never_renders(e, s))
        if s["entry"] == "maintenance":
            return html_reply(_maintenance(e))
    return not_found()


def identity_route(site: dict, method: str, path: str, query: dict) -> Reply:
    if method not in ("GET", "HEAD"):
        return html_reply("<h1>Đăng nhập không thành công</h1>", 401, record=True)
    if path == "/robots.txt":
        return Reply(body=b"User-agent: *\nDisallow: /\n", content_type="text/plain")
    if path != "/dang-nhap":
        return not_found()
    return html_reply(
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{IDENTITY_TITLE}'
        f'</title></head><body><h1>{IDENTITY_TITLE}</h1><form method="post" action="/dang-nhap">'
        '<label>Số định danh cá nhân <input type="text" name="username"></label>'
        '<label>Mật khẩu <input type="password" name="password"></label>'
        '<button type="submit">Đăng nhập</button></form><p>Đăng nhập bằng tài khoản Cổng Dịch vụ '
        "công quốc gia</p></body></html>"
    )


def payment_route(site: dict, method: str, path: str, query: dict) -> Reply:
    if path == "/robots.txt":
        return Reply(body=b"User-agent: *\nDisallow: /\n", content_type="text/plain")
    return html_reply(
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Cổng thanh toán'
        "</title></head><body><h1>Cổng thanh toán trực tuyến</h1><p>Giao dịch đã được ghi "
        "nhận.</p></body></html>",
        record=True,
    )
