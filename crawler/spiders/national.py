"""The national rows alone, for a quarter whose portals were crawled elsewhere (cluster shards).

Every entity's rows come from the one national host, so they are read by one process on the
coordinator after the merge: its throttle for that host then holds across the whole quarter,
which no set of shards could promise. The rows change no crawl finding (those come from the
portals' pages), so the entities are not judged again; the badge conflicts are recorded as the
rows are stored, as on one machine.
"""

from __future__ import annotations

from crawler.spiders.portal import PortalSpider


class NationalSpider(PortalSpider):
    name = "national"

    def _start_entity(self, entity: dict):
        yield from self._national_requests(entity)

    def judge(self, entity: dict) -> None:
        self.judged.add(entity["id"])
