"""Shared fixtures: knowledge bases built from the real seed files (SQLite, PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.config import KNOWLEDGE_DIR
from bot.db.engine import dispose_all, get_engine
from bot.kb.repository import KnowledgeRepository
from bot.kb.seed import Seed, load_seed, parse_directory

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(autouse=True)
def _dispose_engines() -> Iterator[None]:
    """Each test's engines (one per URL and process, :func:`bot.db.engine.get_engine`) are
    closed after it, so no pool outlives its temporary database."""
    yield
    dispose_all()


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The project's real seed folder."""
    return KNOWLEDGE_DIR


@pytest.fixture
def seed(seed_dir: Path) -> Seed:
    """The real seed files, parsed and validated (fresh objects per test)."""
    return parse_directory(seed_dir)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of an empty SQLite database file."""
    return f"sqlite:///{tmp_path / 'knowledge.db'}"


@pytest.fixture
def sqlite_engine(sqlite_url: str, seed: Seed) -> Iterator[Engine]:
    """A SQLite knowledge base loaded from the real seed files."""
    engine = get_engine(sqlite_url)
    load_seed(engine, seed)
    yield engine
    engine.dispose()


@pytest.fixture
def repo(sqlite_engine: Engine) -> KnowledgeRepository:
    """Repository over the SQLite knowledge base."""
    return KnowledgeRepository(sqlite_engine)


def _postgres_available() -> str | None:
    try:
        import psycopg2
    except ImportError:  # pragma: no cover - pinned dependency
        return "psycopg2 is not installed"
    try:
        psycopg2.connect(POSTGRES_ADMIN_URL, connect_timeout=2).close()
    except psycopg2.OperationalError as error:
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {error}".strip()
    return None


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the local server, dropped afterwards."""
    yield from _fresh_postgres_database()


@pytest.fixture(scope="module")
def postgres_url_module() -> Iterator[str]:
    """Like ``postgres_url``, shared by one test module."""
    yield from _fresh_postgres_database()


def _fresh_postgres_database() -> Iterator[str]:
    reason = _postgres_available()
    if reason:
        pytest.skip(reason)
    import psycopg2
    from psycopg2 import sql

    name = f"buergertelefon_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(POSTGRES_ADMIN_URL)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()
