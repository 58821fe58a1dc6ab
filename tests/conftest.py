"""Shared fixtures. Real third-party data lives in ../shared/realdata; tests using it skip
cleanly when it is absent (a user's fresh clone has no shared folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is absent")
    return REALDATA


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """A small demo (12 entities of all three groups, ~40 pages, 10 services each, seed 7),
    built in a tmp dir and served on a free port for the whole session."""
    import json
    from types import SimpleNamespace

    from crawler.demo.build import build_demo
    from crawler.demo.testing import free_port, running_demo

    root = tmp_path_factory.mktemp("demo")
    port = free_port()
    build_demo(root, entities=12, pages=40, services=10, seed=7, port=port)
    with running_demo(root):
        yield SimpleNamespace(
            root=root,
            entities_path=root / "entities.yaml",
            truth=json.loads((root / "truth.json").read_text(encoding="utf-8")),
            submissions_path=root / "submissions.jsonl",
            port=port,
        )
