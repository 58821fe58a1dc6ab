"""`egovrank db`: create, migrate and describe the database."""

from __future__ import annotations

import click

from crawler.core import store
from scoring.cli.common import db_option


@click.group()
def db():
    """The SQLite database all stages share."""


@db.command()
@db_option
def init(db_path):
    """Create the database (or bring it to the current schema)."""
    database = store.connect(db_path)
    click.echo(f"{db_path}: schema {store.describe_schema(database)}")


@db.command()
@db_option
def migrate(db_path):
    """Apply pending migrations to an existing database."""
    database = store.connect(db_path, create=False)
    click.echo(f"{db_path}: at schema {store.describe_schema(database)}")


@db.command()
@db_option
def info(db_path):
    """Schema version, tables and row counts, and the latest runs."""
    database = store.connect(db_path, create=False)
    click.echo(f"{db_path}: schema {store.describe_schema(database)}")
    for name, count in store.table_counts(database).items():
        click.echo(f"  {name:<18} {count:>9} rows")
    runs = list(database.query("select * from runs order by id desc limit 5"))
    for r in runs:
        click.echo(f"  run {r['id']}: {r['quarter']} {r['stage']} {r['status']} {r['started_at']}")


@db.command()
def dictionary():
    """Print the data dictionary (markdown): every table and column."""
    from scoring.dictionary import markdown

    click.echo(markdown())
