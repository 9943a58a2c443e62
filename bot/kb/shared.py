"""The process's knowledge repository, created on first use (never at import time).

The action server's answers and the phone channel's overflow calls read the knowledge
base through it: one engine per process (:func:`bot.db.engine.get_engine`), results
cached for ``KNOWLEDGE_CACHE_SECONDS`` (60 s), so a reloaded knowledge base is live
within that time.
"""

from __future__ import annotations

import os
from functools import lru_cache

from bot.config import Settings
from bot.db.engine import get_engine
from bot.kb.repository import KnowledgeRepository

#: How long a process keeps knowledge-base answers (env ``KNOWLEDGE_CACHE_SECONDS``).
DEFAULT_CACHE_SECONDS = 60.0


@lru_cache(maxsize=1)
def repository() -> KnowledgeRepository:
    """The process-wide repository; its engine pools connections, sessions are per query."""
    seconds = float(os.environ.get("KNOWLEDGE_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))
    return KnowledgeRepository(get_engine(Settings.from_env().knowledge_db_url, "knowledge"), cache_seconds=seconds)
