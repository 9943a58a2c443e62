"""Runtime settings, read from the environment (never at import time of other modules)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = PROJECT_ROOT / "data" / "knowledge"
TIMEZONE = ZoneInfo("Europe/Berlin")


def utc_now() -> datetime:
    """The current moment as an aware UTC datetime (the one clock of our stored times)."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime | None = None) -> datetime:
    """``moment`` (default: :func:`utc_now`) as an aware UTC datetime.

    Our tables store UTC; SQLite drops the offset, so a naive value (read back from it) is
    taken as UTC, never as local time.
    """
    moment = moment or utc_now()
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)

#: Our databases: environment variable and development default (a SQLite file under
#: ``var/``) of each. This is the one place that reads their URLs; Rasa's tracker store is
#: not ours (its URL comes from the endpoints file Rasa reads, see :mod:`bot.endpoints`).
DATABASE_URLS = {
    "knowledge": ("KNOWLEDGE_DB_URL", PROJECT_ROOT / "var" / "knowledge.db"),
    "staff": ("STAFF_DB_URL", PROJECT_ROOT / "var" / "staff.db"),
    "telephony": ("TELEPHONY_DB_URL", PROJECT_ROOT / "var" / "telephony.db"),
}


def default_database_url(name: str) -> str:
    """The development default of database ``name`` (a SQLite file under ``var/``)."""
    return f"sqlite:///{DATABASE_URLS[name][1]}"


def database_url(name: str, env: Mapping[str, str] | None = None) -> str:
    """The URL of database ``name`` (``knowledge``, ``staff``, ``telephony``) from ``env``
    (default ``os.environ``), else its development default."""
    env = os.environ if env is None else env
    return env.get(DATABASE_URLS[name][0]) or default_database_url(name)


#: Characters of a conversation (sender) id, the same for every channel and the console's routes.
SENDER_ID_CHARS = "A-Za-z0-9_.:@+-"
SENDER_ID_MAX = 128

@dataclass(frozen=True)
class Settings:
    """Settings of one process.

    Attributes:
        knowledge_db_url: SQLAlchemy URL of the knowledge base
            (env ``KNOWLEDGE_DB_URL``; default: SQLite file ``var/knowledge.db``).
        knowledge_dir: folder of the seed YAML files (env ``KNOWLEDGE_DIR``).
    """

    knowledge_db_url: str
    knowledge_dir: Path

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from environment variables with defaults."""
        url = database_url("knowledge")
        directory = Path(os.environ.get("KNOWLEDGE_DIR") or KNOWLEDGE_DIR)
        return cls(knowledge_db_url=url, knowledge_dir=directory)
