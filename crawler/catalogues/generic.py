"""Catalogue JSON of no known platform: whatever list key, name, code and level field it uses.

Used for the demo's endpoints and small provincial APIs. It never reads a tier (`level`,
`capDo`, `impl_level_id`) as a level and never takes `id` for a service code; an item needs a
service code or a link to be kept.
"""

from __future__ import annotations

from urllib.parse import urljoin

from crawler.catalogues.common import pick, result, service

NAME = "generic_json"
LIST_KEYS = ("data", "items", "results", "rows", "content", "list")
LEVEL_KEYS = ["maxLevel", "mucDo", "muc_do", "mucDoText", "mucdo", "MA_MUC_DO", "serviceLevel",
              "implementLevel", "MucDo"]  # fmt: skip
NAME_KEYS = ["ten", "name", "serviceName", "tenThuTuc", "title", "NAME", "PROCEDURE_NAME",
             "TEN_TTHC"]  # fmt: skip
CODE_KEYS = ["ma", "maTTHC", "code", "serviceCode", "maThuTuc", "TTHC_MA", "PROCEDURE_CODE",
             "formalityCaseCode", "MA_TTHC"]  # fmt: skip
URL_KEYS = ["url", "link", "href", "detailUrl"]


def items(payload) -> list[dict]:
    rows = payload
    if isinstance(payload, dict):
        rows = next((payload[k] for k in LIST_KEYS if isinstance(payload.get(k), list)), [])
    return [i for i in rows if isinstance(i, dict)] if isinstance(rows, list) else []


def sniff(url: str, doc) -> bool:
    return not isinstance(doc, str) and bool(items(doc))


def parse(url: str, doc) -> dict:
    out = []
    for item in items(doc):
        link = pick(item, URL_KEYS)
        row = service(
            adapter=NAME,
            code=pick(item, CODE_KEYS),
            name=pick(item, NAME_KEYS),
            level_raw=pick(item, LEVEL_KEYS),
            url=urljoin(url, str(link)) if link else None,
        )
        if row["code"] or row["url"]:
            out.append(row)
    return result(NAME, out)
