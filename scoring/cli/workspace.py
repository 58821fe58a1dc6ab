"""`egovrank init` and `egovrank config show`: an operator's workspace and where config comes from."""

from __future__ import annotations

import click

from crawler.core import paths
from scoring.cli.common import emit, format_option, progress


@click.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite a config already in DIRECTORY.")
def init(directory, force):
    """Write an editable copy of the config into a workspace, with its output/ folder."""
    written = paths.init_workspace(directory, force=force)
    for path in written:
        progress(f"init: wrote {path}")
    progress(
        f"init: workspace ready; use it with `egovrank --workspace {directory} ...` "
        f"or `export {paths.HOME_ENV}={directory}`; the database goes to {directory}/output/"
    )


@click.group()
def config():
    """The config files in use."""


@config.command("show")
@format_option("table", "json")
def show(fmt):
    """Each config file in use and where it came from (flag, workspace, ./config, shipped)."""
    rows = []
    for name in paths.CONFIG_FILES:
        path, source = paths.resolve(name)
        rows.append({"config": name, "source": source, "path": str(path.resolve())})
    rows.append(
        {"config": "output", "source": "workspace" if paths.workspace() else "./output",
         "path": str(paths.output_dir().resolve())}
    )  # fmt: skip
    emit(rows, fmt, ["config", "source", "path"])
    if fmt == "table":
        progress(
            "order: command-line flag (--entities, --model, --config), then the workspace "
            f"(--workspace or {paths.HOME_ENV}), then ./config/, then the shipped defaults"
        )
