"""A whole real portal, served over HTTP and crawled like any other, against an evaluator's labels.

../shared/realdata/vn-portals/daknong-krongno: the district portal of Krông Nô (EasyWeb static
build of 30 Jul 2019, template made from the earlier SharePoint portal) with hand labels for
every info.* and func.* criterion. Skipped when ../shared is absent.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tarfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.demo.testing import free_port
from scoring.evaluator_labels import compare_labels

pytestmark = pytest.mark.integration
EGOVRANK = [sys.executable, "-m", "scoring"]


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the stdlib's 5 drops a crawler's parallel connections
    daemon_threads = True


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def krongno(realdata, tmp_path_factory):
    folder = realdata / "vn-portals" / "daknong-krongno"
    root = tmp_path_factory.mktemp("krongno")
    with tarfile.open(folder / "site.tar.xz") as tar:
        tar.extractall(root, filter="data")
    port = free_port()
    server = _Server(("127.0.0.1", port), partial(_Quiet, directory=root / "web" / "source"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    registry = root / "entities.yaml"
    registry.write_text(
        "entities:\n- id: krong-no\n  name_vi: Huyện Krông Nô\n  name_en: Krong No District\n"
        f"  group: province\n  portal_url: http://127.0.0.1:{port}/\n"
        "  dvc_url: http://dvc.daknong.gov.vn/\n  valid_from: 2008-08-01\n  allow_private: true\n",
        encoding="utf-8",
    )
    db = root / "egovrank.db"
    args = ["crawl", "--quarter", "2019Q3", "--entities", str(registry), "--db", str(db)]
    args += ["--as-of", "2019-07-30", "--no-politeness", "--max-pages", "400"]
    done = subprocess.run([*EGOVRANK, *args], capture_output=True, text=True, timeout=600)
    server.shutdown()
    assert done.returncode == 0, done.stderr[-3000:]
    yield folder / "labels.json", db


def test_crawl_agrees_with_the_evaluator(krongno):
    labels_path, db = krongno
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    findings = [dict(r) for r in conn.execute("select * from findings")]
    result = compare_labels(json.loads(labels_path.read_text("utf-8")), findings)
    for row in result["rows"]:
        if not row["agree"]:
            print("disagreement:", row["criterion"], row["label"], row["found"], row["status"])
    assert result["labelled"] == 21
    assert result["share"] >= 0.95


def test_empty_shells_say_which_kind(krongno):
    _, db = krongno
    status = dict(
        sqlite3.connect(db).execute(
            "select criterion, status from findings where value = 'linked_broken'"
        )
    )
    assert status["info.statistics"] == "placeholder"  # "Đang cập nhật …" with status 200
    assert status["info.legal_documents"] == "test_only"  # "Tesn tin văn bản pháp luật"
    assert status["func.search"] == "http_4xx"  # the form posts to a missing Home.aspx


def test_compare_labels_command_prints_agreement(krongno):
    labels_path, db = krongno
    args = ["compare-labels", str(labels_path), "--quarter", "2019Q3", "--entity", "krong-no"]
    done = subprocess.run(
        [*EGOVRANK, *args, "--db", str(db)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("krong-no 2019Q3: ")
    agree, labelled = done.stdout.split(": ")[1].split()[0].split("/")
    assert int(labelled) == 21 and int(agree) >= 20


def test_compare_labels_refuses_a_file_without_criteria(tmp_path, krongno):
    _, db = krongno
    bad = tmp_path / "labels.json"
    bad.write_text('{"site": "x"}', encoding="utf-8")
    args = ["compare-labels", str(bad), "--quarter", "2019Q3", "--entity", "krong-no"]
    done = subprocess.run([*EGOVRANK, *args, "--db", str(db)], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no 'criteria' object" in done.stderr
