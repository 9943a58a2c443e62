"""``python -m bot console`` user commands, on a real SQLite staff database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.console.passwords import verify_password
from bot.db.engine import get_engine
from bot.db.migrate import create_all
from bot.staff import session_factory
from bot.staff.models import AuditEntry, ConsoleUser
from tests.schema import with_tables


@pytest.fixture
def staff_env(tmp_path: Path, monkeypatch) -> str:
    url = with_tables(f"sqlite:///{tmp_path / 'staff.db'}", "staff")
    monkeypatch.setenv("STAFF_DB_URL", url)
    monkeypatch.delenv("CONSOLE_ENV", raising=False)
    return url


def _users(url: str) -> dict[str, ConsoleUser]:
    engine = get_engine(url)
    create_all(engine, "staff")
    try:
        with session_factory(engine)() as session:
            return {user.username: user for user in session.scalars(select(ConsoleUser))}
    finally:
        engine.dispose()


def _audit(url: str) -> list[tuple[str, str, str]]:
    engine = get_engine(url)
    try:
        with session_factory(engine)() as session:
            return [(a.actor, a.action, a.target) for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    finally:
        engine.dispose()


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_user_lifecycle(staff_env: str, monkeypatch, capsys) -> None:
    _stdin(monkeypatch, "erstes-langes-passwort\n")
    assert main(["console", "create-user", "Anna", "--role", "agent", "--role", "reviewer",
                 "--display-name", "Frau Maier", "--password-stdin"]) == 0
    anna = _users(staff_env)["anna"]
    assert anna.roles == "agent,reviewer" and anna.display_name == "Frau Maier"
    assert verify_password(anna.password_hash, "erstes-langes-passwort")
    assert main(["console", "set-roles", "anna", "--role", "admin"]) == 0
    _stdin(monkeypatch, "zweites-langes-passwort\n")
    assert main(["console", "set-password", "anna", "--password-stdin"]) == 0
    assert main(["console", "disable", "anna"]) == 0
    assert not _users(staff_env)["anna"].active
    assert main(["console", "enable", "anna"]) == 0
    assert main(["console", "unlock", "anna"]) == 0
    anna = _users(staff_env)["anna"]
    assert anna.active and anna.roles == "admin" and verify_password(anna.password_hash, "zweites-langes-passwort")
    capsys.readouterr()
    assert main(["console", "list-users"]) == 0
    assert "anna" in capsys.readouterr().out
    actions = [action for actor, action, _ in _audit(staff_env) if actor == "cli"]
    assert actions == ["user_created"] + ["user_changed"] * 5


def test_bad_input_is_refused(staff_env: str, monkeypatch, capsys) -> None:
    _stdin(monkeypatch, "kurz\n")
    assert main(["console", "create-user", "anna", "--role", "agent", "--password-stdin"]) == 2
    assert "mindestens 12 Zeichen" in capsys.readouterr().err
    _stdin(monkeypatch, "")
    assert main(["console", "create-user", "anna", "--role", "agent", "--password-stdin"]) == 2
    assert main(["console", "unlock", "niemand"]) == 2
    assert _users(staff_env) == {}
    with pytest.raises(SystemExit):
        main(["console", "create-user", "anna", "--role", "gott"])


def test_passwords_typed_twice_must_match(staff_env: str, monkeypatch) -> None:
    answers = iter(["ein-langes-passwort-1", "ein-langes-passwort-2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["console", "create-user", "anna", "--role", "agent"]) == 2
    assert _users(staff_env) == {}


def test_dev_user_only_once_and_never_in_production(staff_env: str, monkeypatch, capsys, tmp_path) -> None:
    password_file = tmp_path / "secrets" / "console-dev-password"
    monkeypatch.setenv("CONSOLE_DEV_PASSWORD_FILE", str(password_file))
    monkeypatch.setenv("CONSOLE_ENV", "production")
    assert main(["console", "dev-user"]) == 2
    monkeypatch.setenv("CONSOLE_ENV", "prod")  # a typo never means development
    assert main(["console", "dev-user"]) == 2
    monkeypatch.delenv("CONSOLE_ENV")
    assert main(["console", "dev-user", "--host", "0.0.0.0"]) == 2  # production outside localhost
    assert _users(staff_env) == {}
    monkeypatch.setenv("CONSOLE_ENV", "development")
    assert main(["console", "dev-user"]) == 0
    out = capsys.readouterr().out
    password = password_file.read_text().strip()
    assert password not in out and str(password_file) in out  # never on stdout (journals, CI logs)
    assert password_file.stat().st_mode & 0o777 == 0o600
    admin = _users(staff_env)["admin"]
    assert admin.roles == "agent,reviewer,admin" and verify_password(admin.password_hash, password)
    assert main(["console", "dev-user"]) == 0
    assert "exist already" in capsys.readouterr().out
    assert len(_users(staff_env)) == 1
