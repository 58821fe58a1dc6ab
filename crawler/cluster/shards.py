"""Cutting a quarter's entities into crawl shards.

Scrapy throttles a host only inside one process, so entities whose portal or service portal share
a host or an address are kept in one shard (a union-find over those keys). The groups are then
dealt to the emptiest shard in an order fixed by a stable hash (sha256 of the group's first
entity id), never Python's salted hash(): the same registry gives the same shards on every machine and every re-run, so a
rescheduled shard finds its own frontier again.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit


def resolve(host: str) -> list[str]:
    """The addresses of a host (an IP literal is its own); none when it does not resolve."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
    except (OSError, UnicodeError):
        return []


def _keys(entity, resolver: Callable[[str], list[str]]) -> list[str]:
    keys = []
    for url in (entity.get("portal_url"), entity.get("dvc_url")):
        host = urlsplit(url).hostname if url else None
        if not host:
            continue
        keys.append(f"host:{host.lower()}")
        keys += [f"addr:{a}" for a in resolver(host)]
    return keys


def stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def groups(entities: Iterable[dict], resolver=resolve) -> list[list[str]]:
    """Entity ids that must share a process, each group sorted, groups sorted by first id."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    ids = []
    for e in entities:
        eid = e["id"]
        ids.append(eid)
        find(f"entity:{eid}")
        for key in _keys(e, resolver):
            a, b = find(f"entity:{eid}"), find(key)
            if a != b:
                parent[max(a, b)] = min(a, b)
    out: dict[str, list[str]] = {}
    for eid in ids:
        out.setdefault(find(f"entity:{eid}"), []).append(eid)
    return sorted((sorted(g) for g in out.values()), key=lambda g: g[0])


def cut(entities: list[dict], shard_size: int, resolver=resolve) -> list[list[str]]:
    """Shards of entity ids: about len/shard_size of them, each host group whole, none empty.

    Groups, largest first and then in stable-hash order, each go to the emptiest shard (the
    lowest index on a tie): deterministic for a registry, and balanced, where hash % n left
    shards of 1 and 4 entities. A shard may exceed shard_size when one host serves many
    entities (a group cannot be split); a shard that stays empty is dropped.
    """
    if not entities:
        return []
    n = max(1, math.ceil(len(entities) / shard_size))
    buckets: list[list[str]] = [[] for _ in range(n)]
    for g in sorted(groups(entities, resolver), key=lambda g: (-len(g), stable_hash(g[0]), g[0])):
        min(buckets, key=len).extend(g)
    return [sorted(b) for b in buckets if b]


def shard_name(quarter: str, index: int) -> str:
    return f"{quarter}-s{index:03d}"
