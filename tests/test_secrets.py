"""Secrets from the environment or 0600 files, constant-time bearer checks, the guard's public paths."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy.exc import IntegrityError

from bot.db.engine import get_engine
from bot.secrets import MissingSecret, bearer_matches, ensure_secret_file, read_secret, require_secret, secret_file
from bot.server.guard import is_public
from bot.server.rasa_server import public_prefixes


def test_a_secret_comes_from_the_environment_or_a_private_file(tmp_path) -> None:
    env = {"RASA_AUTH_TOKEN_FILE": str(tmp_path / "secrets" / "rasa")}
    assert read_secret("RASA_AUTH_TOKEN", env) is None
    with pytest.raises(MissingSecret, match="RASA_AUTH_TOKEN"):
        require_secret("RASA_AUTH_TOKEN", env)
    path = ensure_secret_file("RASA_AUTH_TOKEN", env)
    assert path == secret_file("RASA_AUTH_TOKEN", env)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    value = require_secret("RASA_AUTH_TOKEN", env)
    assert len(value) >= 32 and ensure_secret_file("RASA_AUTH_TOKEN", env) is None  # kept, not replaced
    assert read_secret("RASA_AUTH_TOKEN", {**env, "RASA_AUTH_TOKEN": "z" * 20}) == "z" * 20
    with pytest.raises(MissingSecret, match="at least"):
        read_secret("RASA_AUTH_TOKEN", {"RASA_AUTH_TOKEN": "kurz"})


def test_bearer_tokens_match_exactly() -> None:
    token = "s" * 32
    assert bearer_matches(f"Bearer {token}", token)
    for header in (None, "", token, f"Bearer {token[:-1]}", f"Bearer {token}x", f"Basic {token}", f"bearer{token}"):
        assert not bearer_matches(header, token)


def test_only_the_citizen_endpoints_are_public() -> None:
    class SocketChannel:
        socketio_path = "/socket.io"

    prefixes = public_prefixes([SocketChannel()])
    for path in ("/webhooks/rest/webhook", "/webhooks/audiocodes/webhook", "/socket.io/"):
        assert is_public(path, prefixes), path
    for path in ("/", "/version", "/status", "/conversations/x/tracker", "/model", "/domain",
                 "/webhooks/../conversations/x/tracker", "/webhooks%2F..%2Fstatus", "/socket.iox"):
        assert not is_public(path, prefixes), path


def test_database_errors_never_carry_the_values(tmp_path) -> None:
    """L2: an SQL error logged with logger.exception shows no phone number or e-mail address."""
    for url in (f"sqlite:///{tmp_path / 'file.db'}", "sqlite://"):
        engine = get_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (phone TEXT UNIQUE)")
            connection.exec_driver_sql("INSERT INTO t VALUES ('+49711123456')")
        with pytest.raises(IntegrityError) as failure, engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO t VALUES (?)", ("+49711123456",))
        assert "+49711123456" not in str(failure.value)
        engine.dispose()
