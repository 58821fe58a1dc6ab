"""The demo's national public service portal: the 2026 platform's per-agency rows.

`POST /api/v1/submitting/formality/list-department-url-by-citizen` with a JSON body
`{"agencyCode", "limit", "lastId"}` answers the rows of that agency and the agencies below it,
in the new API's shape (`formalityCaseCode`, `departmentCode`, `implementLevel` FULL / PARTIAL /
NONE, `isTesting`, `citizenUrl`), paged by cursor. Every demo entity has its own code; a few
rows are testing and a few disagree with the entity's own badges (planted, in truth.json).
One entity's agency sits behind the portal's web application firewall: its rows answer 403
unless the cookie set by the portal's own search page script is there (a JavaScript challenge,
as F5 does). The crawler, which runs no script and spoofs nothing, is refused; the browser
stage's fallback opens that page in Chromium and reads the rows the page itself fetches.

Each citizen URL is a deep link into the entity's service portal in its platform family (an
nps/apply link, the server-rendered `chon-truong-hop-ho-so` link with its MA_MUC_DO, or the
OpenCPS apply page), with `vneid=1`, which sends the citizen to the identity gateway.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from crawler.demo import services
from crawler.demo.common import Reply, dvc_url, not_found
from crawler.demo.services import gateway_url

NATIONAL_HOST = "127.3.0.3"
ROWS_PATH = "/api/v1/submitting/formality/list-department-url-by-citizen"
SEARCH_PATH = "/tra-cuu/dich-vu-cong-truc-tuyen"
WAF_COOKIE = "TS01egov=1"
ENUM = {"full": "FULL", "partial": "PARTIAL", "none": "NONE"}
FLIP = {"full": "partial", "partial": "full"}


def host(site: dict) -> str:
    return site.get("national_host", NATIONAL_HOST)


def base(site: dict) -> str:
    return f"http://{host(site)}:{site['port']}"


def agency_code(site: dict, e: dict) -> str:
    """The demo entity's national code: G9n for ministries and agencies, H9n for provinces."""
    index = [x["id"] for x in site["entities"]].index(e["id"])
    if e["group"] == "commune":  # its own code, not below its province's (H9n.1 is a unit)
        return f"X9{index:04d}"
    return f"{'H' if e['group'] == 'province' else 'G'}9{index:02d}"


def deep_link(site: dict, e: dict, s: dict, agency: str, level: str | None = None) -> str:
    if services.family(e) == "muc_do_server":
        path = services.muc_do_path(site, e, s, agency, level if level != "none" else None)
        return f"{dvc_url(site, e)}{path}&vneid=1"
    if services.family(e) == "opencps":
        query = {"MaTTHC": s["code"], "govAgencyCode": agency}
        return f"{dvc_url(site, e)}{services.OPENCPS_APPLY}?{urlencode(query)}&vneid=1"
    query = {"MaTTHC": s["code"], "MaCoQuanThucHien": agency, "MaDVC": f"{s['code']}.01"}
    return f"{dvc_url(site, e)}/vi/nps/apply?{urlencode(query)}&vneid=1"


def behind_waf(site: dict, e: dict) -> bool:
    """The last entity's rows (communes aside) are behind the firewall's JavaScript challenge."""
    ranked = [x for x in site["entities"] if x.get("group") != "commune"]
    return e["id"] == ranked[-1]["id"]


def _waf_refuses(site: dict, code: str, headers) -> bool:
    if WAF_COOKIE in str((headers or {}).get("Cookie", "")):
        return False
    return any(
        behind_waf(site, e)
        and (code == agency_code(site, e) or code.startswith(agency_code(site, e) + "."))
        for e in site["entities"]
    )


SEARCH_PAGE = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tra cứu dịch vụ công '
    "trực tuyến - Cổng Dịch vụ công quốc gia</title></head><body><h1>Dịch vụ công trực tuyến "
    'theo cơ quan</h1><table id="ket-qua"></table><script>'
    f'document.cookie="{WAF_COOKIE}; path=/";'  # the firewall's challenge, answered by the page
    "(async function(){var agency=new URLSearchParams(location.search).get('agencyCode');"
    "var last=null,t=document.getElementById('ket-qua');for(var i=0;i<100;i++){"
    f"var r=await fetch('{ROWS_PATH}',{{method:'POST',headers:{{'Content-Type':"
    "'application/json'},body:JSON.stringify({agencyCode:agency,limit:50,lastId:last})});"
    "var d=await r.json(),rows=d.data||[];rows.forEach(function(x){var tr=document.createElement("
    "'tr');tr.textContent=x.formalityCaseCode+' '+x.formalityCaseName+' '+x.implementLevel;"
    "t.appendChild(tr)});if(rows.length<50)break;last=rows[rows.length-1].id}"
    "t.setAttribute('data-done','1')})();</script></body></html>"
)


def rows_of(site: dict, e: dict) -> list[dict]:
    """The entity's rows: its online services (declared full or partial on its portal) at its
    own agency, and every second one at a unit below it too. Every fifth row's level differs
    from the portal's badge; every fourth is still testing."""
    code = agency_code(site, e)
    rows = []
    for s in e["services"]["services"]:
        if s["declared"] not in ("full", "partial"):
            continue
        agencies = [code] + ([f"{code}.1"] if s["i"] % 2 == 0 else [])
        for k, agency in enumerate(agencies):
            n = len(rows)
            level = FLIP[s["declared"]] if n % 5 == 2 else s["declared"]
            rows.append(
                {
                    "id": f"{code}-{n:04d}",
                    "formalityCaseCode": f"{s['code']}.01",
                    "formalityCaseName": s["name"],
                    "departmentCode": agency,
                    "departmentName": e["name_vi"] + ("" if k == 0 else " - đơn vị trực thuộc"),
                    "implementLevel": ENUM[level],
                    "isTesting": n % 4 == 3,
                    "citizenUrl": deep_link(site, e, s, agency, level),
                    "level": "PROVINCE" if e["group"] == "province" else "MINISTRY",  # a tier
                }
            )
    return rows


def truth(site: dict, e: dict) -> dict:
    rows = rows_of(site, e)
    return {
        "agency_codes": [agency_code(site, e)],
        "rows": [
            {
                "code": r["formalityCaseCode"],
                "agency_code": r["departmentCode"],
                "declared": r["implementLevel"].lower(),
                "status": "testing" if r["isTesting"] else "in_service",
                "citizen_url": r["citizenUrl"],
                "family": services.family(e),
            }
            for r in rows
        ],
        "behind_waf": behind_waf(site, e),
        "disagree_with_portal": [
            [r["formalityCaseCode"], r["departmentCode"]]
            for r, s in _with_service(e, rows)
            if r["implementLevel"].lower() != s["declared"]
        ],
    }


def _with_service(e: dict, rows: list[dict]):
    by_code = {f"{s['code']}.01": s for s in e["services"]["services"]}
    return [(r, by_code[r["formalityCaseCode"]]) for r in rows]


def route(site: dict, method: str, path: str, body: bytes, headers=None) -> Reply:
    """Only the listed read answers; anything else is refused the way a real API would."""
    if path == "/robots.txt":
        return Reply(body=b"User-agent: *\nDisallow: /admin/\n", content_type="text/plain")
    if path == SEARCH_PATH and method in ("GET", "HEAD"):
        return Reply(body=SEARCH_PAGE.encode(), content_type="text/html; charset=utf-8")
    if path != ROWS_PATH:
        return not_found()
    if method != "POST":
        return Reply(status=405, body=b'{"error": "method not allowed"}', record=True)
    try:
        query = json.loads(body or b"{}")
        code, limit = str(query.get("agencyCode") or ""), int(query.get("limit") or 50)
    except (ValueError, TypeError, AttributeError):
        return Reply(status=400, body=b'{"error": "bad body"}', content_type="application/json")
    if _waf_refuses(site, code, headers):
        return Reply(
            status=403,
            body=b"<html><body>The requested URL was rejected. Please consult with your "
            b"administrator.</body></html>",
            content_type="text/html",
        )
    rows = [
        r
        for e in site["entities"]
        for r in rows_of(site, e)
        if code and (r["departmentCode"] == code or r["departmentCode"].startswith(code + "."))
    ]
    last = query.get("lastId")
    if last:
        ids = [r["id"] for r in rows]
        rows = rows[ids.index(last) + 1 :] if last in ids else []
    page = {"success": True, "data": rows[:limit], "total": len(rows)}
    return Reply(
        body=json.dumps(page, ensure_ascii=False).encode(),
        content_type="application/json; charset=utf-8",
    )


def apply_route(site: dict, e: dict, query: dict) -> Reply | None:
    """The nps/apply deep link on an entity's service portal: with vneid=1 it sends the citizen
    to the national sign-in (the identity gateway), as the real family does."""
    by_code = {s["code"]: s for s in e["services"]["services"]}
    s = by_code.get(query.get("MaTTHC", ""))
    if s is None:
        return not_found()
    return Reply(status=302, headers={"Location": gateway_url(site, e, s)})
