"""Alembic, run from code: upgrade our databases, compare them with the models.

* :func:`upgrade` brings one database to the newest revision. A database the old
  ``create_all`` code made (our tables there, no version table) is **stamped** with the
  first revision instead of being created again; tables it lacks are added by that
  revision, which creates only missing tables.
* :func:`schema_diff` lists what differs between a live database and the models
  (Alembic's ``compare_metadata``): empty means the migrations match the models.
* :func:`create_all` is for tests that want a fresh database fast; processes never
  create tables (``python -m bot db upgrade`` does, see :mod:`bot.db.cli`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection, Engine

from bot.db.databases import Database, database, is_ours

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class UpgradeResult:
    """What :func:`upgrade` did to one database."""

    database: str
    before: str | None
    after: str | None
    #: True when an existing database without version table was stamped.
    stamped: bool = False
    #: Differences between the upgraded database and the models (empty: in sync).
    diffs: list[Any] = field(default_factory=list)


def alembic_config(db: Database, connection: Connection | None = None) -> Config:
    """An Alembic configuration for ``db`` (no ``alembic.ini``), bound to ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions" / db.name))
    config.set_main_option("database", db.name)
    config.attributes["connection"] = connection
    return config


def _context(connection: Connection, db: Database) -> MigrationContext:
    return MigrationContext.configure(connection, opts={
        "version_table": db.version_table,
        "compare_type": True,
        "include_name": lambda name, kind, _parents: kind != "table" or is_ours(str(name), db),
    })


def current_revision(connection: Connection, name: str) -> str | None:
    """The revision ``connection``'s database is at (None: not under migrations)."""
    return _context(connection, database(name)).get_current_revision()


def head_revision(name: str) -> str:
    """The newest revision of database ``name``."""
    head = ScriptDirectory.from_config(alembic_config(database(name))).get_current_head()
    assert head is not None, f"no revisions for {name}"
    return head


def baseline_tables(name: str) -> frozenset[str]:
    """The tables the first revision of ``name`` creates (its ``TABLES``)."""
    script = ScriptDirectory.from_config(alembic_config(database(name)))
    base = script.get_revision(_base_revision(script))
    return frozenset(base.module.TABLES)


def _base_revision(script: ScriptDirectory) -> str:
    """The first revision of a migration directory (each of ours has exactly one)."""
    base = script.get_base()
    if base is None:
        raise RuntimeError(f"no migrations in {script.dir}")
    return base


def _legacy(connection: Connection, db: Database) -> bool:
    """Our tables exist, but no version table: made by the old ``create_all`` code."""
    existing = set(inspect(connection).get_table_names())
    return db.version_table not in existing and bool(existing & db.table_names())


def upgrade(engine: Engine, name: str, revision: str = "head") -> UpgradeResult:
    """Upgrade database ``name`` on ``engine`` to ``revision``; stamp it first if it predates migrations."""
    db = database(name)
    with engine.begin() as connection:
        config = alembic_config(db, connection)
        before = current_revision(connection, name)
        stamped = False
        if _legacy(connection, db) and baseline_tables(name) <= set(inspect(connection).get_table_names()):
            command.stamp(config, _base_revision(ScriptDirectory.from_config(config)))
            stamped = True
        command.upgrade(config, revision)
        after = current_revision(connection, name)
    return UpgradeResult(name, before, after, stamped, schema_diff(engine, name))


def schema_diff(engine: Engine, name: str, metadata: MetaData | None = None) -> list[Any]:
    """Differences between the database on ``engine`` and ``metadata`` (default: the models)."""
    db = database(name)
    with engine.connect() as connection:
        return list(compare_metadata(_context(connection, db), metadata if metadata is not None else db.metadata()))


def describe(diff: Any) -> str:
    """One line for a difference from :func:`schema_diff` (e.g. ``add_column notices.pinned``)."""
    if isinstance(diff, list):  # column changes come as a list of tuples
        return "; ".join(describe(item) for item in diff)
    kind = diff[0]
    if kind in ("add_table", "remove_table"):
        return f"{kind} {diff[1].name}"
    if kind in ("add_column", "remove_column"):
        return f"{kind} {diff[2]}.{diff[3].name}"
    if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint"):
        return f"{kind} {diff[1].name} on {diff[1].table.name}"
    if kind.startswith("modify_"):
        return f"{kind} {diff[2]}.{diff[3]}: {diff[5]!r} -> {diff[6]!r}"
    return " ".join(str(part) for part in diff)


def create_all(engine: Engine, name: str) -> None:
    """Create the tables of ``name`` from the models, without migrations (tests only)."""
    database(name).metadata().create_all(engine)


def new_revision(engine: Engine, name: str, message: str) -> str | None:
    """Write a revision for what the models changed against the (upgraded) database on ``engine``."""
    db = database(name)
    with engine.begin() as connection:
        script = command.revision(alembic_config(db, connection), message=message, autogenerate=True)
    if isinstance(script, list):
        script = script[0]
    return None if script is None else str(script.path)
