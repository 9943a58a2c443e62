"""Access to the knowledge base from actions (engine created on first use, not at import)."""

from __future__ import annotations

from functools import lru_cache

from bot.config import Settings
from bot.kb.database import make_engine
from bot.kb.repository import KnowledgeRepository


@lru_cache(maxsize=1)
def repository() -> KnowledgeRepository:
    """The process-wide repository; its engine pools connections, sessions are per query."""
    return KnowledgeRepository(make_engine(Settings.from_env().knowledge_db_url))
