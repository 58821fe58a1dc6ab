"""A whole quarter as one command, and the whole demo as one command.

Each stage runs as its own subprocess (Scrapy's reactor cannot restart in one process, and a
crash in one stage must not take the run's bookkeeping with it). A stage already `done` for the
quarter is skipped unless forced, so re-running after an interruption continues where it stopped.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from crawler.core import store
from crawler.core.quarters import Quarter
from crawler.core.stage import Outcome, Stage, held_lock_env, run_stage

STAGES = ("crawl", "check", "score", "report")
TAKES_ENTITIES = {"crawl", "check", "score"}


def stage_done(db, quarter: str, stage: str) -> bool:
    row = db.execute(
        "select status from runs where quarter = ? and stage = ? order by id desc limit 1",
        [quarter, stage],
    ).fetchone()
    return bool(row) and row[0] == "done"


def run_quarter(
    quarter: Quarter,
    *,
    db_path: str,
    entities_path: str | None = None,
    only: list[str] | None = None,
    force: bool = False,
    stage_args: dict[str, list[str]] | None = None,
    log_dir: str | Path = "output/logs",
    echo: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> dict:
    """Run crawl, check, score and report in order; returns a summary with `ok`."""
    q = str(quarter)
    stage_args = stage_args or {}
    log_path = Path(log_dir) / f"{q}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    summary = {"quarter": q, "stages": [], "log": str(log_path), "ok": True}

    def body(stage: Stage) -> Outcome:
        db = stage.db
        env = held_lock_env(db, q, stage.lock_token)  # the stages run under this lock
        db["runs"].update(stage.run_id, {"log_path": str(log_path)})
        with log_path.open("a", encoding="utf-8") as log:
            for name in STAGES:
                if not force and stage_done(db, q, name):
                    echo(f"run {q}: {name} already done, skipped (use --force to redo)")
                    summary["stages"].append({"stage": name, "status": "skipped"})
                    continue
                cmd = [sys.executable, "-m", "scoring", name, "--quarter", q, "--db", db_path]
                if entities_path and name in TAKES_ENTITIES:
                    cmd += ["--entities", str(entities_path)]
                if only and name in TAKES_ENTITIES - {"score"}:
                    cmd += ["--only", ",".join(only)]
                cmd += stage_args.get(name, [])
                echo(f"run {q}: {name} ...")
                log.write(f"\n$ {' '.join(cmd)}\n")
                log.flush()
                started = time.monotonic()
                code = _stream(cmd, log, echo if name != "crawl" else _quiet(echo), env)
                seconds = round(time.monotonic() - started, 1)
                status = "done" if code == 0 else "failed"
                summary["stages"].append(
                    {"stage": name, "status": status, "seconds": seconds, "exit": code}
                )
                echo(f"run {q}: {name} {status} in {seconds} s")
                if code != 0:
                    summary["ok"] = False
                    break
        return Outcome(summary, ok=summary["ok"])

    run_stage(
        "run", quarter, db_path, body, args={"force": force, "entities": entities_path}, log=echo
    )
    return summary


def _stream(cmd: list[str], log, echo, env=None) -> int:
    """Run a stage, copying its output to the log and its progress lines to the operator."""
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, env=env
    )
    for line in proc.stdout:
        log.write(line)
        echo(line.rstrip())
    return proc.wait()


def _quiet(echo):
    """Scrapy logs warnings per page; the operator sees progress and the summary, the log all."""

    def filtered(line: str) -> None:
        if not line.startswith("20") or "ERROR" in line:
            echo(line)

    return filtered


def run_demo(
    root: str | Path = "output/demo",
    *,
    entities: int = 12,
    pages: int = 60,
    services: int = 10,
    seed: int = 1,
    quarters: tuple[str, ...] = ("2026Q3", "2026Q4"),
    echo: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> dict:
    """Build, serve and assess the demo for two quarters; report; say where to look.

    Starts from an empty database: each build serves on a new port, so a previous run's rows
    (whose URLs name the old port) would be skipped as done yet compare with nothing."""
    from crawler.demo.agreement import (
        compare,
        compare_checks,
        compare_declared,
        compare_movements,
        compare_ranking,
    )
    from crawler.demo.testing import free_port, running_demo

    root = Path(root)
    db_path = str(root / "egovrank.db")
    for old in root.glob("egovrank.db*"):
        old.unlink()
    results = {}
    started = time.monotonic()
    for text in quarters:
        quarter = Quarter.parse(text)
        site = root / text
        build = [
            sys.executable,
            "-m",
            "scoring",
            "demo",
            "build",
            str(site),
            "--entities",
            str(entities),
            "--pages",
            str(pages),
            "--services",
            str(services),
            "--seed",
            str(seed),
            "--quarter",
            text,
            "--port",
            str(free_port()),
        ]
        subprocess.run(build, check=True)
        reported = [
            sys.executable,
            "-m",
            "scoring",
            "import",
            "reported",
            str(site / "reported.csv"),
        ]
        reported += ["--quarter", text, "--db", db_path, "--entities", str(site / "entities.yaml")]
        subprocess.run(reported, check=True)
        with running_demo(site):
            summary = run_quarter(
                quarter,
                db_path=db_path,
                entities_path=str(site / "entities.yaml"),
                stage_args={
                    "crawl": [
                        "--as-of",
                        quarter.end.isoformat(),
                        "--no-politeness",
                        "--ca-file",
                        str(site / "certs" / "demo-ca.pem"),
                        "--max-pages",
                        str(pages),
                        "--national-api",
                        json.loads((site / "truth.json").read_text(encoding="utf-8"))[
                            "national_api"
                        ],
                    ],
                    "check": ["--evidence", str(root / "evidence")],
                    "report": ["--out", str(root / "report" / text)],
                },
                log_dir=root / "logs",
                echo=echo,
            )
        if not summary["ok"]:
            return {"ok": False, "failed": summary}
        db = store.connect(db_path)
        truth = json.loads((site / "truth.json").read_text(encoding="utf-8"))
        found = list(db.query("select * from findings where quarter = ?", [text]))
        checks = list(db.query("select * from service_checks where quarter = ?", [text]))
        ranked = list(db.query("select * from rankings where quarter = ?", [text]))
        crawl_agree, check_agree = compare(truth, found), compare_checks(truth, checks)
        results[text] = {
            "pages": db.execute("select count(*) from pages where quarter = ?", [text]).fetchone()[
                0
            ],
            "checks": len(checks),
            "crawl_agreement": f"{crawl_agree['agree']}/{crawl_agree['pairs']}",
            "check_agreement": f"{check_agree['agree']}/{check_agree['pairs']}",
            "mismatches_reported": f"{check_agree['mismatches_reported']}/{check_agree['planted_mismatches']}",
            "national_rows_agreement": "{agree}/{rows} ({fallback} by the browser fallback)".format(
                **compare_declared(
                    truth,
                    list(db.query("select * from declared_services where quarter = ?", [text])),
                )
            ),
            "rank_vs_quality_spearman": compare_ranking(truth, ranked),
            "movements_vs_truth": compare_movements(truth, ranked),
            "submissions": sum(1 for _ in (site / "submissions.jsonl").open()),
            "report": str(root / "report" / text / "report.html"),
        }
    results["seconds"] = round(time.monotonic() - started, 1)
    results["ok"] = True
    return results
