"""The national public service portal's 2026 platform (`POST /api/v1/...`, UUIDv7 ids).

Two answers matter. The per-agency rows (`submitting/formality/list-department-url-by-citizen`)
carry the declared level of a service *at an agency* (`implementLevel` FULL / PARTIAL / NONE),
whether it is still testing (`isTesting`), the codes and the citizen URL; they are the reference
"declared" level. The detail (`configuring/formality/get-formality-by-citizen`) carries the
code, name, agencies and TT32 fields but no level (`isFullProcess` is not one).
"""

from __future__ import annotations

from urllib.parse import urljoin

from crawler.catalogues.common import pick, result, service
from crawler.catalogues.config import platform
from crawler.catalogues.families import deep_link, sign_in

NAME = "national_new"


def _conf() -> dict:
    return platform(NAME)


def sniff(url: str, doc) -> bool:
    if isinstance(doc, str):
        return False
    if _is_detail(doc) or _search_links(doc):
        return True
    return next(_rows(doc, {}), None) is not None


def _search_links(doc) -> list[dict]:
    """Results of the new search page saved as {keyword: [{name, href}]}: names and UUID links."""
    if not isinstance(doc, dict):
        return []
    return [
        item
        for key, items in doc.items()
        if not key.startswith("_") and isinstance(items, list)
        for item in items
        if isinstance(item, dict) and "/thu-tuc-hanh-chinh/" in str(item.get("href", ""))
    ]


def parse(url: str, doc) -> dict:
    data = doc.get("data", doc) if isinstance(doc, dict) and _is_detail(doc.get("data")) else doc
    if _is_detail(data):
        return _detail(data)
    links = _search_links(doc)
    if links:
        found = {urljoin(_conf()["base"], i["href"]): i.get("name") for i in links}
        return result(NAME, [service(adapter=NAME, name=n, url=u) for u, n in found.items()])
    rows = list(_rows(doc, {}))
    fields = _conf()["row_fields"]
    services = []
    for row in rows:
        code = pick(row, fields["code"])
        agency = pick(row, fields["agency_code"])
        raw_url = pick(row, fields["url"])
        services.append(
            service(
                adapter=NAME,
                code=code,
                name=pick(row, fields["name"]),
                agency_code=agency,
                agency_name=pick(row, fields["agency_name"]),
                level_raw=pick(row, fields["level"]),
                status_raw=_status(row, fields["status"]),
                url=deep_link(raw_url, code, agency) if raw_url else None,
                sign_in=sign_in(raw_url),
                system=pick(row, fields["system"]),
            )
        )
    cursor = _conf()["cursor"]
    last = rows[-1].get(cursor["row_id"]) if rows else None
    return result(NAME, services, next_cursor={cursor["last_id"]: last} if last else None)


def _status(row: dict, keys: list[str]):
    for key in keys:
        if key in row and row[key] is not None:
            return row[key]
    return None


def _rows(node, context: dict):
    """Per-agency rows anywhere in the answer: a dict with a level field is a row; the code and
    name of the service may sit on an enclosing dict (mirrors nest rows under their service)."""
    fields = _conf()["row_fields"]
    if isinstance(node, list):
        for item in node:
            yield from _rows(item, context)
        return
    if not isinstance(node, dict):
        return
    here = dict(context)
    for key in ("code", "name"):
        value = pick(node, fields[key])
        if isinstance(value, str):
            here[fields[key][0]] = value
    if pick(node, fields["level"]) is not None and pick(node, fields["agency_code"]) is not None:
        yield {**here, **{k: v for k, v in node.items() if not isinstance(v, list | dict)}}
        return
    for key, value in node.items():
        if not key.startswith("_") and isinstance(value, list | dict):
            yield from _rows(value, here)


def _is_detail(doc) -> bool:
    return isinstance(doc, dict) and "formalityType" in doc and "cases" in doc


def _detail(doc: dict) -> dict:
    conf = _conf()
    fields = conf["detail_fields"]
    code = pick(doc, fields["code"])
    agencies = [
        {"code": a.get("code"), "name": a.get("name")}
        for key in fields["agencies"]
        for a in doc.get(key) or []
        if isinstance(a, dict)
    ]
    agencies = list({a["code"]: a for a in agencies}.values())
    tt32 = [
        field
        for field, paths in conf["detail_tt32"].items()
        if any(_present(doc, path) for path in paths)
    ]
    url = conf["detail_url"].format(id=doc["id"]) if doc.get("id") else None
    cases = [
        service(adapter=NAME, code=c.get("code"), name=c.get("name"), url=url)
        for c in doc.get(fields["cases"][0]) or []
        if isinstance(c, dict)
    ]
    return result(
        NAME,
        cases,
        procedure={"code": code, "name": doc.get("name"), "id": doc.get("id"), "url": url},
        agencies=agencies,
        tt32_fields=tt32,
    )


def _present(doc, path: str) -> bool:
    """Whether a dotted key path holds a value (in any element of a list on the way)."""
    head, _, rest = path.partition(".")
    if isinstance(doc, list):
        return any(_present(item, path) for item in doc)
    if not isinstance(doc, dict) or doc.get(head) in (None, "", [], {}):
        return False
    return _present(doc[head], rest) if rest else True
