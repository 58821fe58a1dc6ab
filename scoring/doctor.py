"""`egovrank doctor`: what this installation has and lacks, each line with what to do.

Read-only: it opens the database without migrating and writes only a probe file it removes.
"""

from __future__ import annotations

import platform
import sqlite3
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from crawler.core import paths

PACKAGES = ("egovrank", "scrapy", "playwright", "sqlite-utils", "pydantic", "click", "datasette")


def _row(item: str, ok: bool, detail: str) -> dict:
    return {"item": item, "ok": "ok" if ok else "MISSING", "detail": detail}


def python_row() -> dict:
    ok = sys.version_info >= (3, 11)
    return _row("python", ok, f"{platform.python_version()} at {sys.executable}")


def package_rows() -> list[dict]:
    rows = []
    for name in PACKAGES:
        try:
            rows.append(_row(name, True, version(name)))
        except PackageNotFoundError:
            rows.append(_row(name, False, "not installed; pip install egovrank"))
    rows.append(_row("sqlite", True, sqlite3.sqlite_version))
    return rows


def browser_row() -> dict:
    from crawler.browser.chromium import NoBrowser, probe, require

    try:
        info = probe(require())
    except NoBrowser as exc:
        return _row("browser", False, str(exc))
    return _row(
        "browser", True, f"Chromium {info['version']} at {info['executable'] or 'Playwright build'}"
    )


def config_rows() -> list[dict]:
    rows = []
    for name in paths.CONFIG_FILES:
        path, source = paths.resolve(name)
        detail = f"{path.resolve()} ({source})"
        rows.append(
            _row(f"config {name}", path.exists(), detail if path.exists() else f"{detail} missing")
        )
    return rows


def database_row(db_path: str | Path) -> dict:
    from crawler.core.store import LEGACY_VERSIONS, SCHEMA_VERSION

    db_path = Path(db_path)
    if not db_path.exists():
        return _row("database", True, f"{db_path} not created yet (any stage creates it)")
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.close()
    except sqlite3.DatabaseError as exc:
        return _row("database", False, f"{db_path}: not an SQLite database ({exc})")
    if current > SCHEMA_VERSION or LEGACY_VERSIONS < current < SCHEMA_VERSION:
        return _row(
            "database",
            False,
            f"{db_path}: schema {current} is newer than {SCHEMA_VERSION}; upgrade egovrank",
        )
    todo = (
        ""
        if current == SCHEMA_VERSION
        else f"; `egovrank db migrate` brings it to {SCHEMA_VERSION}"
    )
    return _row("database", True, f"{db_path}: schema version {current}{todo}")


def output_row() -> dict:
    out = paths.output_dir()
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".doctor-"):
            pass
    except OSError as exc:
        return _row(
            "output",
            False,
            f"{out.resolve()} is not writable ({exc.strerror}); use --workspace DIR",
        )
    return _row("output", True, f"{out.resolve()} writable")


def report(db_path: str | Path) -> list[dict]:
    return [
        python_row(),
        *package_rows(),
        browser_row(),
        *config_rows(),
        database_row(db_path),
        output_row(),
    ]
