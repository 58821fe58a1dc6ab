"""The crawl of one cluster shard, as Scrapyd runs it: `scrapy crawl shard -a quarter=... -a ...`.

Scrapyd passes spider arguments as strings, so everything arrives as text (entities as JSON).
The shard writes its own SQLite file on the node's local disk and holds the quarter lock on it
(Scrapyd may start a second copy after a daemon restart); its `runs` row is the verdict the
coordinator trusts, because Scrapyd reports a crashed job as "finished". When the crawl closes,
a consistent copy (VACUUM INTO, then rename) is published to the shared folder for the merge.
A killed shard leaves its local file: scheduled again on the same node it resumes from its
frontier.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from crawler.config import load_crawl_config, scrapy_settings
from crawler.core import locks, store
from crawler.core.registry import Entity
from crawler.spiders.portal import PortalSpider
from crawler.tlsprobe import probe_all


def _flag(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class ShardSpider(PortalSpider):
    name = "shard"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        # Settings are still open here (Scrapy >= 2.11): the shard's crawl config and politeness
        # replace the project defaults, exactly as `egovrank crawl` builds them.
        cfg = load_crawl_config(kwargs.get("config") or None)
        crawler.settings.setdict(
            scrapy_settings(cfg, polite=_flag(kwargs.get("polite", "1"))), priority="spider"
        )
        kwargs["_cfg"] = cfg
        return super().from_crawler(crawler, *args, **kwargs)

    def __init__(
        self,
        quarter: str,
        shard: str,
        db: str,
        entities: str,
        as_of: str,
        _cfg: dict,
        polite: str = "1",
        max_pages: str = "",
        ca_file: str = "",
        registry_hash: str = "",
        publish: str = "",
        config: str = "",
        **kwargs,
    ):
        chosen = [Entity.model_validate(e) for e in json.loads(entities)]
        if max_pages:
            _cfg["budget"]["max_pages"] = int(max_pages)
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        local = store.connect(db)
        store.sync_quarter_entities(local, quarter, chosen, registry_hash)
        self._lock = locks.run_lock(local, quarter, f"crawl shard {shard}")
        self._lock.__enter__()  # LockHeld: another live copy of this shard owns the file
        self.shard, self.publish_to, self._local = shard, publish, local
        self.run_id = store.start_run(
            local,
            quarter,
            "crawl",
            config_hash=_cfg["hash"],
            args={
                "shard": shard,
                "entities": [e.id for e in chosen],
                "as_of": as_of,
                "polite": _flag(polite),
            },
        )
        tls = probe_all([e.portal_url for e in chosen if e.portal_url], cafile=ca_file or None)
        super().__init__(
            quarter=quarter,
            db=db,
            entities=[e.model_dump(mode="json") for e in chosen],
            as_of=as_of,
            budget=_cfg["budget"],
            tls=tls,
            **kwargs,
        )

    def closed(self, reason):
        try:
            super().closed(reason)
            status = "done" if reason == "finished" else "failed"
            store.finish_run(self._local, self.run_id, status, {"finish_reason": reason})
        finally:
            self._lock.__exit__(None, None, None)
        if self.publish_to:
            publish(self._local, self.publish_to)


def publish(db, target: str) -> None:
    """A consistent single-file copy at `target`, replaced atomically (safe on a shared folder)."""
    target_path = Path(target)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = target_path.with_name(f".{target_path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    db.conn.execute("VACUUM INTO ?", [str(tmp)])
    os.replace(tmp, target_path)
