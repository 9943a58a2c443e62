"""Access to the knowledge base from actions (engine created on first use, not at import)."""

from __future__ import annotations

import os
from functools import lru_cache

from bot.config import Settings
from bot.db.engine import get_engine
from bot.kb.repository import KnowledgeRepository

#: How long the action server keeps knowledge-base answers (env KNOWLEDGE_CACHE_SECONDS).
DEFAULT_CACHE_SECONDS = 60.0


@lru_cache(maxsize=1)
def repository() -> KnowledgeRepository:
    """The process-wide repository; its engine pools connections, sessions are per query.

    Results are cached for a minute: a reloaded knowledge base is live within that time.
    """
    seconds = float(os.environ.get("KNOWLEDGE_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))
    return KnowledgeRepository(get_engine(Settings.from_env().knowledge_db_url), cache_seconds=seconds)
