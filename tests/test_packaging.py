"""An installable product: config found from any folder, workspaces, first-run browser errors,
doctor, and the coverage policy's arithmetic. (The wheel itself: make test-wheel.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.core import paths
from crawler.core.errors import InputError
from scoring import coverage
from scoring.model import load_model, parse_model
from scoring.score import EntityScore
from scoring.stage import ranking_rows

REPO = Path(__file__).resolve().parents[1]


def egovrank(*args, cwd, env=None):
    full_env = {k: v for k, v in os.environ.items() if k != paths.HOME_ENV} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_resolution_order_flag_then_workspace_then_project_then_shipped(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.HOME_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    path, source = paths.resolve("criteria")
    assert source == "shipped defaults" and path == paths.shipped_config() / "criteria.yaml"
    assert path.is_file()

    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "criteria.yaml").write_text("version: project\n")
    assert paths.resolve("criteria") == (Path("config/criteria.yaml"), "project folder (./config)")
    # Only the files a project folder has come from it; the rest still from the shipped defaults.
    assert paths.resolve("crawl")[1] == "shipped defaults"

    ws = tmp_path / "ws"
    (ws / "config").mkdir(parents=True)
    (ws / "config" / "criteria.yaml").write_text("version: workspace\n")
    monkeypatch.setenv(paths.HOME_ENV, str(ws))
    path, source = paths.resolve("criteria")
    assert path == ws / "config" / "criteria.yaml" and source.startswith("workspace")
    assert paths.output_dir() == ws / "output"

    assert paths.resolve("criteria", "mine.yaml") == (Path("mine.yaml"), "command-line flag")


def test_init_copies_the_config_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.HOME_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    written = paths.init_workspace(tmp_path / "ws")
    assert sorted(p.name for p in written) == [
        "catalogues.yaml",
        "crawl.yaml",
        "criteria.yaml",
        "entities",
        "keywords.yaml",
        "labels.yaml",
    ]
    shipped = paths.shipped_config()
    assert (tmp_path / "ws/config/criteria.yaml").read_bytes() == (
        shipped / "criteria.yaml"
    ).read_bytes()
    assert sorted(p.name for p in (tmp_path / "ws/config/entities").iterdir()) == sorted(
        p.name for p in (shipped / "entities").iterdir()
    )
    assert (tmp_path / "ws/output").is_dir()
    (tmp_path / "ws/config/criteria.yaml").write_text("version: edited\n")
    with pytest.raises(InputError, match="already there"):
        paths.init_workspace(tmp_path / "ws")
    assert (tmp_path / "ws/config/criteria.yaml").read_text() == "version: edited\n"


def test_cli_from_an_empty_folder_uses_shipped_config_and_a_workspace(tmp_path):
    listed = egovrank("entities", "list", "--quarter", "2026Q4", "--format", "json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    groups = [e["group"] for e in json.loads(listed.stdout)]
    assert (groups.count("ministry"), groups.count("gov_agency"), groups.count("province")) == (
        17,
        5,
        34,
    )

    assert egovrank("init", "ws", cwd=tmp_path).returncode == 0
    shown = egovrank("--workspace", "ws", "config", "show", "--format", "json", cwd=tmp_path)
    rows = {r["config"]: r for r in json.loads(shown.stdout)}
    assert rows["criteria"]["path"] == str((tmp_path / "ws/config/criteria.yaml").resolve())
    assert rows["output"]["path"] == str((tmp_path / "ws/output").resolve())
    # The workspace's model is the one scored with: a broken copy names its own path.
    (tmp_path / "ws/config/criteria.yaml").write_text("version: [unclosed\n")
    db_init = egovrank("--workspace", "ws", "db", "init", cwd=tmp_path)
    assert db_init.returncode == 0, db_init.stderr
    assert (tmp_path / "ws/output/egovrank.db").is_file()
    bad = egovrank("--workspace", "ws", "score", "--quarter", "2026Q4", cwd=tmp_path)
    assert bad.returncode == 2
    assert "ws/config/criteria.yaml" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--quarter", "2026Q4", "--db", "x.db"],
        ["run", "--quarter", "2026Q4", "--db", "x.db"],
        ["demo", "--root", "x"],
    ],
    ids=["check", "run", "demo"],
)
def test_browser_commands_without_a_browser_say_one_line_exit_2_store_nothing(tmp_path, args):
    done = egovrank(*args, cwd=tmp_path, env={"EGOVRANK_CHROMIUM": str(tmp_path / "no-chromium")})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "egovrank browser setup" in lines[0], done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_doctor_reports_and_fails_on_a_missing_browser(tmp_path):
    done = egovrank(
        "doctor", "--format", "json",
        cwd=tmp_path, env={"EGOVRANK_CHROMIUM": str(tmp_path / "no-chromium")},
    )  # fmt: skip
    assert done.returncode == 1
    rows = {r["item"]: r for r in json.loads(done.stdout)}
    assert rows["browser"]["ok"] == "MISSING" and "browser setup" in rows["browser"]["detail"]
    assert rows["python"]["ok"] == "ok" and rows["egovrank"]["ok"] == "ok"
    assert (
        rows["config criteria"]["ok"] == "ok"
        and "shipped defaults" in rows["config criteria"]["detail"]
    )
    assert rows["output"]["ok"] == "ok"


def test_model_min_coverage_is_checked():
    model = load_model(REPO / "config" / "criteria.yaml")
    assert 0 < model.min_coverage <= 1
    import yaml

    raw = yaml.safe_load((REPO / "config" / "criteria.yaml").read_text(encoding="utf-8"))
    for bad in (1.5, "half", True):
        with pytest.raises(InputError, match="min_coverage"):
            parse_model({**raw, "min_coverage": bad}, "m.yaml")
    assert parse_model({k: v for k, v in raw.items() if k != "min_coverage"}).min_coverage == 0


def test_not_assessed_entities_leave_the_ranks_and_the_others_close_up():
    model = load_model(REPO / "config" / "criteria.yaml")
    scores = [
        EntityScore("a", "province", 0.9, 1.0, 0.0, 0),
        EntityScore("dead", "province", 0.1, 0.2, 0.0, 0),
        EntityScore("b", "province", 0.05, 0.8, 0.0, 0),
    ]
    rows = {
        r["entity_id"]: r
        for r in ranking_rows(model, scores, {"dead": 1}, {"dead": ["connect_error"] * 3})
    }
    assert (rows["a"]["rank"], rows["b"]["rank"]) == (1, 2)
    assert rows["dead"]["rank"] is None and rows["dead"]["assessed"] == 0
    assert rows["dead"]["movement"] is None
    assert rows["dead"]["not_assessed_reason"].startswith(
        "portal unreachable on every attempt: connect_error, 3 attempts"
    )
    assert rows["a"]["not_assessed_reason"] is None and rows["a"]["assessed"] == 1


def test_reason_names_what_was_seen():
    assert coverage.reason(0.3, 0.5, []).startswith("portal not crawled")
    mixed = coverage.reason(0.3, 0.5, ["ok", "timeout"])
    assert mixed == "30% of the model's weight observed, below min_coverage 50%"
    both = coverage.reason(0.1, 0.5, ["timeout", "dns_error", "timeout"])
    assert both.startswith("portal unreachable on every attempt: timeout, dns_error, 3 attempts")
    assert coverage.is_assessed(0.4, 0.5, 0.5) and not coverage.is_assessed(None, 1.0, 0.5)


def test_live_progress_is_a_bar_on_a_terminal_and_plain_lines_otherwise(tmp_path):
    import fcntl
    import io
    import pty
    import struct
    import termios

    from scoring.cli.common import LiveProgress

    plain = io.StringIO()
    log = LiveProgress("checks", stream=plain)
    log.count(1, 4)
    log("  1/4 checks (2.0/s)")
    log.close()
    assert plain.getvalue() == ""  # click.echo(err=True) went to the real stderr, not a bar
    assert log.bar is None

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    with open(follower, "w", closefd=True) as tty:
        live = LiveProgress("checks", stream=tty)
        live.count(3, 4)
        live("  3/4 checks (2.0/s)")
        assert live.bar is not None and live.bar.n == 3 and live.bar.total == 4
        live.close()
        tty.flush()
        shown = os.read(leader, 4096).decode()
    os.close(leader)
    assert "3/4" in shown and "checks" in shown
