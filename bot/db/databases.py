"""Our databases and the modules that declare their tables.

Each database has its own Alembic version table (``alembic_version_<name>``), so two of
them may share one PostgreSQL database without mixing their revisions. The model
modules are imported on demand (by name): ``bot.db`` stays below the packages that own
the tables (``bot.console`` and friends still hold the staff models; see issue 12).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from sqlalchemy import MetaData

#: Rasa's tracker-store table (read by the review, created by Rasa): never ours to migrate.
FOREIGN_TABLES = frozenset({"events"})


@dataclass(frozen=True)
class Database:
    """One of our databases.

    Attributes:
        name: ``knowledge``, ``staff`` or ``telephony`` (also the folder of its revisions).
        base: ``module:attribute`` of its declarative base.
        models: modules whose import registers all of its tables on that base.
        url_env: the environment variable of its URL (documentation and messages).
    """

    name: str
    base: str
    models: tuple[str, ...]
    url_env: str

    @property
    def version_table(self) -> str:
        """Alembic's version table of this database."""
        return f"alembic_version_{self.name}"

    def metadata(self) -> MetaData:
        """The models' metadata (imports the model modules)."""
        for module in self.models:
            importlib.import_module(module)
        module, attribute = self.base.split(":")
        return getattr(importlib.import_module(module), attribute).metadata

    def table_names(self) -> frozenset[str]:
        """Names of the models' tables."""
        return frozenset(self.metadata().tables)


DATABASES: dict[str, Database] = {
    database.name: database
    for database in (
        Database("knowledge", "bot.kb.models:Base", ("bot.kb.models",), "KNOWLEDGE_DB_URL"),
        Database(
            "staff",
            "bot.staffdb:Base",
            ("bot.console.models", "bot.handoff.models", "bot.handoff.notices", "bot.review.models"),
            "STAFF_DB_URL",
        ),
        Database("telephony", "bot.telephony.models:Base", ("bot.telephony.models",), "TELEPHONY_DB_URL"),
    )
}


def database(name: str) -> Database:
    """The database called ``name``.

    Raises:
        KeyError: for a name that is not one of :data:`DATABASES`.
    """
    try:
        return DATABASES[name]
    except KeyError:
        raise KeyError(f"unknown database {name!r} (one of {', '.join(DATABASES)})") from None


def is_ours(table: str, own: Database) -> bool:
    """Whether a table found in ``own``'s database is compared with ``own``'s models.

    Tables of our other databases (when two share one server database), Alembic's
    version tables and Rasa's tracker table are left out; any other table counts, so a
    model that was deleted without a migration shows up as a difference.
    """
    if table in own.table_names():
        return True
    if table.startswith("alembic_version") or table in FOREIGN_TABLES:
        return False
    return not any(table in other.table_names() for other in DATABASES.values() if other is not own)
