"""`egovrank entities`: list and validate the registry."""

from __future__ import annotations

import click

from crawler.core.registry import GROUPS, load_registry
from scoring.cli.common import emit, entities_option, format_option, quarter_option

COLUMNS = ["id", "group", "name_vi", "name_en", "portal_url", "dvc_url", "valid_from", "valid_to"]


@click.group()
def entities():
    """The entity registry (config/entities)."""


@entities.command("list")
@quarter_option()
@click.option("--group", type=click.Choice(GROUPS), default=None, help="Only this group.")
@entities_option
@format_option("table", "json", "csv")
def list_(quarter, group, entities_path, fmt):
    """The entities assessed in a quarter (those valid on its last day)."""
    registry = load_registry(entities_path)
    rows = [e.model_dump(mode="json") for e in registry.for_quarter(quarter, group)]
    emit(rows, fmt, None if fmt == "json" else COLUMNS)


@entities.command()
@click.argument("path", required=False, type=click.Path())
def validate(path):
    """Check a registry file or folder; prints a summary or one error line."""
    registry = load_registry(path)
    by_group = {g: sum(e.group == g for e in registry.entities) for g in GROUPS}
    summary = ", ".join(f"{n} {g}" for g, n in by_group.items() if n or g != "commune")
    click.echo(f"{registry.source}: {len(registry.entities)} entries valid ({summary})")
