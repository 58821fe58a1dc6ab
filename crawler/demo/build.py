"""`egovrank demo build`: write the compact site model, the truth and the registry into OUT.

Design choice: nothing is pre-rendered. OUT/site.json holds the model (a few KB per entity) and
the server renders every page on request from it, deterministically, so a 100 x 500 x 100 demo
builds in about as long as it takes to write that JSON and two certificates. truth.json is
derived from the same model through the same URL functions the server uses, so what truth
promises is what the server answers.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml

from crawler.core.quarters import Quarter
from crawler.demo import certs, faults, model, national, portal, services
from crawler.demo.common import base_url, dvc_url, format_date, shared_url
from crawler.demo.server import SITE_FILE
from crawler.demo.templates import section_path

DEFAULTS = {
    "entities": 12,
    "pages": 40,
    "services": 10,
    "seed": 1,
    "quarter": "2026Q4",
    "port": 8765,
    "large_page_mb": 3.0,
}


def _section_truth(site: dict, e: dict, crit: str) -> dict:
    sec = e["sections"][crit]
    base = base_url(site, e)
    path = "/en/" if crit == "info.english" else section_path(e, sec["slug"])
    rec = {"value": sec["value"]}
    if sec["value"] == "absent":
        return rec
    rec["link_text"] = sec["text"]
    rec["url"] = base + path
    if crit == "info.contact":
        rec["footer_block"] = sec["footer"]
        if sec["footer_only"]:
            rec["url"] = base + "/"
            rec["where"] = "footer"
    if sec.get("case"):
        rec["case"] = sec["case"]
    if sec["value"] == "linked_broken":
        shell = sec.get("case") not in (None, "http_404")
        rec["http_status"] = 200 if shell else 404
    if sec.get("case") == "home_list_only":
        rec["url"] = base + "/"
    elif sec.get("case") == "service_portal_link":
        rec["url"] = dvc_url(site, e) + "/"
    return rec


def _func_truth(site: dict, e: dict) -> dict:
    base = base_url(site, e)
    f = e["func"]
    out = {
        "func.search": {"value": f["func.search"]},
        "func.links": {"value": f["func.links"]},
        "func.sitemap": {
            "value": f["func.sitemap"],
            "page": base + "/so-do-cong" if e["sitemap_page"] else None,
            "xml": base + "/sitemap.xml" if e["sitemap_xml"] else None,
        },
    }
    if f["func.search"] == "present":
        out["func.search"]["url"] = base + "/tim-kiem?q=chuyển đổi số"
    if f["func.links"] == "present":
        out["func.links"]["heading"] = e["links_heading"]
    newest = e["news_dates"][0]
    out["func.freshness"] = {
        "value": (date.fromisoformat(site["as_of"]) - date.fromisoformat(newest)).days,
        "newest_news_date": newest,
        "newest_news_text": format_date(newest, e["date_formats"][0], 0),
        "url": base + "/bai-viet/0.html",
    }
    return out


def _service_truth(site: dict, e: dict) -> dict:
    cat = e["services"]["catalogue"]
    dvc = dvc_url(site, e)
    items = []
    for s in e["services"]["services"]:
        pay, delivery = services.payment_and_delivery(s)
        online = s["actual"] in ("full", "partial")
        items.append(
            {
                "code": s["code"],
                "name": s["name"],
                "url": dvc + services.service_path(site, e, s),
                "declared": s["declared"],
                "declared_raw": services.service_raw(e, s),
                "actual": s["actual"],
                "entry": s["entry"],
                "entry_text": s["entry_text"] if s["entry"] != "none" else None,
                "entry_url": services.entry_url(site, e, s),
                "payment": pay if online else False,
                "delivery": delivery if online else [],
                "tt32_fields": s["tt32_fields"],
            }
        )
    return {
        "catalogue": {
            "kind": cat["kind"],
            "family": services.family(e),
            "url": dvc + cat["path"],
            "api_url": dvc + cat["api_path"] if cat["kind"] in ("js", "opencps") else None,
            "group_id": services.group_id(e) if cat["kind"] == "opencps" else None,
            "api_visible": cat["api_visible"] if cat["kind"] == "js" else None,
            "api_field": cat["api_field"] if cat["kind"] == "js" else None,
            "count": len(items),
        },
        "services": items,
    }


def _facts(site: dict, e: dict) -> dict:
    base = base_url(site, e)
    n = portal.n_news(e)
    mismatch = portal.lang_mismatch_path(e)
    return {
        "pages": len(portal.all_pages(e)),
        "newest_news_date": e["news_dates"][0],
        "lang_mismatch_pages": [base + mismatch] if mismatch else [],
        "nfd_pages": [f"{base}/bai-viet/{i}.html" for i in range(n) if portal.nfd_article(e, i)],
        "home_images": e["home_images"],
        "images_without_alt_home": e["home_images_no_alt"],
        "viewport": e["viewport"],
        "security_headers_share": len(e["security_headers"]) / len(model.SECURITY_HEADERS),
        "https": e["scheme"] == "https",
        "tls": e["tls"],
        "robots": {
            "disallow": ["/admin/"]
            + ([faults.DISALLOWED] if "robots_disallow" in e["faults"] else []),
            "crawl_delay": faults.CRAWL_DELAY if "robots_crawl_delay" in e["faults"] else None,
            "sitemap": base + "/sitemap.xml" if e["sitemap_xml"] else None,
        },
        "broken_internal_links": [
            f"{base}/bai-viet/{n + i}.html" for i in range(e["broken_articles"])
        ]
        + [
            _section_truth(site, e, c)["url"]
            for c, s in e["sections"].items()
            if s["value"] == "linked_broken" and _section_truth(site, e, c)["http_status"] == 404
        ]
        # the news page a `sharepoint` portal links but lacks (its home lists the news)
        + [
            base + section_path(e, s["slug"])
            for s in e["sections"].values()
            if s.get("case") == "home_list_only"
        ],
        "title_has_script": e["xss_title"],
    }


def rank_group(e: dict) -> str:
    """As the registry's Entity.rank_group: a commune is ranked among its province's communes."""
    return f"commune:{e['parent']}" if e["group"] == "commune" else e["group"]


def _expected_ranks(entities: list[dict]) -> dict[str, int]:
    """Competition ranking by latent quality within each rank group (1, 2, 2, 4)."""
    ranks = {}
    order = list(model.GROUPS_ORDER)
    order += sorted({rank_group(x) for x in entities} - set(order))
    for group in order:
        members = sorted(
            (x for x in entities if rank_group(x) == group), key=lambda x: -x["quality"]
        )
        for x in members:
            ranks[x["id"]] = 1 + sum(1 for y in members if y["quality"] > x["quality"])
    return ranks


def truth_of(site: dict) -> dict:
    ranks = _expected_ranks(site["entities"])
    prev_q = Quarter.parse(site["quarter"]).previous()
    prev = [
        {**x, "quality": model.quality(site["seed"], x["id"], prev_q)} for x in site["entities"]
    ]
    prev_quality = {x["id"]: x["quality"] for x in prev}
    prev_ranks = _expected_ranks(prev)
    ents = {}
    for e in site["entities"]:
        crit = {c: _section_truth(site, e, c) for c in model.INFO_CRITERIA}
        crit.update(_func_truth(site, e))
        ents[e["id"]] = {
            "name_vi": e["name_vi"],
            "group": e["group"],
            **({"parent": e["parent"], "rank_group": rank_group(e)} if "parent" in e else {}),
            "template": e["template"],
            "quality": e["quality"],
            "expected_rank": ranks[e["id"]],
            "previous": {
                "quarter": str(prev_q),
                "quality": prev_quality[e["id"]],
                "expected_rank": prev_ranks[e["id"]],
                "movement": prev_ranks[e["id"]] - ranks[e["id"]],
            },
            "portal_url": base_url(site, e) + "/",
            "dvc_url": dvc_url(site, e) + "/",
            "reachable": e["reachable"],
            "criteria": crit,
            "facts": _facts(site, e),
            "faults": faults.truth(site, e)
            + ([] if e["reachable"] else [{"kind": "unreachable", "url": base_url(site, e) + "/"}])
            + (
                [{"kind": f"tls_{e['tls']}", "url": base_url(site, e) + "/"}]
                if e["tls"] != "none"
                else []
            ),
            **_service_truth(site, e),
            "national": national.truth(site, e),
        }
    return {
        "version": site["version"],
        "seed": site["seed"],
        "quarter": site["quarter"],
        "as_of": site["as_of"],
        "port": site["port"],
        "identity_gateway": shared_url(site, site["identity_host"]) + "/dang-nhap",
        "payment_gateway": shared_url(site, site["payment_host"]) + "/thanh-toan",
        "national_api": national.base(site),
        "demo_ca": "certs/demo-ca.pem",
        "entities": ents,
    }


def registry_of(site: dict) -> dict:
    return {
        "entities": [
            {
                "id": e["id"],
                "name_vi": e["name_vi"],
                "name_en": e["name_en"],
                "group": e["group"],
                **({"parent": e["parent"]} if "parent" in e else {}),
                "portal_url": base_url(site, e) + "/",
                "portal_confidence": "verified",
                "dvc_url": dvc_url(site, e) + "/",
                "dvc_confidence": "verified",
                "agency_codes": [national.agency_code(site, e)],
                "agency_codes_confidence": "verified",
                "valid_from": "2020-01-01",
                "allow_private": True,
                "note": f"demo portal ({e['template']} template)",
            }
            for e in site["entities"]
        ]
    }


REPORTED = ("reported.infrastructure", "reported.internal_it", "reported.policy",
            "reported.human_resources")  # fmt: skip


def reported_of(site: dict) -> str:
    """The agencies' own reports as an evaluator would type them in: near each entity's latent
    quality, and one indicator left out by every fifth entity (it did not report it)."""
    lines = ["entity_id,indicator,value,source_document"]
    for e in site["entities"]:
        for i, indicator in enumerate(REPORTED):
            if e["index"] % 5 == 4 and i == len(REPORTED) - 1:
                continue
            noise = (model.u(site["seed"], e["id"], indicator) - 0.5) * 0.3
            value = round(min(1.0, max(0.0, e["quality"] + noise)), 2)
            lines.append(f"{e['id']},{indicator},{value},Báo cáo ứng dụng CNTT {site['quarter']}")
    return "\n".join(lines) + "\n"


def build_demo(out: Path | str, **options) -> dict:
    """Write the demo into `out`; returns the truth. Same options, same bytes.

    `groups=(ministries, agencies, provinces)` fixes the group counts; `entities` then defaults
    to their sum. `communes=N` adds N commune portals (`commune_pages`, `commune_services` each)
    dealt over the provinces; `entities` does not count them.
    """
    opts = {**DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    groups = opts.pop("groups", None)
    if groups is not None and options.get("entities") is None:
        opts["entities"] = sum(groups)
    quarter = Quarter.parse(opts["quarter"])
    site = model.build_model(
        entities=opts["entities"],
        pages=opts["pages"],
        services=opts["services"],
        seed=opts["seed"],
        quarter=quarter,
        port=opts["port"],
        large_page_mb=opts["large_page_mb"],
        groups=tuple(groups) if groups is not None else None,
        **{k: opts[k] for k in ("communes", "commune_pages", "commune_services") if k in opts},
    )
    out = Path(out)
    (out / "certs").mkdir(parents=True, exist_ok=True)
    truth = truth_of(site)
    (out / SITE_FILE).write_text(json.dumps(site, ensure_ascii=False, sort_keys=True), "utf-8")
    (out / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )
    header = (
        f"# egovrank demo registry: seed {site['seed']}, quarter {site['quarter']}, "
        f"port {site['port']}. Generated by `egovrank demo build`; do not edit.\n"
    )
    (out / "entities.yaml").write_text(
        header + yaml.safe_dump(registry_of(site), allow_unicode=True, sort_keys=False), "utf-8"
    )
    key = certs.deterministic_key(f"egovrank-demo:{site['seed']}")
    (out / "certs" / "key.pem").write_bytes(certs.key_pem(key))
    (out / "certs" / "demo-ca.pem").write_bytes(certs.make_ca(key))
    for e in site["entities"]:
        if e["tls"] != "none":
            pem = certs.make_cert(key, e["host"], e["tls"], 1000 + e["index"])
            (out / "certs" / f"{e['id']}.pem").write_bytes(pem)
    (out / "reported.csv").write_text(reported_of(site), "utf-8")
    (out / "submissions.jsonl").write_text("", "utf-8")
    return truth
