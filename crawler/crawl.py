"""Running the crawl stage: registry entities in, pages, services and findings in the database."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess

from crawler.config import load_crawl_config, scrapy_settings
from crawler.core.stage import Entities, Outcome, Stage, StageResult, run_stage
from crawler.spiders.national import NationalSpider
from crawler.spiders.portal import PortalSpider
from crawler.tlsprobe import probe_all


def crawl(
    db_path: str,
    quarter,
    *,
    entities_path: str | None = None,
    only: list[str] | None = None,
    as_of: date | None = None,
    config_path: str | None = None,
    polite: bool = True,
    max_pages: int | None = None,
    ca_file: str | None = None,
    national_api: str | None = None,
    cluster=None,
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> StageResult:
    """The crawl stage (the `egovrank crawl` command): lock, runs row, entities, crawl.

    `cluster` (a loaded cluster.yaml) crawls in shards on Scrapyd nodes and merges them."""
    cfg = load_crawl_config(config_path)  # bad config: one line, nothing stored
    if max_pages:
        cfg["budget"]["max_pages"] = max_pages
    as_of = as_of or date.today()

    def body(stage: Stage) -> Outcome:
        if cluster is not None:
            from crawler.cluster.crawl import cluster_crawl

            result = cluster_crawl(
                cluster, stage, cfg=cfg, as_of=as_of, config_path=config_path,
                polite=polite, max_pages=max_pages, ca_file=ca_file, log=log,
            )  # fmt: skip
            ok = True
            if national_settings(cfg, national_api)["base"]:  # the one national host, here
                t = time.monotonic()
                national = run_crawl(
                    stage, cfg=cfg, as_of=as_of, polite=polite, national_api=national_api,
                    log=log, national_only=True,
                )  # fmt: skip
                ok = national["status"] == "done"
                result |= {"national_s": round(time.monotonic() - t, 2),
                           "national_status": national["status"],
                           "entities": national["entities"]}  # fmt: skip
            record = {k: v for k, v in result.items() if k != "entities"}
            return Outcome(result, ok=ok, record=record)
        result = run_crawl(
            stage, cfg=cfg, as_of=as_of, polite=polite, ca_file=ca_file,
            national_api=national_api, log=log,
        )  # fmt: skip
        return Outcome(result, ok=result["status"] == "done")

    return run_stage(
        "crawl",
        quarter,
        db_path,
        body,
        entities=Entities.registry(entities_path, only),
        config_hash=cfg["hash"],
        args={"as_of": as_of.isoformat(), "polite": polite},
        log=log,
    )


def run_crawl(
    stage: Stage,
    *,
    cfg: dict,
    as_of: date,
    polite: bool = True,
    ca_file: str | None = None,
    national_api: str | None = None,
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
    national_only: bool = False,
) -> dict:
    """Crawl the stage's entities in one Scrapy process; return the per-entity summary.

    `national_only`: read only the national rows (crawler/spiders/national.py)."""
    quarter, entities = stage.quarter, stage.entities
    what = "national rows of " if national_only else ""
    log(
        f"crawl {quarter}: {what}{len(entities)} entities, as of {as_of}, "
        f"politeness {'on' if polite else 'off'}"
    )
    if national_only:
        spider, tls = NationalSpider, {}
    else:
        spider = PortalSpider
        tls = probe_all([e.portal_url for e in entities if e.portal_url], cafile=ca_file)
    national = national_settings(cfg, national_api)
    settings = scrapy_settings(cfg, polite=polite)
    if national["base"]:
        settings["CATALOGUE_API_HOSTS"] = {"national_new": [urlsplit(national["base"]).netloc]}
        if not polite:
            settings["CATALOGUE_API_MIN_DELAY"] = national.get("relaxed_min_delay_s", 0.0)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(
        crawler,
        quarter=str(quarter),
        db=str(stage.db_path),
        entities=[e.model_dump(mode="json") for e in entities],
        as_of=as_of.isoformat(),
        budget=cfg["budget"],
        tls=tls,
        national=national,
        progress=log,
    )
    process.start()
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else "unknown"
    summary = entity_summary(stage.db, quarter, [e.id for e in entities])
    status = "done" if reason == "finished" else "failed"
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
