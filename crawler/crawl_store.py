"""Persistence of the crawl: pages, frontier, services and findings, each write one transaction.

The spider calls this directly rather than through Scrapy's item pipeline because an entity is
judged from its stored pages the moment its last page lands: the page must be committed first.
Everything needed to resume after kill -9 is here, not in Scrapy's memory: `frontier` rows go
queued -> done in the same transaction that stores the page.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from crawler.core import store
from crawler.core.status import FrontierState
from crawler.criteria import judge_entity
from crawler.criteria.observed import Seen


class CrawlStore:
    def __init__(self, db_path: str, quarter: str):
        self.db = store.connect(db_path)
        self.quarter = quarter

    # -- resume -------------------------------------------------------------------------------
    def frontier(self, entity_id: str) -> list[dict]:
        return list(
            self.db.query(
                "select * from frontier where quarter = ? and entity_id = ?",
                [self.quarter, entity_id],
            )
        )

    # -- writes -------------------------------------------------------------------------------
    def enqueue(self, rows: list[dict]) -> None:
        """Record newly scheduled URLs (state queued); existing ones are left as they are."""
        if rows:
            with store.transaction(self.db):
                self.db["frontier"].insert_all(
                    [{**r, "quarter": self.quarter, "state": FrontierState.QUEUED} for r in rows],
                    pk=("quarter", "url"),
                    ignore=True,
                )

    def save_page(self, page: dict, new_frontier: list[dict]) -> None:
        """The page, its frontier row marked done, and the URLs it adds: all or nothing.

        Plain SQL rather than sqlite-utils' upsert/insert_all, which read the table's schema on
        every call: a third of the time spent storing a page (profiled on the crawl benchmark).
        """
        row = {**page, "quarter": self.quarter, "fetched_at": store.now()}
        for key in ("facts", "headers"):
            if isinstance(row.get(key), dict):
                row[key] = json.dumps(row[key], ensure_ascii=False)
        conn = self.db.conn
        with store.transaction(self.db):
            conn.execute(_upsert_sql("pages", tuple(row), ("quarter", "url")), list(row.values()))
            conn.execute(
                "update frontier set state = ? where quarter = ? and url = ?",
                [FrontierState.DONE, self.quarter, page["url"]],
            )
            if new_frontier:
                rows = [
                    {**r, "quarter": self.quarter, "state": FrontierState.QUEUED}
                    for r in new_frontier
                ]
                columns = tuple(rows[0])  # a row without one of them fails, never shifts values
                conn.executemany(
                    _insert_ignore_sql("frontier", columns), [[r[c] for c in columns] for r in rows]
                )

    def save_services(self, entity_id: str, services: list[dict], catalogue_url: str, source: str):
        if not services:
            return
        stamp = store.now()
        with store.transaction(self.db):
            for s in services:
                existing = self.db.execute(
                    "select tt32_fields from services where quarter = ? and url = ?",
                    [self.quarter, s["url"]],
                ).fetchone()
                self.db["services"].upsert(
                    {
                        "quarter": self.quarter,
                        "url": s["url"],
                        "entity_id": entity_id,
                        "name": s.get("name"),
                        "code": s.get("code"),
                        "declared": s["declared"],
                        "declared_raw": s.get("declared_raw"),
                        "source": source,
                        "catalogue_url": catalogue_url,
                        "tt32_fields": existing[0] if existing else self._page_tt32(s["url"]),
                        "found_at": stamp,
                    },
                    pk=("quarter", "url"),
                )
            record_conflicts(self.db, self.quarter, entity_id)

    def _page_tt32(self, url: str) -> str | None:
        """TT32 fields of a procedure page crawled before the catalogue answer that lists it
        (an OpenCPS list links the pages; only its API, fetched beside them, gives levels)."""
        from crawler.detect.priority import canonical

        row = self.db.execute(
            "select facts from pages where quarter = ? and url = ?", [self.quarter, canonical(url)]
        ).fetchone()
        fields = (json.loads(row[0]) or {}).get("tt32_fields") if row and row[0] else None
        return json.dumps(fields) if fields else None

    def save_declared(self, entity_id: str, rows: list[dict], catalogue_url: str) -> int:
        """National per-agency rows of this entity's agencies (one row per service and agency)."""
        keep = [r for r in rows if r.get("code") and r.get("agency_code")]
        if not keep:
            return 0
        stamp = store.now()
        with store.transaction(self.db):
            self.db["declared_services"].upsert_all(
                [declared_row(self.quarter, entity_id, r, catalogue_url, stamp) for r in keep],
                pk=("quarter", "entity_id", "service_code", "agency_code"),
            )
            record_conflicts(self.db, self.quarter, entity_id)
        return len(keep)

    def save_tt32(self, url: str, fields: list[str]) -> None:
        with store.transaction(self.db):
            self.db.execute(
                "update services set tt32_fields = ? where quarter = ? and url = ?",
                [json.dumps(fields), self.quarter, url],
            )

    # -- judgement ----------------------------------------------------------------------------
    def pages_of(self, entity_id: str) -> list[dict]:
        rows = []
        for r in self.db.query(
            "select url, final_url, http_status, fetch_status, error, depth, site, elapsed_ms, "
            "facts, headers from pages where quarter = ? and entity_id = ?",
            [self.quarter, entity_id],
        ):
            r["facts"] = json.loads(r["facts"]) if r["facts"] else None
            r["headers"] = json.loads(r["headers"]) if r.get("headers") else {}
            rows.append(r)
        return rows

    def probes(self, entity_id: str) -> dict:
        """robots.txt and sitemap.xml as stored pages, for the judgement."""
        out = {"robots": None, "sitemap": None}
        for r in self.db.query(
            "select url, site, http_status, fetch_status, facts from pages "
            "where quarter = ? and entity_id = ? and site in ('robots', 'sitemap')",
            [self.quarter, entity_id],
        ):
            facts = json.loads(r["facts"]) if r["facts"] else {}
            if r["site"] == "robots":
                out["robots"] = facts.get("robots") or {"status": r["http_status"]}
            elif facts.get("sitemap_urls"):
                out["sitemap"] = {"url": r["url"], "urls": facts["sitemap_urls"]}
        return out

    def judge(self, entity_id: str, *, as_of: date, home_url: str, **probes) -> list[dict]:
        """(Re)compute the entity's crawl findings from its stored pages; replace them atomically."""
        pages = self.pages_of(entity_id)
        seen = Seen(
            pages,
            as_of,
            home_url,
            audits=rendered_audits(self.db, self.quarter, entity_id),
            **probes,
        )
        findings = judge_entity(seen)
        work = handoff(pages, home_url)
        stamp = store.now()
        rows = [
            {
                **f,
                "quarter": self.quarter,
                "entity_id": entity_id,
                "detail": json.dumps(f.get("detail") or {}, ensure_ascii=False, default=str),
                "observed_at": stamp,
            }
            for f in findings
        ]
        with store.transaction(self.db):
            self.db.execute(
                "delete from findings where quarter = ? and entity_id = ? and source = 'crawl'",
                [self.quarter, entity_id],
            )
            # ignore=True: a catalogue the browser stage has rendered since keeps its finding.
            self.db["findings"].insert_all(
                rows, pk=("quarter", "entity_id", "criterion"), ignore=True
            )
            self._hand_over(entity_id, work, stamp)
        return findings

    def _hand_over(self, entity_id: str, work: list[dict], stamp: str) -> None:
        """Record the pages the check stage must open in a browser (browser_work). A row the
        check stage has done stays done while the crawl still hands it over; one the crawl no
        longer hands over goes."""
        conn = self.db.conn
        keep = {(w["kind"], w["url"]) for w in work}
        for kind, url in conn.execute(
            "select kind, url from browser_work where quarter = ? and entity_id = ?",
            [self.quarter, entity_id],
        ).fetchall():
            if (kind, url) not in keep:
                conn.execute(
                    "delete from browser_work where quarter = ? and entity_id = ? and kind = ? "
                    "and url = ?",
                    [self.quarter, entity_id, kind, url],
                )
        conn.executemany(
            "insert or ignore into browser_work (quarter, entity_id, kind, url, reason, state, "
            "created_at) values (?, ?, ?, ?, ?, 'pending', ?)",
            [(self.quarter, entity_id, w["kind"], w["url"], w["reason"], stamp) for w in work],
        )


def handoff(pages: list[dict], home_url: str | None) -> list[dict]:
    """What the crawl hands to the browser, from an entity's stored pages.

    catalogue: a service-portal page that listed no services in its HTML or JSON but runs
    script (a JS shell), when no other page of the service portal listed any.
    audit: the portal home, when the crawl fetched it (rendered at 375 px by the check stage).
    """
    work = []
    listed, shells = 0, []
    for p in pages:
        if p.get("site") not in ("dvc", "api") or not _fetched(p):
            continue
        cat = (p.get("facts") or {}).get("catalogue") or {}
        listed += len(cat.get("services", [])) + cat.get("json_services", 0)
        if cat.get("needs_browser"):
            shells.append(p["url"])
    if not listed:
        reason = "no services in the HTML or JSON, only script: a JS catalogue"
        work += [{"kind": "catalogue", "url": u, "reason": reason} for u in shells]
    home = next(
        (p for p in pages if p.get("depth") == 0 and p.get("site") == "portal" and _fetched(p)),
        None,
    )
    if home is not None and home_url:
        work.append({"kind": "audit", "url": home_url, "reason": "portal home"})
    return work


def rendered_audits(db, quarter: str, entity_id: str) -> list[dict]:
    """The browser stage's page audits of the entity (none before it ran)."""
    if not db["page_audits"].exists():
        return []
    rows = db.query(
        "select * from page_audits where quarter = ? and entity_id = ? order by url",
        [quarter, entity_id],
    )
    return [{**r, "axe": json.loads(r["axe"] or "[]")} for r in rows]


@lru_cache(maxsize=64)
def _upsert_sql(table: str, columns: tuple[str, ...], pk: tuple[str, ...]) -> str:
    """INSERT that updates the given columns (only those) of an existing row, as upsert does."""
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in pk)
    return f"{_insert_sql(table, columns)} on conflict ({', '.join(pk)}) do update set {sets}"


@lru_cache(maxsize=64)
def _insert_ignore_sql(table: str, columns: tuple[str, ...]) -> str:
    return _insert_sql(table, columns).replace("insert into", "insert or ignore into", 1)


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'insert into "{table}" ({names}) values ({", ".join("?" * len(columns))})'


def declared_row(quarter: str, entity_id: str, r: dict, catalogue_url: str, stamp: str) -> dict:
    return {
        "quarter": quarter,
        "entity_id": entity_id,
        "service_code": r["code"],
        "agency_code": r["agency_code"],
        "agency_name": r.get("agency_name"),
        "name": r.get("name"),
        "declared": r["declared"],
        "declared_raw": r.get("declared_raw"),
        "status": r.get("status", "unknown"),
        "status_raw": r.get("status_raw"),
        "citizen_url": r.get("url"),
        "family": r.get("family"),
        "sign_in": r.get("sign_in"),
        "adapter": r.get("adapter"),
        "catalogue_url": catalogue_url,
        "found_at": stamp,
    }


def record_conflicts(db, quarter: str, entity_id: str) -> int:
    """Where the portal's own badge differs from the national row of the same procedure.

    A portal lists procedures (1.004222) and the national rows services (1.004222.01): they match
    on the procedure code. Both levels are kept; unknown on either side is not a conflict.
    """
    db.execute(
        "delete from service_conflicts where quarter = ? and entity_id = ?", [quarter, entity_id]
    )
    rows = db.execute(
        """
        select d.service_code, d.agency_code, d.declared, d.declared_raw,
               s.declared, s.declared_raw, s.url
        from declared_services d
        join services s on s.quarter = d.quarter and s.entity_id = d.entity_id
         and s.code is not null
         and (s.code = d.service_code or d.service_code like s.code || '.%')
        where d.quarter = ? and d.entity_id = ? and d.declared != 'unknown'
          and s.declared != 'unknown' and s.declared != d.declared
        """,
        [quarter, entity_id],
    ).fetchall()
    stamp = store.now()
    db["service_conflicts"].upsert_all(
        [dict(zip(CONFLICT_COLUMNS, (quarter, entity_id, *r, stamp), strict=True)) for r in rows],
        pk=("quarter", "entity_id", "service_code", "agency_code", "portal_url"),
    )
    return len(rows)


CONFLICT_COLUMNS = (
    "quarter", "entity_id", "service_code", "agency_code", "national", "national_raw",
    "portal", "portal_raw", "portal_url", "found_at",
)  # fmt: skip


def _fetched(page: dict) -> bool:
    return page.get("fetch_status") == "ok" and (page.get("http_status") or 0) < 400
