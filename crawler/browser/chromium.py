"""Finding a Chromium that Playwright can drive, on a machine that may not download one.

Order: Playwright's own build if installed; else the system Chromium (Debian's `chromium`),
installed with apt-get when we are root and it is missing. What was chosen is written to
output/browser.json so a run records which browser produced its evidence.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from crawler.core.paths import output_dir

SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Without these, Chromium keeps calling Google hosts that a closed network refuses.
QUIET_FLAGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-first-run",
]


class NoBrowser(RuntimeError):
    pass


def record_path() -> Path:
    """output/browser.json (under the workspace if any): which browser the evidence came from."""
    return output_dir() / "browser.json"


def system_chromium() -> str | None:
    override = os.environ.get("EGOVRANK_CHROMIUM")
    if override:
        return override
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_options(executable: str | None = None) -> dict:
    """Keyword arguments for `chromium.launch()`: system binary and quiet flags."""
    args = list(QUIET_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    opts: dict = {"headless": True, "args": args}
    exe = executable or _recorded_executable() or system_chromium()
    if exe:
        opts["executable_path"] = exe
    return opts


def require() -> str | None:
    """The Chromium a stage will launch (None: Playwright's own build), checked to exist before
    anything is stored; else NoBrowser naming the command to run."""
    exe = _recorded_executable() or system_chromium()
    fix = "run `egovrank browser setup` (or set EGOVRANK_CHROMIUM=/path/to/chromium)"
    if exe:
        if Path(exe).is_file() and os.access(exe, os.X_OK):
            return exe
        raise NoBrowser(f"no usable Chromium: {exe} is not an executable file; {fix}")
    try:
        from playwright.sync_api import Error, sync_playwright

        with sync_playwright() as p:
            own = p.chromium.executable_path
    except Error as exc:
        raise NoBrowser(f"no usable Chromium ({str(exc).splitlines()[0]}); {fix}") from None
    if own and Path(own).is_file():
        return None
    raise NoBrowser(f"no usable Chromium: neither Playwright's build nor a system one; {fix}")


def _recorded_executable() -> str | None:
    try:
        exe = json.loads(record_path().read_text())["executable"]
    except (OSError, ValueError, KeyError):
        return None
    return exe if exe and Path(exe).exists() else None


def probe(executable: str | None) -> dict:
    """Launch the browser once, open a blank page, report its version. Raises NoBrowser."""
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as p:
            opts = launch_options(executable) if executable else {"headless": True}
            if not executable:
                opts["args"] = launch_options("x")["args"]
            browser = p.chromium.launch(**opts)
            page = browser.new_page()
            page.set_content("<title>ok</title>")
            ok = page.title() == "ok"
            version = browser.version
            browser.close()
    except Error as exc:
        raise NoBrowser(str(exc).splitlines()[0]) from None
    if not ok:
        raise NoBrowser("the browser launched but did not render a page")
    return {"executable": executable, "version": version, "playwright": _playwright_version()}


def _playwright_version() -> str:
    from importlib.metadata import version

    return version("playwright")


def setup(try_download: bool = True, log=print) -> dict:
    """Find, install if needed, and probe a Chromium; record and return what was used."""
    if try_download:
        log("browser: trying Playwright's own Chromium (python -m playwright install chromium)")
        done = subprocess.run(
            [sys.executable, "-m", "playwright", "install", "chromium"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode == 0:
            try:
                info = probe(None) | {"kind": "playwright"}
                return _record(info, log)
            except NoBrowser as exc:
                log(f"browser: Playwright's Chromium did not launch ({exc})")
        else:
            log("browser: Playwright's download is not possible here; using the system Chromium")
    exe = system_chromium()
    if not exe and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("browser: installing Debian's chromium (apt-get install -y chromium)")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        exe = system_chromium()
    if not exe:
        raise NoBrowser(
            "no Chromium found: install one (Debian: sudo apt-get install chromium) or set "
            "EGOVRANK_CHROMIUM=/path/to/chrome, then run `make setup` again"
        )
    info = probe(exe) | {"kind": "system"}
    return _record(info, log)


def _record(info: dict, log) -> dict:
    expected = _expected_major()
    major = int(info["version"].split(".")[0])
    info["expected_major"] = expected
    if expected and abs(major - expected) > 3:
        log(
            f"browser: warning: Chromium {info['version']} is far from the {expected} "
            f"Playwright {info['playwright']} was built for; checks may misbehave"
        )
    record = record_path()
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(info, indent=2))
    log(f"browser: using {info['kind']} Chromium {info['version']} at {info['executable']}")
    return info


def _expected_major() -> int | None:
    """The Chromium major version this Playwright release was built against."""
    try:
        import playwright

        browsers = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
        for b in json.loads(browsers.read_text())["browsers"]:
            if b["name"] == "chromium":
                return int(b["browserVersion"].split(".")[0])
    except (OSError, ValueError, KeyError):
        return None
    return None
