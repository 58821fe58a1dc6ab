"""cluster.yaml validation and shard cutting: pure functions, no Scrapyd or PostgreSQL needed."""

from __future__ import annotations

import copy

import pytest
import yaml

from crawler.cluster.config import load_cluster, parse_cluster
from crawler.errors import InputError

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
