"""The national portal's JSP platform (`POST /jsp/rest.jsp`, form body `params=<JSON>`).

It served until early 2026 and matters for past quarters. Its online-service list names code and
name only: the declared level is unknown there, never "none". The TTHC detail page shows
"Cấp thực hiện", an administrative tier that is kept as `tier` and never read as a level.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from crawler.catalogues.common import pick, result, service
from crawler.catalogues.config import platform
from crawler.detect.text import fold, nfc

NAME = "national_old"
_AGENCY_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
# The DVC detail page names its procedure in inline script; its agency selector is filled by JS.
_PROCEDURE_CODE = re.compile(r"var\s+procedure_code\s*=\s*'([^']+)'")


def _conf() -> dict:
    return platform(NAME)


def sniff(url: str, doc) -> bool:
    if isinstance(doc, str):
        return "dichvucong.gov.vn" in doc[:200_000] and (
            _labels(doc) is not None or _PROCEDURE_CODE.search(doc) is not None
        )
    rows = _list(doc)
    if not rows:
        return False
    fields = _conf()["list_fields"]
    first = rows[0]
    known = pick(first, fields["code"]) or pick(first, fields["name"]) or _is_agency(first)
    return bool(known or "FIELD_NAME" in first)


def parse(url: str, doc) -> dict:
    if isinstance(doc, str):
        return _detail_page(url, doc)
    conf = _conf()
    fields = conf["list_fields"]
    rows = _list(doc)
    if rows and _is_agency(rows[0]):
        agencies = [
            {"code": r[conf["agency_fields"]["code"]], "name": r.get(conf["agency_fields"]["name"])}
            for r in rows
        ]
        return result(NAME, [], agencies=agencies)
    if rows and "FIELD_NAME" in rows[0]:  # lĩnh vực (fields of law), not services
        return result(NAME, [], fields=[r["FIELD_NAME"] for r in rows])
    if rows and "PUBLISHING_DATE" in rows[0]:  # decisions that publish procedures
        decisions = [{"number": r.get("CODE"), "date": r.get("PUBLISHING_DATE")} for r in rows]
        return result(NAME, [], decisions=decisions, total=int(rows[0].get("AMOUNT") or 0))
    services = []
    total = None
    for row in rows:
        code = pick(row, fields["code"])
        total = total or pick(row, fields["total"])
        services.append(
            service(
                adapter=NAME,
                code=code,
                name=pick(row, fields["name"]),
                url=conf["detail_url"].format(code=code) if code else None,
                platform_id=pick(row, fields["platform_id"]),
            )
        )
    return result(NAME, services, total=int(total) if total else None)


def _list(doc) -> list[dict]:
    rows = doc.get("data", doc) if isinstance(doc, dict) else doc
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _is_agency(row: dict) -> bool:
    code = row.get(_conf()["agency_fields"]["code"])
    return isinstance(code, str) and bool(_AGENCY_CODE.match(code))


def _labels(html: str) -> dict | None:
    """Label -> value of the detail page's key/value rows (`div.key` + its sibling)."""
    doc = lxml_html.fromstring(html)
    pairs = {}
    for key in doc.xpath('//div[contains(concat(" ", @class, " "), " key ")]'):
        value = key.getnext()
        if value is not None:
            label = fold(key.text_content()).rstrip(":").strip()
            pairs[label] = nfc(" ".join(value.text_content().split()))
    return pairs or None


def _detail_page(url: str, html: str) -> dict:
    from crawler.detect.services import tt32_fields

    labels = _labels(html) or {}
    conf = _conf()["detail_labels"]
    script_code = _PROCEDURE_CODE.search(html)
    if not labels and script_code:  # the DVC page: code in script, name in its h1
        tree = lxml_html.fromstring(html)
        name = " ".join(" ".join(tree.xpath("//h1[contains(@class,'main-title')]//text()")).split())
        row = service(adapter=NAME, code=script_code.group(1), name=name, url=url)
        return result(NAME, [row], tt32_fields=tt32_fields(tree), needs_browser=True)

    def label(field):
        return next((labels[c] for c in conf[field] if labels.get(c)), None)

    row = service(adapter=NAME, code=label("code"), name=label("name"), url=url, tier=label("tier"))
    return result(
        NAME,
        [row] if row["code"] or row["name"] else [],
        tt32_fields=tt32_fields(lxml_html.fromstring(html)),
    )
