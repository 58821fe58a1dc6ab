"""Benchmark plumbing: repeated timings, process-tree memory, and one results file.

Every benchmark measures egovrank and its baseline in the same run, on the same demo, and
records median and spread. Results accumulate in output/bench/results.json (one entry per
benchmark, newest wins) and a markdown table beside it that the README links to.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "output" / "bench" / "results.json"
TABLE = ROOT / "output" / "bench" / "results.md"
QUICK = os.environ.get("EGOVRANK_BENCH_QUICK") == "1"
EGOVRANK = str(Path(sys.executable).with_name("egovrank"))


def machine() -> dict:
    browser = ROOT / "output" / "browser.json"
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "scrapy": version("scrapy"),
        "playwright": version("playwright"),
        "chromium": json.loads(browser.read_text())["version"] if browser.exists() else None,
        "quick": QUICK,
    }


def summary(values: list[float]) -> dict:
    """Median and spread (min, max, and relative spread) of repeated measurements."""
    med = statistics.median(values)
    return {
        "median": round(med, 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
        "runs": len(values),
        "spread": round((max(values) - min(values)) / med, 3) if med else 0.0,
    }


class TreeMemory:
    """Samples the RSS of a process and all its children (Chromium included) in a thread."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        total = 0
        try:
            procs = [self.proc, *self.proc.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        for p in procs:
            with suppress(psutil.NoSuchProcess):
                total += p.memory_info().rss
        return total

    def _run(self):
        start = time.monotonic()
        while not self._stop.is_set():
            rss = self._rss()
            if rss:
                self.samples.append((time.monotonic() - start, rss))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def report(self) -> dict:
        if not self.samples:
            return {}
        mib = [s[1] / 2**20 for s in self.samples]
        tenth = max(1, len(mib) // 10)
        return {
            "peak_mib": round(max(mib), 1),
            "start_mib": round(statistics.median(mib[:tenth]), 1),
            "end_mib": round(statistics.median(mib[-tenth:]), 1),
            "samples": len(mib),
        }


@contextmanager
def timed():
    """Wall and CPU time (this process and its finished children) of a block."""
    t0, c0 = time.perf_counter(), _cpu()
    box: dict = {}
    yield box
    box["wall_s"] = time.perf_counter() - t0
    box["cpu_s"] = _cpu() - c0


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run(
    cmd: list[str], *, env: dict | None = None, cwd=None, timeout: float = 3600
) -> SimpleNamespace:
    """Run a command; its wall and CPU time (whole tree), memory of its tree, and its output."""
    t0, c0 = time.perf_counter(), _cpu()
    proc = subprocess.Popen(
        cmd,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with TreeMemory(proc.pid) as mem:
        out, err = proc.communicate(timeout=timeout)
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return SimpleNamespace(
        wall_s=wall, cpu_s=cpu, memory=mem.report(), samples=mem.samples, stdout=out, stderr=err
    )


def run_cli(*args: str, **kwargs) -> SimpleNamespace:
    """Run `egovrank ARGS` (see run)."""
    return run([EGOVRANK, *args], **kwargs)


def crawl_demo(demo: SimpleNamespace, db, *extra: str, quarter: str = "2026Q4") -> SimpleNamespace:
    """`egovrank crawl` of a served demo into db (its registry, as-of date and CA), plus extra."""
    return run_cli(
        "crawl",
        *("--quarter", quarter, "--entities", demo.registry, "--db", str(db)),
        *("--as-of", demo.truth["as_of"], "--ca-file", demo.ca, *extra),
    )


# Faults that cost waiting rather than work (a hanging page, a slow host, a robots Crawl-delay,
# a dead host, a 503 with Retry-After): throughput comparisons leave those entities out, so both
# sides spend their time on pages, not on timers.
WAITING_FAULTS = {"unreachable", "slow", "timeout", "transient_503", "robots_crawl_delay"}


def steady_entities(truth: dict, n: int | None = None) -> list[str]:
    """The first n entity ids (registry order) without waiting faults."""
    ids = [
        eid
        for eid, e in truth["entities"].items()
        if not {f["kind"] for f in e["faults"]} & WAITING_FAULTS
    ]
    return ids[:n] if n else ids


def clean_entities(truth: dict, n: int | None = None) -> list[str]:
    """The first n entity ids with no fault at all (no redirects, traps or odd certificates)."""
    ids = [eid for eid, e in truth["entities"].items() if not e["faults"]]
    return ids[:n] if n else ids


@contextmanager
def served_demo(root: Path, **options) -> Iterator[SimpleNamespace]:
    """Build the demo into root and serve it on a free port for the block."""
    from crawler.demo.build import build_demo
    from crawler.demo.testing import free_port, running_demo

    truth = build_demo(root, port=free_port(), **options)
    with running_demo(root):
        yield SimpleNamespace(
            root=root,
            truth=truth,
            registry=str(root / "entities.yaml"),
            ca=str(root / "certs" / "demo-ca.pem"),
            options=options,
        )


def crawl_config(path: Path, **sections: dict) -> str:
    """config/crawl.yaml with some keys of its sections replaced, written to path."""
    cfg = yaml.safe_load((ROOT / "config" / "crawl.yaml").read_text(encoding="utf-8"))
    for section, changes in sections.items():
        cfg[section].update(changes)
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return str(path)


def record(
    name: str, data: dict, targets: dict | None = None, headline: dict | None = None
) -> None:
    """Merge one benchmark's figures (and any targets it judges) into the results files.

    `headline` is a few figures in words for the markdown table. A run in the other mode
    (quick or full) starts the files afresh, so the two never mix.
    """
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    doc = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if doc.get("machine", {}).get("quick") != QUICK:
        doc = {}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    doc.setdefault("benchmarks", {})[name] = {"measured_at": now, **data}
    doc.setdefault("headlines", {})[name] = headline or {}
    doc.setdefault("targets", {}).update(targets or {})
    doc["machine"] = machine()
    doc["updated_at"] = now
    RESULTS.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    TABLE.write_text(_markdown(doc))


def fmt(s: dict, digits: int = 1) -> str:
    """A summary() in words: median (min-max, n runs)."""
    if s["runs"] == 1:
        return f"{s['median']:.{digits}f}"
    return (
        f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f}, {s['runs']} runs)"
    )


def target(value: float, bound: float, *, at_least: bool) -> dict:
    met = value >= bound if at_least else value <= bound
    return {"value": round(value, 4), "target": bound, "met": bool(met)}


def _markdown(doc: dict) -> str:
    m = doc["machine"]
    lines = [
        "# egovrank benchmarks",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB; Python {m['python']}, "
        f"Scrapy {m['scrapy']}, Playwright {m['playwright']}, Chromium {m['chromium']}"
        f"{'; QUICK MODE (small sizes)' if m['quick'] else ''}. Updated {doc['updated_at']}.",
        "Written by `make bench` (tests/benchmarks/); figures are medians over repeated runs,",
        "each compared with its baseline in the same run. Full figures: results.json.",
        "",
        "## Targets",
        "",
        "| target | measured | bound | met |",
        "|---|---|---|---|",
    ]
    for name, t in sorted(doc.get("targets", {}).items()):
        lines.append(f"| {name} | {t['value']} | {t['target']} | {'yes' if t['met'] else 'no'} |")
    lines += ["", "## Figures", "", "| benchmark | figure | value |", "|---|---|---|"]
    for name in sorted(doc["benchmarks"]):
        for figure, value in doc.get("headlines", {}).get(name, {}).items():
            lines.append(f"| {name} | {figure} | {value} |")
    lines += ["", "## Details", ""]
    for name, data in sorted(doc["benchmarks"].items()):
        lines += [f"### {name}", "", "```json", json.dumps(data, indent=2), "```", ""]
    return "\n".join(lines)
