"""The few calls of Scrapyd's JSON API the coordinator needs, each bounded by a timeout.

A node that does not answer is reported as None (lost), never retried here: the coordinator
decides. Spider arguments are sent as strings, the only type Scrapyd passes on.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT_S = 10.0


class ScrapydError(RuntimeError):
    """The node answered, but with an error (bad project, unknown spider, ...)."""


def _call(url: str, data: dict | None = None, timeout: float = TIMEOUT_S) -> dict | None:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    try:
        with urllib.request.urlopen(url, data=body, timeout=timeout) as resp:
            answer = json.loads(resp.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError):
        return None
    if answer.get("status") != "ok":
        raise ScrapydError(f"{url}: {answer.get('message', answer)}")
    return answer


def daemonstatus(node_url: str) -> dict | None:
    """{pending, running, finished, node_name}, or None when the node is unreachable."""
    return _call(f"{node_url}/daemonstatus.json")


def schedule(node_url: str, project: str, spider: str, jobid: str, args: dict) -> str | None:
    """Queue a job with string arguments; returns the job id, None when the node is lost."""
    data = {"project": project, "spider": spider, "jobid": jobid}
    for key, value in args.items():
        if key in data:
            raise ValueError(f"spider argument {key!r} clashes with a Scrapyd parameter")
        data[key] = str(value)
    answer = _call(f"{node_url}/schedule.json", data)
    return answer["jobid"] if answer else None


def status(node_url: str, jobid: str, project: str) -> str | None:
    """'pending', 'running', 'finished', '' (unknown to the node), or None (node lost)."""
    q = urllib.parse.urlencode({"job": jobid, "project": project})
    answer = _call(f"{node_url}/status.json?{q}")
    return answer.get("currstate") or "" if answer else None


def listjobs(node_url: str, project: str) -> dict | None:
    q = urllib.parse.urlencode({"project": project})
    return _call(f"{node_url}/listjobs.json?{q}")


def cancel(node_url: str, project: str, jobid: str, signal: str = "TERM") -> str | None:
    """Cancel a job; KILL is immediate (INT waits for a whole politeness window)."""
    answer = _call(f"{node_url}/cancel.json", {"project": project, "job": jobid, "signal": signal})
    return answer.get("prevstate") if answer else None
