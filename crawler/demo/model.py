"""The demo's site model: seeded latent quality per entity and every feature it drives (pure).

Everything here is a function of (seed, quarter, sizes, port), so the same arguments give the
same model. Each feature has its own fixed uniform draw `u` per entity and is present when
`u < p(quality)`: a better entity has a superset of a worse one's features, and a quarter's
drift of quality moves only the features near their threshold, so rank movements between two
quarters are known. Page text is not stored: the renderer derives it from the model on request.
"""

from __future__ import annotations

import hashlib
import math
import random
from datetime import date, timedelta

from crawler.core.errors import InputError
from crawler.core.quarters import Quarter
from crawler.demo import vocab

TEMPLATES = ("liferay", "modern", "classic", "sharepoint")
GROUPS_ORDER = ("ministry", "gov_agency", "province")
# Commune-level People's Committees (`--communes N`): small, fault-free sites, each under one of
# the demo's provinces and ranked among that province's communes.
COMMUNE_NAMES = (
    ("Phú Mỹ", "phu-my"), ("Tân An", "tan-an"), ("Hòa Bình", "hoa-binh"),
    ("An Phú", "an-phu"), ("Bình Minh", "binh-minh"), ("Thạnh Lợi", "thanh-loi"),
    ("Long Hưng", "long-hung"), ("Đông Hòa", "dong-hoa"), ("Tây Sơn", "tay-son"),
    ("Quang Trung", "quang-trung"), ("Hưng Đạo", "hung-dao"), ("Kim Liên", "kim-lien"),
)  # fmt: skip
COMMUNE_PAGES = 30
COMMUNE_SERVICES = 3
INFO_CRITERIA = [*vocab.SECTIONS, "info.english"]
FUNC_PRESENCE = ("func.search", "func.links", "func.sitemap")
IDENTITY_HOST = "127.3.0.1"
PAYMENT_HOST = "127.3.0.2"
UNREACHABLE_BASE = "127.9.0"
# Faults dealt round-robin over reachable entities, so even a 12-entity demo has all of them.
PAGE_FAULTS = (
    "slow",
    "transient_503",
    "timeout",
    "redirect_chain",
    "redirect_loop",
    "calendar_trap",
    "pagination_trap",
    "httrack_loop",
    "session_ids",
    "large_page",
    "legacy_encoding",
    "malformed_html",
    "robots_disallow",
    "robots_crawl_delay",
)
# Sent by a portal's pages, best first: a portal of quality q sends round(4q) of them.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Content-Security-Policy", "frame-ancestors 'self'"),
    ("Strict-Transport-Security", "max-age=31536000"),
)
# How common a section is at all (multiplies the quality-driven probability).
SECTION_WEIGHT = {
    "info.about": 1.15,
    "info.contact": 1.2,
    "info.news": 1.2,
    "info.legal_documents": 1.05,
    "info.procedures": 1.05,
    "info.english": 0.7,
    "info.statistics": 0.75,
    "info.consultation": 0.8,
    "info.budget": 0.85,
}


def rng(*parts) -> random.Random:
    """A Random seeded from the parts' text (str seeds are hashed with SHA-512: stable)."""
    return random.Random(":".join(str(p) for p in parts))


def u(*parts) -> float:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def host_for(kind: int, index: int) -> str:
    """127.<kind>.<hi>.<lo>: kind 1 portals, 2 service portals; lo never 0 or 255."""
    return f"127.{kind}.{index // 250}.{index % 250 + 1}"


def quality(seed: int, entity_id: str, quarter: Quarter) -> float:
    base = 0.08 + 0.84 * u(seed, entity_id, "quality")
    drift = (u(seed, entity_id, "drift", quarter) - 0.5) * 0.3
    return round(min(1.0, max(0.0, base + drift)), 4)


def _names(n: int, groups: tuple[int, int, int] | None = None) -> list[tuple[str, str, str, str]]:
    """n (group, name_vi, name_en, id) with all three groups when n >= 3; names cycle if short.

    The split is 25% ministries, 10% agencies and the rest provinces unless `groups` gives the
    exact (ministries, agencies, provinces) counts, e.g. (17, 5, 34) for the national registry.
    """
    if n < 3:
        raise InputError(f"--entities {n}: need at least 3 (one per group)")
    if groups is not None:
        if len(groups) != 3 or min(groups) < 1 or sum(groups) != n:
            raise InputError(
                f"--groups {','.join(map(str, groups))}: give three counts of at least 1 "
                f"(ministries, agencies, provinces) adding up to --entities {n}"
            )
        n_min, n_agency, n_prov = groups
    else:
        n_min = max(1, round(n * 0.25))
        n_agency = max(1, round(n * 0.1))
        n_prov = n - n_min - n_agency
    out = []
    for group, pool, count in (
        ("ministry", vocab.MINISTRIES, n_min),
        ("gov_agency", vocab.GOV_AGENCIES, n_agency),
        ("province", vocab.PROVINCES, n_prov),
    ):
        for i in range(count):
            vi, en, slug = pool[i % len(pool)]
            cycle = i // len(pool)
            if cycle:
                vi, en, slug = (
                    f"{vi} (bản {cycle + 1})",
                    f"{en} ({cycle + 1})",
                    f"{slug}-{cycle + 1}",
                )
            out.append((group, vi, en, slug))
    return out


def commune_names(n: int, provinces: list[tuple[str, str, str, str]]) -> list[tuple]:
    """n communes under the provinces in order, ceil(n / provinces) each but at least 3 (so
    even a small demo ranks communes within a province): (parent id, name_vi, name_en, id)."""
    if n < 0:
        raise InputError(f"--communes {n}: give 0 or more")
    if n and not provinces:
        raise InputError(f"--communes {n}: the demo has no province to put them under")
    per = max(3, math.ceil(n / len(provinces))) if n else 1
    out = []
    for k in range(n):
        _, pvi, pen, pid = provinces[k // per]
        j = k % per
        vi, slug = COMMUNE_NAMES[j % len(COMMUNE_NAMES)]
        cycle = j // len(COMMUNE_NAMES)
        suffix = f" {cycle + 1}" if cycle else ""
        out.append(
            (
                pid,
                f"UBND xã {vi}{suffix}, {pvi}",
                f"{vi}{suffix} Commune People's Committee, {pen}",
                f"{pid}-xa-{slug}" + (f"-{cycle + 1}" if cycle else ""),
            )
        )
    return out


def stratified(draws: list[float]) -> list[float]:
    """Each draw replaced by the middle of its rank's stratum ((rank + 0.5) / n): the shares of
    an entity's services below any threshold then follow its quality, not the luck of k
    independent draws (which left the truth's own service scores only 0.3-0.7 rank-correlated
    with quality in 17 ministries and 5 agencies), and which services pass still looks random."""
    order = sorted(range(len(draws)), key=draws.__getitem__)
    out = [0.0] * len(draws)
    for rank, i in enumerate(order):
        out[i] = (rank + 0.5) / len(draws)
    return out


def _news_dates(seed, eid, q: float, as_of: date, count: int) -> list[str]:
    r = rng(seed, eid, "news-dates", as_of)
    newest_age = int((1 - q) * 75) + r.randint(0, 4)
    day = as_of - timedelta(days=newest_age)
    dates = []
    for _ in range(count):
        dates.append(day.isoformat())
        day -= timedelta(days=r.randint(1, 6))
    return dates


def _sections(seed, eid, q: float, template: str) -> dict:
    out = {}
    for crit in INFO_CRITERIA:
        p = min(0.97, (0.2 + 0.75 * q) * SECTION_WEIGHT.get(crit, 1.0))
        x = u(seed, eid, crit)
        value = "present" if x < p else "linked_broken" if x < p + 0.1 else "absent"
        r = rng(seed, eid, crit, "text")
        if crit == "info.english":
            text = r.choice(vocab.ENGLISH_LINKS)
            slug = "en"
        else:
            slug, variants = vocab.SECTIONS[crit]
            text = r.choice(variants)
        if template == "liferay":
            text = text.upper()
            slug = slug.replace(
                "lanh-dao", "lanh-ao"
            )  # Liferay drops đ from slugs, as the real one
        out[crit] = {"value": value, "slug": slug, "text": text}
    contact = out["info.contact"]
    contact["footer"] = contact["value"] == "present" and (
        template == "liferay" or u(seed, eid, "footer") < 0.5
    )
    contact["footer_only"] = contact["footer"] and u(seed, eid, "footer-only") < 0.4
    if template == "sharepoint":
        from crawler.demo.realistic import shape_sections

        shape_sections(seed, eid, out)
    return out


def _services(seed, eid, q: float, k: int, template: str) -> dict:
    r = rng(seed, eid, "catalogue")
    kind = "js" if r.random() < 0.4 else "static"
    catalogue = {
        "kind": kind,
        "path": "/dich-vu-cong-truc-tuyen" if kind == "js" else "/danh-muc-thu-tuc",
        "api_path": "/api/dvc/danh-sach" if r.random() < 0.5 else "/o/rest/v2/serviceinfos",
        "api_visible": r.random() < 0.5,
        "api_field": r.choice(["maxLevel", "mucDo", "mucDoText"]),
        "family": "nps_apply",
    }
    honest = 0.45 + 0.55 * q
    draws = [rng(seed, eid, "svc", i) for i in range(k)]
    levels = stratified([r.random() for r in draws])
    honesty = stratified([r.random() for r in draws])
    services = []
    for i in range(k):
        rs = draws[i]
        x = levels[i]
        declared = "full" if x < 0.15 + 0.45 * q else "partial" if x < 0.75 else "info_only"
        if honesty[i] < honest:
            actual = declared
        elif declared == "full":
            actual = rs.choice(["partial", "broken", "maintenance"])
        elif declared == "partial":
            actual = rs.choice(["broken", "maintenance", "info_only"])
        else:
            actual = "info_only"
        code = f"{rs.randint(1, 2)}.{rs.randint(1000, 13999):06d}"
        entry = "none"
        if actual in ("full", "partial"):
            entry = "gateway" if rs.random() < 0.35 else "form"
        elif actual == "broken":
            entry = rs.choice(["dead_link", "error_500", "never_renders"])
        elif actual == "maintenance":
            entry = "maintenance"
        elif declared != "info_only":
            entry = "none"
        # partial via form: lacks payment or delivery; partial via gateway: page states neither
        partial_lack = rs.choice(["payment", "delivery"]) if actual == "partial" else None
        fields = [f for f, _ in vocab.TT32_FIELDS if f == "name" or rs.random() < 0.55 + 0.45 * q]
        services.append(
            {
                "i": i,
                "code": code,
                "name": f"{vocab.PROCEDURES[i % len(vocab.PROCEDURES)]}"
                + (
                    f" (lần {i // len(vocab.PROCEDURES) + 1})" if i >= len(vocab.PROCEDURES) else ""
                ),
                "field": rs.choice(vocab.FIELDS),
                "declared": declared,
                "declared_raw": rs.choice(vocab.BADGES[declared]),
                "actual": actual,
                "entry": entry,
                "entry_text": rs.choice(vocab.ENTRY_TEXTS),
                "lacks": partial_lack,
                "tt32_fields": fields,
                "api_level": {"full": 4, "partial": 3, "info_only": 2}[declared],
            }
        )
    return {"catalogue": catalogue, "services": services}


FAMILIES = ("nps_apply", "muc_do_server", "opencps")


def _platform_families(entities: list[dict]) -> None:
    """The real platform family each service portal is built on. JS catalogues stay nps/apply
    portals; the reachable static ones take the three families in turn (nps/apply with badges,
    the server-rendered MA_MUC_DO family, OpenCPS), so every demo of a few entities has each,
    and no draw moves."""
    statics = [
        e for e in entities if e["reachable"] and e["services"]["catalogue"]["kind"] == "static"
    ]
    for k, e in enumerate(statics):
        _platform_family(e["services"]["catalogue"], FAMILIES[k % len(FAMILIES)])


def _platform_family(cat: dict, family: str) -> None:
    cat["family"] = family
    if family == "opencps":
        cat.update(
            kind="opencps",
            path="/web/cong-dich-vu-cong/thu-tuc-hanh-chinh",
            api_path="/o/rest/v2/serviceinfos",
            api_visible=True,
        )
    elif family == "muc_do_server":
        cat.update(kind="muc_do", path="/dich-vu-cong/tiep-nhan-online")


def build_model(
    *,
    entities: int,
    pages: int,
    services: int,
    seed: int,
    quarter: Quarter,
    port: int,
    large_page_mb: float,
    groups: tuple[int, int, int] | None = None,
    communes: int = 0,
    commune_pages: int = COMMUNE_PAGES,
    commune_services: int = COMMUNE_SERVICES,
) -> dict:
    """The whole demo as one JSON-able dict: the server renders from it, truth derives from it.

    Communes come after the other entities and take no part in the draws of faults and special
    cases, so a demo with communes has the same ministries, agencies and provinces as without."""
    if pages < 30:
        raise InputError(f"--pages {pages}: need at least 30 so every section fits")
    if services < 1:
        raise InputError(f"--services {services}: need at least 1")
    if not 1 <= port <= 65535:
        raise InputError(f"--port {port}: not a TCP port (1-65535)")
    as_of = quarter.end
    names = _names(entities, groups)
    if communes and commune_pages < 30:
        raise InputError(f"--commune-pages {commune_pages}: need at least 30 so every section fits")
    if communes and commune_services < 1:
        raise InputError(f"--commune-services {commune_services}: need at least 1")
    dealt = commune_names(communes, [x for x in names if x[0] == "province"])
    reachable_idx = list(range(len(names)))
    special = rng(seed, "special").sample(reachable_idx, 4)
    unreachable, self_signed, expired, xss = special
    fault_order = [i for i in reachable_idx if i != unreachable]
    rng(seed, "faults").shuffle(fault_order)
    faults: dict[int, list[str]] = {}
    for n, fault in enumerate(PAGE_FAULTS):
        faults.setdefault(fault_order[n % len(fault_order)], []).append(fault)

    commune_rows = [("commune", vi, en, eid) for _, vi, en, eid in dealt]
    out = []
    for i, (group, vi, en, eid) in enumerate(names + commune_rows):
        commune = group == "commune"
        q = quality(seed, eid, quarter)
        template = TEMPLATES[i % len(TEMPLATES)]
        host = host_for(1, i) if i != unreachable else f"{UNREACHABLE_BASE}.1"
        dvc_host = host_for(2, i) if i != unreachable else f"{UNREACHABLE_BASE}.2"
        tls = "self_signed" if i == self_signed else "expired" if i == expired else "none"
        scheme = "https" if tls != "none" else "http"
        sections = _sections(seed, eid, q, template)
        func = {}
        for crit in FUNC_PRESENCE:
            func[crit] = "present" if u(seed, eid, crit) < 0.25 + 0.7 * q else "absent"
        sitemap_xml = func["func.sitemap"] == "present" and u(seed, eid, "smx") < 0.7
        sitemap_page = func["func.sitemap"] == "present" and (
            not sitemap_xml or u(seed, eid, "smp") < 0.6
        )
        r = rng(seed, eid, "misc")
        n_pages = commune_pages if commune else pages
        n_news = max(12, n_pages // 3)
        n_docs = max(5, n_pages // 6)
        out.append(
            {
                "index": i,
                "id": eid,
                "group": group,
                "name_vi": vi,
                "name_en": en,
                "quality": q,
                "template": template,
                "host": host,
                "dvc_host": dvc_host,
                "scheme": scheme,
                "tls": tls,
                "reachable": i != unreachable,
                "xss_title": i == xss,
                "sections": sections,
                "func": func,
                "sitemap_xml": sitemap_xml,
                "sitemap_page": sitemap_page,
                "search_label": r.choice(vocab.SEARCH_LABELS),
                "sitemap_text": r.choice(vocab.SITEMAP_LINKS),
                "links_heading": r.choice(vocab.LINKS_HEADINGS),
                "news_dates": _news_dates(seed, eid, q, as_of, n_news),
                "date_formats": r.sample([0, 1, 2], 3),
                "n_docs": n_docs,
                "n_pages": n_pages,
                # Older, weaker portals lack a mobile viewport and security headers.
                "viewport": u(seed, eid, "viewport") < 0.1 + 0.9 * q,
                "security_headers": list(SECURITY_HEADERS[: round(q * len(SECURITY_HEADERS))]),
                "home_images": 6,
                "home_images_no_alt": int(round((1 - q) * 5)),
                "lang_mismatch": u(seed, eid, "langmm") > q,
                "nfd_every": 7,
                "broken_articles": int(round((1 - q) * 4)),
                "faults": sorted(faults.get(i, [])),
                "large_page_bytes": int(large_page_mb * 1024 * 1024),
                "phone": f"0{r.randint(20, 29)} {r.randint(3000, 3999)} {r.randint(1000, 9999)}",
                "services": _services(
                    seed, eid, q, commune_services if commune else services, template
                ),
            }
        )
        if commune:
            out[-1]["parent"] = dealt[i - len(names)][0]
    _platform_families(out)
    return {
        "version": 1,
        "seed": seed,
        "quarter": str(quarter),
        "as_of": as_of.isoformat(),
        "port": port,
        "identity_host": IDENTITY_HOST,
        "payment_host": PAYMENT_HOST,
        "entities": out,
    }
