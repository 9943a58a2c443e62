"""Our databases and the metadata of their tables.

Each database has its own Alembic version table (``alembic_version_<name>``), so two of
them may share one PostgreSQL database without mixing their revisions. This module
imports the model modules (which import only their declarative bases, never ``bot.db``),
so importing it registers every table; :mod:`bot.db.engine` stays free of models.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import MetaData

import bot.handoff.models
import bot.handoff.notices
import bot.kb.models
import bot.review.models
import bot.staff
import bot.staff.models
import bot.telephony.models
from bot.config import DATABASE_URLS

#: Rasa's tracker-store table (read by the review, created by Rasa): never ours to migrate.
FOREIGN_TABLES = frozenset({"events"})


@dataclass(frozen=True)
class Database:
    """One of our databases.

    Attributes:
        name: ``knowledge``, ``staff`` or ``telephony`` (also the folder of its revisions).
        tables: the metadata of its declarative base (every model module imported above).
    """

    name: str
    tables: MetaData

    @property
    def url_env(self) -> str:
        """The environment variable of its URL (``bot.config.DATABASE_URLS``)."""
        return DATABASE_URLS[self.name][0]

    @property
    def version_table(self) -> str:
        """Alembic's version table of this database."""
        return f"alembic_version_{self.name}"

    def metadata(self) -> MetaData:
        """The models' metadata."""
        return self.tables

    def table_names(self) -> frozenset[str]:
        """Names of the models' tables."""
        return frozenset(self.metadata().tables)


DATABASES: dict[str, Database] = {
    database.name: database
    for database in (
        Database("knowledge", bot.kb.models.Base.metadata),
        Database("staff", bot.staff.Base.metadata),
        Database("telephony", bot.telephony.models.Base.metadata),
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
