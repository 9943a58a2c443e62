"""Kept for existing imports: the engine factory lives in :mod:`bot.db.engine`."""

from bot.db.engine import make_engine

__all__ = ["make_engine"]
