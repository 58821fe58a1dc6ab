"""The browser stage under faults, through its real worker pool (crawler.browser.stage.run_checks)
in Chromium: a service page that never answers is cut off by the whole-check timeout and recorded
as such, and a browser killed mid-run is relaunched with every service still checked once."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psutil
import pytest

from crawler.core import store

pytestmark = pytest.mark.faults
QUARTER = "2026Q4"
ENTRY = "<a href='/form'>Nộp hồ sơ trực tuyến</a>"
FORM = "<form><input name='ho_ten'><input type='file'><button>Nộp hồ sơ</button></form>"


class _Portal(BaseHTTPRequestHandler):
    """/dv/N is a service page with an online entry; /hang/N never answers; /spin/N loads and
    then hangs its page in a script loop."""

    def do_GET(self):
        if self.path.startswith("/hang/"):
            self.server.hung.wait(120)  # released when the test ends
            return
        body = FORM if self.path == "/form" else f"<h1>Thủ tục {self.path}</h1>{ENTRY}"
        if self.path.startswith("/spin/"):  # loads, then its script never yields again
            body += "<script>addEventListener('load', () => setTimeout(() => {for(;;){}}))</script>"
        data = f"<html lang='vi'><body>{body}</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def portal():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    server.daemon_threads = True
    server.hung = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.hung.set()
    server.shutdown()


def _stocked_db(path, base: str, paths: list[str]):
    db = store.connect(path)
    db["entities"].insert({"id": "so-x", "name_vi": "Sở X", "entity_group": "province"})
    db["quarter_entities"].insert(
        {"quarter": QUARTER, "entity_id": "so-x", "portal_url": base + "/", "allow_private": 1}
    )
    db["services"].insert_all(
        {"quarter": QUARTER, "url": base + p, "entity_id": "so-x", "declared": "full"}
        for p in paths
    )
    return db


def _run(db, tmp_path, **kw):
    from crawler.browser.stage import run_checks

    entities = {"so-x": {"allow_private": True, "portal_url": ""}}
    return asyncio.run(
        run_checks(
            db, QUARTER, entities, evidence_root=tmp_path / "ev", audits=False, log=print, **kw
        )
    )


def _checks(db) -> dict[str, dict]:
    return {
        r["url"].rsplit("/", 2)[-2] + "/" + r["url"].rsplit("/", 1)[-1]: r
        for r in db.query("select * from service_checks where quarter = ?", [QUARTER])
    }


def test_a_service_page_that_hangs_is_cut_off_and_recorded(portal, tmp_path):
    db = _stocked_db(tmp_path / "e.db", portal, ["/hang/1", "/dv/1", "/dv/2"])
    stats = _run(db, tmp_path, timeout_s=6, concurrency=2)
    checks = _checks(db)
    assert stats["timeouts"] == 1, stats
    assert checks["hang/1"]["state"] == "done" and checks["hang/1"]["status"] == "timeout"
    assert checks["hang/1"]["observed"] == "unknown"
    # the other services, sharing the host's context, were checked normally
    assert {checks[k]["observed"] for k in ("dv/1", "dv/2")} != {"unknown"}, checks
    assert all(checks[k]["status"] != "timeout" for k in ("dv/1", "dv/2")), checks


def test_a_page_whose_script_never_yields_is_cut_off_by_the_whole_check_timeout(portal, tmp_path):
    """page.evaluate has no time limit of its own: only the check's asyncio timeout ends it."""
    db = _stocked_db(tmp_path / "e.db", portal, ["/spin/1", "/dv/1"])
    stats = _run(db, tmp_path, timeout_s=6, concurrency=2)
    checks = _checks(db)
    assert stats["timeouts"] == 1, stats
    assert checks["spin/1"]["state"] == "done" and checks["spin/1"]["status"] == "timeout"
    assert checks["spin/1"]["steps"] == "[]"  # cut off whole, not by a step's own limit
    assert checks["dv/1"]["status"] != "timeout", checks


def _browser_processes() -> list[psutil.Process]:
    """Chromium's main processes under this test (renderers carry a --type= flag)."""
    me = psutil.Process(os.getpid())
    found = []
    for p in me.children(recursive=True):
        try:
            cmd = p.cmdline()
        except psutil.Error:
            continue
        if cmd and "chrom" in os.path.basename(cmd[0]) and not any("--type=" in a for a in cmd):
            found.append(p)
    return found


def test_a_browser_killed_mid_run_is_relaunched_and_every_service_is_checked(portal, tmp_path):
    paths = [f"/dv/{n}" for n in range(30)]
    db = _stocked_db(tmp_path / "e.db", portal, paths)
    killed: list[int] = []

    def killer():
        # kill -9 Chromium's main process once some checks are done and others in flight
        watch = sqlite3.connect(tmp_path / "e.db", timeout=30)
        while not killed:
            done = watch.execute(
                "select count(*) from service_checks where state = 'done'"
            ).fetchone()[0]
            procs = _browser_processes()
            if done >= 5 and procs:
                for p in procs:
                    os.kill(p.pid, signal.SIGKILL)
                    killed.append(p.pid)
                return
            threading.Event().wait(0.1)

    watcher = threading.Thread(target=killer, daemon=True)
    watcher.start()
    stats = _run(db, tmp_path, timeout_s=20, concurrency=3)
    watcher.join(5)
    checks = list(db.query("select * from service_checks where quarter = ?", [QUARTER]))
    assert killed, "the browser was never seen"
    assert stats["browser_launches"] >= 2, stats
    assert len(checks) == len(paths)
    assert {c["state"] for c in checks} == {"done"}, [c for c in checks if c["state"] != "done"]
    assert all(c["observed"] != "unknown" for c in checks), [
        (c["url"], c["status"], c["observed"], c["attempts"])
        for c in checks
        if c["observed"] == "unknown"
    ]
