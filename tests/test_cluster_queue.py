"""The browser-job queue's rounds against a real PostgreSQL, no browser: what a re-run imports,
a URL shared by two entities, a second copy of a job, results landing as jobs finish, and the
bounded wait. The walks themselves run in tests/test_cluster.py."""

from __future__ import annotations

import asyncio
import json

import pytest

from crawler.cluster import queue
from crawler.cluster.checks import Round, through_queue
from crawler.cluster.config import Cluster
from crawler.cluster.testing import postgres_cluster
from crawler.core.errors import InputError

pytestmark = pytest.mark.cluster
Q = "2026Q4"
SHARED = "http://dvc.example.test/thu-tuc"  # one service portal page, two entities


@pytest.fixture(scope="module")
def dsn():
    with postgres_cluster() as d:
        yield d


def cluster(dsn: str) -> Cluster:
    return Cluster(path="cluster.yaml", nodes=(), dsn=dsn, shard_size=1, evidence="ev",
                   per_host=1, stalled_after_s=5, poll_s=0.1)  # fmt: skip


def item(entity: str, url: str = SHARED) -> dict:
    return {"url": url, "entity_id": entity, "timeout_s": 5, "allow_private": False}


async def stored(app, kind: str, url: str, entity: str, result: dict) -> None:
    """A result a worker of an earlier run left in the queue database."""
    await app.connector.execute_query_async(
        "INSERT INTO egovrank_results (quarter, kind, url, entity_id, result, worker) "
        "VALUES (%(q)s, %(k)s, %(u)s, %(e)s, %(r)s, 'w1')",
        q=Q,
        k=kind,
        u=url,
        e=entity,
        r=json.dumps(result),
    )


def run(dsn: str, coro_fn):
    async def go():
        app = queue.make_app(dsn)
        async with app.open_async():
            await queue.ensure_schema(dsn)
            return await coro_fn(app)

    return asyncio.run(go())


def test_a_stored_result_lands_for_every_entity_sharing_its_url_and_nothing_is_queued(dsn):
    landed = []

    async def body(app):
        await stored(app, "catalogue", SHARED, "a", {"services": [{"url": SHARED + "/1"}]})
        rnd = Round("catalogue", [item("a"), item("b")], lambda i, r: landed.append((i, r)))
        counts = await through_queue(
            app, cluster(dsn), Q, rnd, recheck=False, wait_s=5, log=lambda m: None
        )
        queued = await app.connector.execute_query_one_async(
            "SELECT count(*) AS n FROM procrastinate_jobs WHERE task_name = %(t)s",
            t=queue.TASKS["catalogue"],
        )
        return counts, queued["n"]

    counts, queued = run(dsn, body)
    assert sorted(i["entity_id"] for i, _ in landed) == ["a", "b"]
    assert all(r == {"services": [{"url": SHARED + "/1"}]} for _, r in landed)
    assert counts == {"jobs": 2, "queued": 0, "imported_done": 1, "reclaimed_stalled": 0}
    assert queued == 0


def test_a_job_already_queued_is_not_queued_twice_and_the_wait_is_bounded(dsn):
    url = "http://portal.example.test/"
    landed = []

    async def body(app):
        job = {**item("c", url), "quarter": Q}
        first = await queue.defer(app, "audit", [job], per_host=1)
        again = await queue.defer(app, "audit", [job], per_host=1)
        rnd = Round("audit", [item("c", url)], lambda i, r: landed.append(r))
        with pytest.raises(InputError, match=r"1 audit jobs still queued after 1 s.*worker"):
            await through_queue(
                app, cluster(dsn), Q, rnd, recheck=False, wait_s=1, log=lambda m: None
            )
        return first, again

    first, again = run(dsn, body)
    assert (first, again) == (1, 0)
    assert landed == []  # no worker ran it: nothing was made up


def test_recheck_forgets_the_stored_result_and_queues_the_job_again(dsn):
    url = "http://walk.example.test/dich-vu/1"
    landed = []

    async def body(app):
        await stored(app, "walk", url, "d", {})
        rnd = Round("walk", [item("d", url)], lambda i, r: landed.append(r))
        with pytest.raises(InputError, match="still queued"):
            await through_queue(
                app, cluster(dsn), Q, rnd, recheck=True, wait_s=0.5, log=lambda m: None
            )
        left = await app.connector.execute_query_one_async(
            "SELECT count(*) AS n FROM egovrank_results WHERE url = %(u)s", u=url
        )
        return left["n"]

    assert run(dsn, body) == 0
    assert landed == []


def test_results_land_as_their_jobs_finish_and_a_job_out_of_attempts_lands_as_none(dsn):
    """A stand-in for the workers finishes the queued jobs in the database: one with a result,
    one failed on every attempt with none."""
    ok, lost = "http://cat.example.test/ok", "http://cat.example.test/lost"
    landed = {}

    async def worker(app):
        await asyncio.sleep(0.3)
        await stored(app, "catalogue", ok, "e", {"services": []})
        for url, status in ((ok, "succeeded"), (lost, "failed")):
            await app.connector.execute_query_async(
                "UPDATE procrastinate_jobs SET status = %(s)s "
                "WHERE task_name = %(t)s AND args->>'url' = %(u)s",
                s=status,
                t=queue.TASKS["catalogue"],
                u=url,
            )

    async def body(app):
        rnd = Round("catalogue", [item("e", ok), item("f", lost)],
                    lambda i, r: landed.setdefault(i["entity_id"], r))  # fmt: skip
        counts, _ = await asyncio.gather(
            through_queue(app, cluster(dsn), Q, rnd, recheck=False, wait_s=10, log=lambda m: None),
            worker(app),
        )
        return counts

    counts = run(dsn, body)
    assert landed == {"e": {"services": []}, "f": None}
    assert counts["queued"] == 2 and counts["imported_done"] == 0
