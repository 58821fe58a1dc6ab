"""cluster.yaml validation and shard cutting: pure functions, no Scrapyd or PostgreSQL needed."""

from __future__ import annotations

import copy

import pytest
import yaml

from crawler.cluster.config import load_cluster, parse_cluster
from crawler.core.errors import InputError

GOOD = {
    "nodes": [
        {"url": "http://127.0.0.1:6800", "shard_dir": "/tmp/a"},
        {"url": "http://127.0.0.1:6801", "shard_dir": "/tmp/b", "slots": 2},
    ],
    "queue": {"dsn": "postgresql://egovrank@127.0.0.1:5432/egovrank", "per_host": 1},
    "shard_size": 5,
    "evidence": "/tmp/evidence",
}


def test_good_cluster_file_loads(tmp_path):
    path = tmp_path / "cluster.yaml"
    path.write_text(yaml.safe_dump(GOOD), encoding="utf-8")
    c = load_cluster(path)
    assert [n.slots for n in c.nodes] == [1, 2]
    assert c.per_host == 1 and c.shard_size == 5 and c.stalled_after_s == 60


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda r: r["nodes"][1].update(url="ftp://x"), "nodes[1].url"),
        (lambda r: r["nodes"][0].update(url="http://h:99999"), "nodes[0].url"),
        (lambda r: r["nodes"][0].pop("shard_dir"), "nodes[0].shard_dir"),
        (lambda r: r["nodes"][0].update(slots=0), "nodes[0].slots"),
        (lambda r: r["nodes"].append(dict(r["nodes"][0])), "nodes[2].url"),
        (lambda r: r.update(nodes=[]), "nodes"),
        (lambda r: r["queue"].update(dsn="mysql://x"), "queue.dsn"),
        (lambda r: r["queue"].update(per_host="two"), "queue.per_host"),
        (lambda r: r["queue"].update(stalled_after_s=1), "queue.stalled_after_s"),
        (lambda r: r.pop("shard_size"), "shard_size"),
        (lambda r: r.update(shard_size=2.5), "shard_size"),
        (lambda r: r.pop("evidence"), "evidence"),
        (lambda r: r.update(shards=3), "shards"),
    ],
)
def test_bad_value_is_one_line_naming_the_key(mutate, key):
    raw = copy.deepcopy(GOOD)
    mutate(raw)
    with pytest.raises(InputError) as err:
        parse_cluster(raw, "c.yaml")
    msg = str(err.value)
    assert "\n" not in msg and f"`{key}`" in msg and msg.startswith("c.yaml:")


def test_unreadable_and_broken_yaml(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        load_cluster(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("nodes: [\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        load_cluster(bad)


# -- shards -------------------------------------------------------------------------------------
def _entities(n: int) -> list[dict]:
    return [
        {
            "id": f"e{i:03d}",
            "portal_url": f"https://p{i}.gov.vn/",
            "dvc_url": f"https://d{i}.gov.vn/",
        }
        for i in range(n)
    ]


def no_dns(host: str) -> list[str]:
    return []


def test_entities_sharing_a_host_or_address_stay_in_one_shard():
    from crawler.cluster.shards import cut

    ents = _entities(40)
    ents[5]["dvc_url"] = "https://dichvucong.gov.vn/p5"  # e05, e17 and e30 share a host
    ents[17]["portal_url"] = "https://DichVuCong.gov.vn/"
    ents[30]["dvc_url"] = "https://dichvucong.gov.vn/p30"
    addr = {"p8.gov.vn": ["10.0.0.8"], "d33.gov.vn": ["10.0.0.8"]}  # e08 and e33 share an address
    shards = cut(ents, 4, resolver=lambda h: addr.get(h, []))
    assert sorted(i for s in shards for i in s) == [e["id"] for e in ents]  # each exactly once
    where = {i: n for n, s in enumerate(shards) for i in s}
    assert where["e005"] == where["e017"] == where["e030"]
    assert where["e008"] == where["e033"]
    assert len(shards) >= 5


def test_shards_are_stable_across_processes_whatever_the_hash_seed():
    import subprocess
    import sys

    code = (
        "import json, sys; sys.path.insert(0, 'tests'); from test_cluster_config import _entities, "
        "no_dns; from crawler.cluster.shards import cut; print(json.dumps(cut(_entities(50), 7, no_dns)))"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**__import__("os").environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outs) == 1


# -- merge --------------------------------------------------------------------------------------
def _shard_db(path, quarter, entity, urls):
    from crawler.core import store

    db = store.connect(path)
    for u in urls:
        db["pages"].insert(
            {"quarter": quarter, "url": u, "entity_id": entity, "fetch_status": "ok"}
        )
        db["frontier"].insert({"quarter": quarter, "url": u, "entity_id": entity, "state": "done"})
    db["findings"].insert(
        {"quarter": quarter, "entity_id": entity, "criterion": "info.budget", "value": "present"}
    )
    db.conn.close()
    return path


def test_merge_refuses_overlap_with_nothing_changed_and_reruns(tmp_path):
    from crawler.cluster.merge import MergeRefused, merge_shards
    from crawler.core import store

    a = _shard_db(tmp_path / "a.db", "2026Q4", "e1", ["https://p1/", "https://p1/x"])
    b = _shard_db(tmp_path / "b.db", "2026Q4", "e2", ["https://p2/"])
    c = _shard_db(tmp_path / "c.db", "2026Q4", "e3", ["https://p1/x"])  # overlaps a
    db = store.connect(tmp_path / "q.db")
    assert merge_shards(db, "2026Q4", [a, b])["pages"] == 3
    db["findings"].upsert(  # the browser superseded a crawl finding: a re-merge must keep it
        {"quarter": "2026Q4", "entity_id": "e1", "criterion": "info.budget", "value": "seen",
         "source": "browser"},
        pk=("quarter", "entity_id", "criterion"),
    )  # fmt: skip
    before = {t: db[t].count for t in ("pages", "frontier", "findings")}
    with pytest.raises(MergeRefused) as err:
        merge_shards(db, "2026Q4", [a, b, c])
    assert "https://p1/x" in str(err.value) and "\n" not in str(err.value)
    assert {t: db[t].count for t in before} == before
    assert merge_shards(db, "2026Q4", [a, b])["pages"] == 3  # a re-run replaces, no duplicates
    assert {t: db[t].count for t in before} == before
    assert db["findings"].get(("2026Q4", "e1", "info.budget"))["value"] == "seen"


@pytest.mark.parametrize("command", ["crawl", "check", "worker"])
def test_cli_bad_cluster_file_is_one_line_exit_2_nothing_stored(tmp_path, command):
    import subprocess
    import sys

    raw = copy.deepcopy(GOOD)
    raw["queue"]["per_host"] = "two"
    bad = tmp_path / "cluster.yaml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    db = tmp_path / "q.db"
    args = {"worker": []}.get(command, ["--quarter", "2026Q4", "--db", str(db)])
    done = subprocess.run(
        [sys.executable, "-m", "scoring", command, *args, "--cluster", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "`queue.per_host`" in lines[0] and str(bad) in lines[0]
    assert not db.exists()


def test_host_locks_deal_a_hosts_slots_round_robin():
    from crawler.cluster.queue import host_locks

    jobs = [{"url": u} for u in ("http://a/1", "http://a/2", "http://b/1", "http://a/3")]
    assert host_locks(jobs, 2) == ["a#0", "a#1", "b#0", "a#0"]
    assert host_locks(jobs, 1) == ["a#0", "a#0", "b#0", "a#0"]
