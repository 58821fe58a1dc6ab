"""Provincial platform families, told apart by the citizen URL the national portal links to.

The family says how a service portal is built (the nps/apply deep link, the server-rendered
MA_MUC_DO pages, OpenCPS ...); `sign_in` says whether the link sends the citizen to the
national sign-in (VNeID / VNConnect) first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, urlencode, urlsplit

from crawler.catalogues.config import catalogues


@lru_cache(maxsize=1)
def _families() -> list[tuple[dict, re.Pattern]]:
    return [(f, re.compile(f["pattern"], re.I)) for f in catalogues()["families"]]


def family_of(url: str | None) -> str:
    """The family name of a citizen URL ("other" when no pattern matches)."""
    if not url:
        return "other"
    for fam, pattern in _families():
        if pattern.search(url):
            return fam["name"]
    return "other"


def family(name: str) -> dict:
    return next((f for f, _ in _families() if f["name"] == name), {"name": name})


def sign_in(url: str | None) -> str | None:
    """ "vneid" / "vnconnect" when the link asks for the national sign-in, else None."""
    if not url:
        return None
    query = parse_qs(urlsplit(_absolute(url)).query, keep_blank_values=True)
    for name, param in catalogues()["sign_in_params"].items():
        if query.get(param, [""])[0] == "1":
            return name
    if family_of(url) == "identity_gateway":
        return "vneid"
    return None


def _absolute(url: str) -> str:
    return url if "//" in url else f"https://{url}"


def deep_link(url: str, service_code: str | None, agency_code: str | None) -> str:
    """The citizen URL with the national codes filled in where its family takes them.

    Mirrors of the national list cut the query string; the family's template puts back MaTTHC
    (the procedure: the service code without its case suffix), the agency and the service code.
    """
    url = _absolute(url)
    fam = family(family_of(url))
    template = fam.get("template")
    if not template or not service_code:
        return url
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    params = fam["params"]
    if query.get(params["procedure"], [""])[0]:
        return url  # already a deep link
    procedure = re.sub(r"\.\d{2}$", "", service_code)
    link = template.format(
        base=f"{parts.scheme}://{parts.netloc}",
        procedure=procedure,
        agency=agency_code or "",
        service=service_code,
    )
    extra = {k: v[0] for k, v in query.items() if k not in params.values() and k != "vneid"}
    return f"{link}&{urlencode(extra)}" if extra else link
