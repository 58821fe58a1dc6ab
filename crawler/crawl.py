"""Running the crawl stage: registry entities in, pages, services and findings in the database."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess

from crawler.config import load_crawl_config, scrapy_settings
from crawler.core import store
from crawler.core.status import RunStatus
from crawler.spiders.portal import PortalSpider
from crawler.tlsprobe import probe_all


def run_crawl(
    db_path: str,
    quarter,
    entities: list,
    *,
    registry_hash: str = "",
    as_of: date | None = None,
    config_path: str | None = None,
    polite: bool = True,
    max_pages: int | None = None,
    ca_file: str | None = None,
    national_api: str | None = None,
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> dict:
    """Crawl every entity in one Scrapy process; return the per-entity summary."""
    cfg = load_crawl_config(config_path)
    if max_pages:
        cfg["budget"]["max_pages"] = max_pages
    as_of = as_of or date.today()
    db = store.connect(db_path)
    run_id = store.start_run(  # first: a closed quarter refuses before anything is written
        db,
        quarter,
        "crawl",
        config_hash=cfg["hash"],
        args={"entities": [e.id for e in entities], "as_of": as_of.isoformat(), "polite": polite},
    )
    store.sync_quarter_entities(db, quarter, entities, registry_hash)
    log(
        f"crawl {quarter}: {len(entities)} entities, as of {as_of}, politeness {'on' if polite else 'off'}"
    )
    tls = probe_all([e.portal_url for e in entities if e.portal_url], cafile=ca_file)
    national = national_settings(cfg, national_api)
    settings = scrapy_settings(cfg, polite=polite)
    if national["base"]:
        settings["CATALOGUE_API_HOSTS"] = {"national_new": [urlsplit(national["base"]).netloc]}
        if not polite:
            settings["CATALOGUE_API_MIN_DELAY"] = national.get("relaxed_min_delay_s", 0.0)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(PortalSpider)
    process.crawl(
        crawler,
        quarter=str(quarter),
        db=str(db_path),
        entities=[e.model_dump(mode="json") for e in entities],
        as_of=as_of.isoformat(),
        budget=cfg["budget"],
        tls=tls,
        national=national,
        progress=log,
    )
    process.start()
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else "unknown"
    summary = entity_summary(db, quarter, [e.id for e in entities])
    status = RunStatus.DONE if reason == "finished" else RunStatus.FAILED
    store.finish_run(db, run_id, status, {"finish_reason": reason, "entities": summary})
    return {"status": status, "finish_reason": reason, "entities": summary}


def national_settings(cfg: dict, base: str | None) -> dict:
    """The national API the crawl reads declared levels from (crawl.yaml, or --national-api)."""
    national = dict(cfg.get("national_api") or {"base": None})
    if base:
        national["base"] = base.rstrip("/")
    return national


def entity_summary(db, quarter, ids: list[str]) -> list[dict]:
    q = str(quarter)
    rows = []
    for eid in ids:
        pages = db.execute(
            "select count(*), sum(fetch_status != 'ok') from pages where quarter = ? and entity_id = ?",
            [q, eid],
        ).fetchone()
        counts = dict(
            db.execute(
                "select value, count(*) from findings where quarter = ? and entity_id = ? "
                "and (criterion like 'info.%' or criterion like 'func.%') group by value",
                [q, eid],
            ).fetchall()
        )
        services = db.execute(
            "select count(*) from services where quarter = ? and entity_id = ?", [q, eid]
        ).fetchone()[0]
        rows.append(
            {
                "entity_id": eid,
                "pages": pages[0],
                "errors": pages[1] or 0,
                "present": counts.get("present", 0),
                "linked_broken": counts.get("linked_broken", 0),
                "absent": counts.get("absent", 0),
                "unknown": counts.get("unknown", 0),
                "services": services,
            }
        )
    return rows
