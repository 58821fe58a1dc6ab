"""Where egovrank finds its config and writes its output, from any working directory.

One resolution order for every config file (`egovrank config show` prints it):
  1. the command-line flag (--entities, --model, --config), when given;
  2. the workspace: --workspace DIR or EGOVRANK_HOME, its config/ folder;
  3. ./config/ when run from a project folder (a checkout, or any folder with a config/);
  4. the defaults shipped inside the package (crawler/defaults in the wheel, config/ in a checkout).
Output (database, evidence, reports, logs) goes under WORKSPACE/output/ with a workspace,
else ./output/. The workspace lives in the environment so `egovrank run`'s stage subprocesses
and the Scrapy process see the same one.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "EGOVRANK_HOME"
# The config a run needs; a workspace created by `egovrank init` holds an editable copy of each.
CONFIG_FILES = {
    "entities": "entities",
    "criteria": "criteria.yaml",
    "crawl": "crawl.yaml",
    "keywords": "keywords.yaml",
    "catalogues": "catalogues.yaml",
    "labels": "labels.yaml",
}
# setup.py maps the repository's config/ to the package crawler.defaults in the wheel.
SHIPPED_CONFIG = Path(__file__).resolve().parents[1] / "defaults"
CHECKOUT_CONFIG = Path(__file__).resolve().parents[2] / "config"


def workspace() -> Path | None:
    home = os.environ.get(HOME_ENV)
    return Path(home).expanduser() if home else None


def shipped_config() -> Path:
    """The defaults inside the installed package; in a checkout, the repository's config/."""
    return SHIPPED_CONFIG if (SHIPPED_CONFIG / "criteria.yaml").is_file() else CHECKOUT_CONFIG


def candidates(name: str) -> list[tuple[str, Path]]:
    """(source, path) for one config file, in resolution order, after the command-line flag."""
    rel = CONFIG_FILES[name]
    found = []
    home = workspace()
    if home is not None:
        found.append((f"workspace ({HOME_ENV}={home})", home / "config" / rel))
    found.append(("project folder (./config)", Path("config") / rel))
    found.append(("shipped defaults", shipped_config() / rel))
    return found


def resolve(name: str, flag: str | Path | None = None) -> tuple[Path, str]:
    """The file to use for `name` and where it came from; a flag always wins, even if missing
    (the loader then names it in its error)."""
    if flag:
        return Path(flag), "command-line flag"
    for source, path in candidates(name):
        if path.exists():
            return path, source
    source, path = candidates(name)[-1]
    return path, source


def config_path(name: str, flag: str | Path | None = None) -> Path:
    return resolve(name, flag)[0]


def output_dir() -> Path:
    home = workspace()
    return home / "output" if home is not None else Path("output")


def init_workspace(root: str | Path, *, force: bool = False) -> list[Path]:
    """Copy the config in use into ROOT/config (an operator's editable copy) and make
    ROOT/output; refuses to overwrite an existing config unless forced. Returns what it wrote."""
    import shutil

    from crawler.core.errors import InputError

    root = Path(root)
    target = root / "config"
    if target.exists() and any(target.iterdir()) and not force:
        raise InputError(f"{target}: a workspace config is already there; edit it, or pass --force")
    written = []
    for name, rel in CONFIG_FILES.items():
        source = config_path(name)
        dest = target / rel
        if source.is_dir():
            shutil.copytree(source, dest, dirs_exist_ok=True)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
        written.append(dest)
    (root / "output").mkdir(parents=True, exist_ok=True)
    return written
