"""Service portals (catalogue, procedure pages, online flows) and the shared gateways.

A service's `entry` (from the model) decides what its online entry button reaches: an e-form,
the identity gateway, a dead link, a 500, a form that never renders, or a maintenance page.

The portal is built on one of three real platform families (the catalogue's `family`), shaped
after the field lists in ../shared/realdata/vn-dichvucong/SOURCES.md, never copied from a capture:
nps/apply portals (a catalogue with level badges), the server-rendered family whose links carry
`MA_MUC_DO` = MUC_DO_2/3/4 (`tiep-nhan-online/chon-truong-hop-ho-so`), and OpenCPS (a list of
procedures whose levels only `GET /o/rest/v2/serviceinfos` with the site's `groupId` header
answers: `maxLevel` and `serviceConfigs[].serviceLevel` per agency).
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


MUC_DO = {"full": "MUC_DO_4", "partial": "MUC_DO_3", "info_only": "MUC_DO_2"}
MUC_DO_PATH = "/dich-vu-cong/tiep-nhan-online/chon-truong-hop-ho-so"
OPENCPS_API = "/o/rest/v2/serviceinfos"
OPENCPS_APPLY = "/web/cong-dich-vu-cong/dich-vu-cong"
OPENCPS_LEVEL = {"full": 4, "partial": 3, "info_only": 2}


def detail_path(s: dict) -> str:
    return f"/thu-tuc/{s['code']}.html"


def family(e: dict) -> str:
    return e["services"]["catalogue"].get("family", "nps_apply")


def _agency(site: dict, e: dict) -> str:
    from crawler.demo.national import agency_code

    return agency_code(site, e)


def muc_do_path(site: dict, e: dict, s: dict, agency: str | None = None, level=None) -> str:
    """The server-rendered family's service link (query keys in canonical order)."""
    return (
        f"{MUC_DO_PATH}?MA_CO_QUAN={agency or _agency(site, e)}"
        f"&MA_MUC_DO={MUC_DO[level or s['declared']]}&MA_TTHC={s['code']}"
    )


def service_path(site: dict, e: dict, s: dict) -> str:
    """Where the catalogue links the service: its procedure page in the portal's family."""
    if family(e) == "muc_do_server":
        return muc_do_path(site, e, s)
    return detail_path(s)


def service_raw(e: dict, s: dict) -> str:
    """The level as the portal's family writes it (badge text, MUC_DO_n, serviceLevel)."""
    if family(e) == "muc_do_server":
        return MUC_DO[s["declared"]]
    if family(e) == "opencps":
        return str(OPENCPS_LEVEL[s["declared"]])
    return s["declared_raw"]


def group_id(e: dict) -> str:
    """The OpenCPS site id (Liferay's scope group) the API wants in its `groupId` header."""
    return str(35000 + 101 * e["index"])


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


def _muc_do_catalogue(site: dict, e: dict) -> str:
    """The server-rendered list: each service links its case-selection page, level in the URL."""
    rows = "".join(
        f'<tr class="thu-tuc"><td>{esc(s["code"])}</td><td><a href="{esc(service_path(site, e, s))}">'
        f"{esc(s['name'])}</a></td><td>{esc(s['field'])}</td></tr>"
        for s in e["services"]["services"]
    )
    return _page(
        e,
        "Tiếp nhận hồ sơ trực tuyến",
        "<h1>Danh sách thủ tục hành chính</h1><table class='table'><tr><th>Mã thủ tục</th>"
        f"<th>Tên thủ tục</th><th>Lĩnh vực</th></tr>{rows}</table>",
    )


def _opencps_catalogue(e: dict) -> str:
    """OpenCPS: the procedures listed without levels; the levels come from the REST API, which
    answers only with the site's groupId header (Liferay's scope group, in themeDisplay)."""
    items = "".join(
        f'<li class="thu-tuc"><a href="{detail_path(s)}">{esc(s["name"])}</a></li>'
        for s in e["services"]["services"]
    )
    body = (
        f'<script>var themeDisplay={{getScopeGroupId:function(){{return "{group_id(e)}";}}}};'
        "</script><h1>Thủ tục hành chính</h1>"
        f'<ul class="danh-sach-thu-tuc">{items}</ul>'
        f'<div id="dvc-opencps" data-api="{OPENCPS_API}"></div>'
        '<script src="/static/opencps.js"></script>'
    )
    return _page(e, "Thủ tục hành chính", body)


OPENCPS_SCRIPT = (
    "(function(){var box=document.getElementById('dvc-opencps');"
    "fetch(box.dataset.api,{headers:{groupId:themeDisplay.getScopeGroupId()}})"
    ".then(function(r){return r.json()}).then(function(d){var html='<ul class=\"dvc-list\">';"
    "(d.data||[]).forEach(function(it){var c=(it.serviceConfigs||[])[0]||{};"
    "html+='<li class=\"dvc-item\"><a href=\"'+(c.serviceUrl||'#')+'\">'+it.serviceName+"
    "'</a> <span class=\"badge muc-do\">Mức độ '+it.maxLevel+'</span></li>'});"
    "box.innerHTML=html+'</ul>';});})();"
)


def opencps_api(site: dict, e: dict, headers) -> Reply:
    """`GET /o/rest/v2/serviceinfos`: one service info per procedure, a service config per
    agency (the portal's own with its level and URL, every second one a unit below it)."""
    if str((headers or {}).get("groupId", "")) != group_id(e):
        body = b'{"error": "groupId header required"}'
        return Reply(status=400, body=body, content_type="application/json")
    agency, data = _agency(site, e), []
    for s in e["services"]["services"]:
        level = OPENCPS_LEVEL[s["declared"]]
        configs = [
            {
                "serviceConfigId": 1000 * (e["index"] + 1) + 2 * s["i"],
                "govAgencyCode": agency,
                "govAgencyName": e["name_vi"],
                "serviceLevel": level,
                "serviceUrl": dvc_url(site, e) + detail_path(s),
            }
        ]
        if s["i"] % 2 == 0:
            configs.append(
                {
                    "serviceConfigId": 1000 * (e["index"] + 1) + 2 * s["i"] + 1,
                    "govAgencyCode": f"{agency}.1",
                    "govAgencyName": e["name_vi"] + " - đơn vị trực thuộc",
                    "serviceLevel": min(level, 3),
                }
            )
        data.append(
            {
                "serviceInfoId": 40000 + 100 * e["index"] + s["i"],
                "serviceCode": s["code"],
                "serviceName": s["name"],
                "maxLevel": max(c["serviceLevel"] for c in configs),
                "serviceConfigs": configs,
            }
        )
    body = json.dumps({"total": len(data), "data": data}, ensure_ascii=False).encode()
    return Reply(body=body, content_type="application/json; charset=utf-8")


def _sign_in_or_page(site: dict, e: dict, s: dict | None, query: dict) -> Reply:
    """A family's apply link: with vneid=1 (as the national rows give it) the citizen is sent
    to the national sign-in first; without, the procedure page."""
    if s is None:
        return not_found()
    if query.get("vneid") == "1":
        return Reply(status=302, headers={"Location": gateway_url(site, e, s)})
    return html_reply(_detail(site, e, s))


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
        f'<span class="badge muc-do">{esc(service_raw(e, s))}</span></p>{rows}{_online_terms(s)}{button}',
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


def dvc_route(site: dict, e: dict, method: str, path: str, query: dict, headers=None) -> Reply:
    """The reply for a request to this entity's service portal."""
    if method not in ("GET", "HEAD"):
        return html_reply(_page(e, "Đã tiếp nhận", "<h1>Đã tiếp nhận hồ sơ</h1>"), record=True)
    cat = e["services"]["catalogue"]
    if path == "/robots.txt":
        return Reply(body=b"User-agent: *\nDisallow: /admin/\n", content_type="text/plain")
    if path == "/":
        return html_reply(_home(site, e))
    by_code = {s["code"]: s for s in e["services"]["services"]}
    if cat["kind"] == "muc_do":
        if path == cat["path"]:
            return html_reply(_muc_do_catalogue(site, e))
        if path == MUC_DO_PATH:
            return _sign_in_or_page(site, e, by_code.get(query.get("MA_TTHC", "")), query)
    if cat["kind"] == "opencps":
        if path == cat["path"]:
            return html_reply(_opencps_catalogue(e))
        if path == "/static/opencps.js":
            return Reply(body=OPENCPS_SCRIPT.encode(), content_type="application/javascript")
        if path == OPENCPS_API:
            return opencps_api(site, e, headers)
        if path == OPENCPS_APPLY:
            return _sign_in_or_page(site, e, by_code.get(query.get("MaTTHC", "")), query)
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
