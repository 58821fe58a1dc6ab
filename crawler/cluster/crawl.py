"""`egovrank crawl --cluster`: cut shards, hand each to a free Scrapyd node, judge, merge.

The coordinator schedules nothing itself: Scrapyd queues and runs the jobs. It only watches
(status.json), judges each finished job by the shard's own `runs` row (Scrapyd reports a crash
as "finished"), schedules a failed or lost shard again (on the same node when it answers, so it
resumes from its local frontier), and merges once every shard is done. Re-running the command
skips the shards already published as done.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from crawler.cluster import scrapyd
from crawler.cluster.config import Cluster, Node
from crawler.cluster.merge import merge_shards
from crawler.cluster.shards import cut, shard_name
from crawler.core.errors import InputError
from crawler.crawl import entity_summary

SPIDER = "shard"
LOST_AFTER_S = 30.0  # a node silent this long has lost its job


def shard_verdict(path: Path, shard: str, ids: list[str]) -> str:
    """'done', 'failed' or 'missing', from the published shard database's latest runs row."""
    if not path.is_file():
        return "missing"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "select status, args from runs where stage = 'crawl' order by id desc"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return "failed"
    for status, args in rows:
        a = json.loads(args or "{}")
        if a.get("shard") == shard:
            return "done" if status == "done" and a.get("entities") == ids else "failed"
    return "missing"


def cluster_crawl(
    cluster: Cluster,
    stage,
    *,
    cfg: dict,
    as_of: date,
    config_path: str | None = None,
    polite: bool = True,
    max_pages: int | None = None,
    ca_file: str | None = None,
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> dict:
    """The crawl stage's body on a cluster (crawler.crawl.crawl holds the lock and runs row)."""
    q, db, entities = str(stage.quarter), stage.db, stage.entities
    registry_hash = db.execute(
        "select registry_hash from quarter_entities where quarter = ? limit 1", [q]
    ).fetchone()[0]
    by_id = {e.id: e for e in entities}
    cuts = cut([e.model_dump(mode="json") for e in entities], cluster.shard_size)
    shards = {shard_name(q, i): ids for i, ids in enumerate(cuts)}
    publish_dir = cluster.shards_dir / q
    started = time.monotonic()
    args = json.loads(db["runs"].get(stage.run_id)["args"] or "{}")
    args |= {"cluster": cluster.path, "shards": len(shards)}
    db["runs"].update(stage.run_id, {"args": json.dumps(args)})
    log(f"crawl {q}: {len(entities)} entities in {len(shards)} shards, {len(cluster.nodes)} nodes")
    record = _drive(
        cluster,
        q,
        shards,
        by_id,
        publish_dir,
        base_args={
            "quarter": q,
            "as_of": as_of.isoformat(),
            "config": str(Path(config_path).resolve()) if config_path else "",
            "polite": "1" if polite else "0",
            "max_pages": str(max_pages or ""),
            "ca_file": str(Path(ca_file).resolve()) if ca_file else "",
            "registry_hash": registry_hash,
        },
        log=log,
    )
    crawled = time.monotonic()
    failed = sorted(s for s, r in record.items() if r["verdict"] != "done")
    if failed:
        raise InputError(
            f"crawl {q}: shards {', '.join(failed)} failed {cluster.max_attempts} times; "
            f"see the Scrapyd logs of their nodes, then re-run (done shards are kept)"
        )
    counts = merge_shards(db, q, [publish_dir / f"{s}.db" for s in sorted(shards)])
    merged = time.monotonic()
    log(f"crawl {q}: merged {counts['pages']} pages from {len(shards)} shards")
    return {
        "status": "done",
        "finish_reason": "finished",
        "shards": record,
        "merged": counts,
        "crawl_s": round(crawled - started, 2),
        "merge_s": round(merged - crawled, 2),
        "entities": entity_summary(db, q, [e.id for e in entities]),
    }


def _drive(cluster, q, shards, by_id, publish_dir, *, base_args, log) -> dict:
    """Until every shard is done or out of attempts: schedule on free nodes, poll, judge."""
    record = {
        s: {"entities": len(ids), "attempts": 0, "node": None, "verdict": "todo", "jobs": []}
        for s, ids in shards.items()
    }
    for s, ids in shards.items():
        if shard_verdict(publish_dir / f"{s}.db", s, ids) == "done":
            record[s]["verdict"] = "done"  # a re-run keeps what is already published
    running: dict[str, dict] = {}  # shard -> {node, job, seen}
    silent: dict[str, float] = {}
    last_answer = time.monotonic()
    limit = cluster.shard_timeout_s * cluster.max_attempts
    deadline = time.monotonic() + limit
    while any(r["verdict"] == "todo" for r in record.values()) or running:
        if time.monotonic() > deadline:
            raise InputError(
                f"crawl {q}: shards {', '.join(sorted(running)) or '(none free)'} still not done "
                f"after {limit:.0f} s (shard_timeout_s x max_attempts); check the nodes, then re-run"
            )
        for s, job in list(running.items()):
            state = scrapyd.status(job["node"].url, job["job"], cluster.project)
            now = time.monotonic()
            if state is None or state == "":
                silent.setdefault(s, now)
                if now - silent[s] < LOST_AFTER_S:
                    continue
                state = "lost"
            silent.pop(s, None)
            if state in ("pending", "running"):
                continue
            verdict = shard_verdict(publish_dir / f"{s}.db", s, shards[s])
            del running[s]
            r = record[s]
            r["jobs"][-1]["state"] = state
            if verdict == "done":
                r["verdict"] = "done"
                log(f"  shard {s} done on {job['node'].name} (attempt {r['attempts']})")
            elif r["attempts"] >= cluster.max_attempts:
                r["verdict"] = "failed"
                log(f"  shard {s} failed on {job['node'].name}; no attempts left")
            else:
                r["verdict"] = "todo"
                log(f"  shard {s} {state} on {job['node'].name} but not done: scheduling again")
        todo = [s for s, r in record.items() if r["verdict"] == "todo" and s not in running]
        if todo:
            answered = _schedule(
                cluster, q, todo, shards, by_id, record, running, publish_dir, base_args
            )
            now = time.monotonic()
            if answered or running:
                last_answer = now
            elif now - last_answer > LOST_AFTER_S:
                raise InputError(
                    f"crawl {q}: no Scrapyd node in {cluster.path} answers "
                    f"({', '.join(n.url for n in cluster.nodes)}); start them, then re-run"
                )
        if running or any(r["verdict"] == "todo" for r in record.values()):
            time.sleep(cluster.poll_s)
    return record


def _free_slots(cluster: Cluster, running: dict) -> dict[str, int]:
    """Slots free on each answering node: its own count, less what we already gave it."""
    free = {}
    for node in cluster.nodes:
        st = scrapyd.daemonstatus(node.url)
        if st is None:
            continue
        ours = sum(1 for j in running.values() if j["node"].url == node.url)
        busy = max(int(st.get("running", 0)) + int(st.get("pending", 0)), ours)
        free[node.url] = max(0, node.slots - busy)
    return free


def _schedule(cluster, q, todo, shards, by_id, record, running, publish_dir, base_args) -> int:
    """Give todo shards to free nodes; returns how many nodes answered."""
    free = _free_slots(cluster, running)
    answered = len(free)
    nodes = {n.url: n for n in cluster.nodes}
    for s in todo:
        prev = record[s]["node"]
        # Back to the node that holds the shard's frontier when it has room, else any free node.
        order = ([prev] if prev in free else []) + sorted(free, key=lambda u: -free[u])
        node_url = next((u for u in order if free.get(u, 0) > 0), None)
        if node_url is None:
            return answered
        node: Node = nodes[node_url]
        job = f"{s}-{uuid.uuid4().hex[:8]}"
        args = {
            **base_args,
            "shard": s,
            "entities": json.dumps([by_id[i].model_dump(mode="json") for i in shards[s]]),
            "db": str(Path(node.shard_dir) / q / f"{s}.db"),
            "publish": str(publish_dir / f"{s}.db"),
        }
        if scrapyd.schedule(node.url, cluster.project, SPIDER, job, args) is None:
            free[node_url] = 0
            continue
        free[node_url] -= 1
        r = record[s]
        r["attempts"] += 1
        r["node"] = node_url
        r["verdict"] = "scheduled"
        r["jobs"].append({"node": node.name, "job": job})
        running[s] = {"node": node, "job": job}
    return answered
