"""cluster.yaml: which Scrapyd nodes, which PostgreSQL queue, how big a shard, where evidence goes.

    nodes:                       # Scrapyd daemons, each started in a folder holding scrapy.cfg
      - url: http://10.0.0.11:6800
        shard_dir: /var/lib/egovrank/shards   # the node's LOCAL disk (SQLite never on NFS)
        slots: 1                 # jobs at a time; keep equal to the node's max_proc
    queue:
      dsn: postgresql://egovrank@db.internal/egovrank
      per_host: 2                # browser checks in flight per host, across all workers
      stalled_after_s: 60        # a worker silent this long has its job retried
    shard_size: 20               # entities per shard (a host's entities are never split)
    evidence: /srv/egovrank/evidence   # shared folder: screenshots and finished shard files

A bad value is one InputError line naming the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler.core.errors import InputError


@dataclass(frozen=True)
class Node:
    url: str
    shard_dir: str
    slots: int = 1
    name: str = ""


@dataclass(frozen=True)
class Cluster:
    path: str
    nodes: tuple[Node, ...]
    dsn: str
    shard_size: int
    evidence: str
    per_host: int = 2
    stalled_after_s: float = 60.0
    project: str = "default"
    poll_s: float = 1.0
    shard_timeout_s: float = 3600.0
    max_attempts: int = 3
    extra: dict = field(default_factory=dict)

    @property
    def shards_dir(self) -> Path:
        """Where finished shard databases are published for the coordinator to merge."""
        return Path(self.evidence) / "shards"


def _fail(path, key: str, why: str):
    raise InputError(f"{path}: `{key}` {why}")


def _number(path, raw: dict, key: str, default, kind, low: float, prefix: str = ""):
    value = raw.get(key, default)
    key = prefix + key
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(path, key, f"must be a number, not {value!r}")
    if kind is int and value != int(value):
        _fail(path, key, f"must be a whole number, not {value!r}")
    if value < low:
        _fail(path, key, f"must be at least {low:g}, not {value!r}")
    return kind(value)


def _http_url(path, key: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        _fail(path, key, f"must be an http(s) URL, not {value!r}")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        _fail(path, key, f"must be an http(s) URL such as http://10.0.0.11:6800, not {value!r}")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        _fail(path, key, f"has a bad port: {value!r}")
    return value.strip().rstrip("/")


def _folder(path, key: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        _fail(path, key, f"must be a folder path, not {value!r}")
    return value.strip()


def parse_cluster(raw, path: str = "cluster.yaml") -> Cluster:
    if not isinstance(raw, dict):
        raise InputError(f"{path}: must be a mapping with nodes, queue, shard_size, evidence")
    known = {"nodes", "queue", "shard_size", "evidence", "project", "poll_s", "shard_timeout_s"}
    known |= {"max_attempts"}
    for key in raw:
        if key not in known:
            _fail(path, key, f"is not a cluster setting; known: {', '.join(sorted(known))}")
    nodes_raw = raw.get("nodes")
    if not isinstance(nodes_raw, list) or not nodes_raw:
        _fail(path, "nodes", "must list at least one Scrapyd node (url, shard_dir)")
    nodes, seen = [], set()
    for i, n in enumerate(nodes_raw):
        where = f"nodes[{i}]"
        if isinstance(n, str):
            n = {"url": n}
        if not isinstance(n, dict):
            _fail(path, where, f"must be a mapping with url and shard_dir, not {n!r}")
        for key in n:
            if key not in ("url", "shard_dir", "slots", "name"):
                _fail(path, f"{where}.{key}", "is not a node setting (url, shard_dir, slots, name)")
        url = _http_url(path, f"{where}.url", n.get("url"))
        if url in seen:
            _fail(path, f"{where}.url", f"names {url} twice")
        seen.add(url)
        shard_dir = _folder(path, f"{where}.shard_dir", n.get("shard_dir"))
        slots = _number(path, n, "slots", 1, int, 1, f"{where}.")
        nodes.append(
            Node(url=url, shard_dir=shard_dir, slots=slots, name=str(n.get("name") or url))
        )
    queue = raw.get("queue")
    if not isinstance(queue, dict):
        _fail(path, "queue", "must be a mapping with dsn (the PostgreSQL of the check queue)")
    for key in queue:
        if key not in ("dsn", "per_host", "stalled_after_s"):
            _fail(path, f"queue.{key}", "is not a queue setting (dsn, per_host, stalled_after_s)")
    dsn = queue.get("dsn")
    if not isinstance(dsn, str) or not dsn.startswith(("postgresql://", "postgres://")):
        _fail(path, "queue.dsn", f"must be a postgresql:// URL, not {dsn!r}")
    per_host = _number(path, queue, "per_host", 2, int, 1, "queue.")
    stalled = _number(path, queue, "stalled_after_s", 60, float, 5, "queue.")
    if "shard_size" not in raw:
        _fail(path, "shard_size", "is missing: entities per crawl shard, e.g. 20")
    project = raw.get("project", "default")
    if not isinstance(project, str) or not project.strip():
        _fail(path, "project", f"must be the Scrapyd project name, not {project!r}")
    return Cluster(
        path=str(path),
        nodes=tuple(nodes),
        dsn=dsn,
        shard_size=_number(path, raw, "shard_size", 20, int, 1),
        evidence=_folder(path, "evidence", raw.get("evidence")),
        per_host=per_host,
        stalled_after_s=stalled,
        project=project.strip(),
        poll_s=_number(path, raw, "poll_s", 1.0, float, 0.05),
        shard_timeout_s=_number(path, raw, "shard_timeout_s", 3600, float, 1),
        max_attempts=_number(path, raw, "max_attempts", 3, int, 1),
    )


def load_cluster(path: str | Path) -> Cluster:
    """Read and validate cluster.yaml; every problem is one line naming the key."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the cluster file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(f"{path}: not valid YAML{where}; fix the cluster file") from None
    return parse_cluster(raw, str(path))
