"""Tables declared once, with each column's meaning beside it; migrations in named sets per owner.

Each owner of tables (the kernel, the service catalogue, the browser checks, scoring, review,
campaign) declares its tables here-shaped, beside its own code, and appends migrations to its own
`MigrationSet`, as sqlite-utils' migrations do. The DDL and the data dictionary
(docs/data-dictionary.md, the xlsx sheet, the Datasette metadata) are both generated from the
declarations, so a column cannot exist without a meaning.

    SCORES = MigrationSet("scoring")
    RANKINGS = Table("rankings", "The index and rank ...", [Column("rank", int, "..."), ...])

    @SCORES.migration(legacy=1)
    def m001_scores(db):
        RANKINGS.create(db)

A column added after its table was created names the migration that adds it (`added=`), and that
migration calls `table.add_columns(db, "its name")`. Append migrations; never edit one that has
shipped. `legacy=N` marks what a database from the single numbered list (PRAGMA user_version N,
before the sets) already holds, so it upgrades without re-running anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

_SQL_TYPE = {str: "TEXT", int: "INTEGER", float: "REAL"}


@dataclass(frozen=True)
class Column:
    name: str
    type: type
    meaning: str
    added: str | None = None  # the migration that added it; None: created with the table
    not_null: bool = False
    values: type[StrEnum] | None = None  # a status column's vocabulary (crawler/core/status.py)

    @property
    def described(self) -> str:
        """The meaning, and a status column's values from its vocabulary."""
        if self.values is None:
            return self.meaning
        listed = ", ".join(m.value for m in self.values)
        return f"{self.meaning} One of ({self.values.__name__}): {listed}."


QUARTER = Column("quarter", str, "Quarter assessed, YYYYQn.")
ENTITY = Column("entity_id", str, "Entity id (slug), as in config/entities.")
MODEL_VERSION = Column("model_version", str, "Scoring model version.")


@dataclass(frozen=True)
class Table:
    name: str
    meaning: str
    columns: Sequence[Column]
    pk: tuple[str, ...] = ()
    indexes: Sequence[tuple[str, ...]] = ()
    foreign_keys: Sequence[tuple[str, str, str]] = ()  # (column, other table, other column)

    def sql(self, *, if_not_exists: bool = False) -> list[str]:
        """CREATE TABLE (columns created with the table) and its indexes."""
        cols = [c for c in self.columns if c.added is None]
        fks = {c: (t, o) for c, t, o in self.foreign_keys}
        lines = []
        for c in cols:
            line = f"[{c.name}] {_SQL_TYPE[c.type]}"
            if self.pk == (c.name,):
                line += " PRIMARY KEY"
            if c.not_null:
                line += " NOT NULL"
            if c.name in fks:
                line += f" REFERENCES [{fks[c.name][0]}]([{fks[c.name][1]}])"
            lines.append(line)
        if len(self.pk) > 1:
            lines.append(f"PRIMARY KEY ({', '.join(f'[{k}]' for k in self.pk)})")
        guard = "IF NOT EXISTS " if if_not_exists else ""
        body = ",\n   ".join(lines)
        out = [f"CREATE TABLE {guard}[{self.name}] (\n   {body}\n)"]
        for idx in self.indexes:
            out.append(
                f"CREATE INDEX {guard}[idx_{self.name}_{'_'.join(idx)}] "
                f"ON [{self.name}] ({', '.join(f'[{c}]' for c in idx)})"
            )
        return out

    def create(self, db, *, if_not_exists: bool = False) -> None:
        conn = getattr(db, "conn", db)
        for statement in self.sql(if_not_exists=if_not_exists):
            conn.execute(statement)

    def add_columns(self, db, migration: str) -> None:
        """Add the columns declared `added=migration`."""
        conn = getattr(db, "conn", db)
        for c in self.columns:
            if c.added == migration:
                conn.execute(f"ALTER TABLE [{self.name}] ADD COLUMN [{c.name}] {_SQL_TYPE[c.type]}")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass
class Migration:
    name: str
    apply: Callable
    legacy: int | None  # the old user_version that already included it


@dataclass
class MigrationSet:
    """One owner's tables and its ordered migrations (registered on creation, in import order)."""

    name: str
    tables: list[Table] = field(default_factory=list)
    migrations: list[Migration] = field(default_factory=list)

    def __post_init__(self) -> None:
        register(self)

    def table(self, table: Table) -> Table:
        self.tables.append(table)
        return table

    def migration(self, *, legacy: int | None = None):
        def wrap(fn):
            self.migrations.append(Migration(fn.__name__, fn, legacy))
            return fn

        return wrap


SETS: dict[str, MigrationSet] = {}


def register(mset: MigrationSet) -> None:
    if mset.name in SETS and SETS[mset.name] is not mset:
        raise ValueError(f"migration set {mset.name!r} declared twice")
    SETS[mset.name] = mset


def tables() -> dict[str, Table]:
    """Every declared table of the sets loaded, in set then declaration order."""
    return {t.name: t for s in SETS.values() for t in s.tables}
