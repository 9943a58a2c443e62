"""``python -m bot console`` subcommands for staff users (audited with actor ``cli``).

    create-user NAME --role agent [--role admin] [--display-name "Frau Maier"] [--password-stdin]
    set-password NAME [--password-stdin]      set-roles NAME --role …
    disable NAME | enable NAME | unlock NAME  list-users
    dev-user    development only: create "admin" (all roles, random password printed once)
                when no user exists; refused with CONSOLE_ENV=production

Each subcommand parser gets ``set_defaults(handler=<function(args) -> int>)``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.config import database_url
from bot.console.passwords import WeakPassword
from bot.console.sessions import end_user_sessions
from bot.console.settings import ConsoleSettingsError, is_production
from bot.console.users import UserError, count_users, create_user, get_user, list_users, set_password, set_roles, unlock
from bot.db.engine import get_engine
from bot.secrets import secret_file
from bot.staff import session_factory, staff_db_url
from bot.staff.audit import record_audit
from bot.staff.models import ROLES, ConsoleUser

ACTOR = "cli"
#: Where ``dev-user`` writes the development password (``CONSOLE_DEV_PASSWORD_FILE`` overrides).
DEV_PASSWORD = "CONSOLE_DEV_PASSWORD"  # noqa: S105 - the name of the variable, not a password


class PasswordInputError(ValueError):
    """No usable password was entered."""


def read_password(from_stdin: bool, prompt: str = "Passwort: ") -> str:
    """The new password: one line from stdin, or typed twice without echo.

    Raises:
        PasswordInputError: when the two entries differ or stdin is empty.
    """
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise PasswordInputError("no password on stdin")
        return password
    first = getpass.getpass(prompt)
    second = getpass.getpass("Passwort wiederholen: ")
    if first != second:
        raise PasswordInputError("the passwords differ")
    return first


def _run(work: Callable[[Session], str]) -> int:
    """``work`` in one transaction on the staff database; prints its message or the error."""
    engine = get_engine(staff_db_url(), "staff")
    try:
        with session_factory(engine)() as session, session.begin():
            message = work(session)
    except (UserError, WeakPassword, PasswordInputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(message)
    return 0


def _create(args: argparse.Namespace) -> int:
    try:
        password = read_password(args.password_stdin)
    except PasswordInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    def work(session: Session) -> str:
        user = create_user(session, args.name, password, args.role, args.display_name)
        record_audit(session, ACTOR, "user_created", f"user:{user.username}", f"roles:{user.roles}")
        return f"created user {user.username} ({user.roles})"

    return _run(work)


def _set_password(args: argparse.Namespace) -> int:
    try:
        password = read_password(args.password_stdin, "Neues Passwort: ")
    except PasswordInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    def work(session: Session) -> str:
        user = get_user(session, args.name)
        set_password(user, password)
        end_user_sessions(session, user.id)
        record_audit(session, ACTOR, "user_changed", f"user:{user.username}", "password")
        return f"password of {user.username} changed (sessions ended)"

    return _run(work)


def _change(action: str) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        def work(session: Session) -> str:
            user = get_user(session, args.name)
            detail = action
            if action == "roles":
                set_roles(user, args.role)
                end_user_sessions(session, user.id)
                detail = f"roles:{user.roles}"
            elif action == "disable":
                user.active = False
                end_user_sessions(session, user.id)
            elif action == "enable":
                user.active = True
            else:
                unlock(user)
            record_audit(session, ACTOR, "user_changed", f"user:{user.username}", detail)
            return f"{user.username}: {detail}"

        return _run(work)

    return handler


def _list(_: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        lines = [_describe(user) for user in list_users(session)]
        return "\n".join(lines) if lines else "no users"

    return _run(work)


def _describe(user: ConsoleUser) -> str:
    state = "active" if user.active else "disabled"
    if user.locked_until is not None:
        state += f", locked until {user.locked_until:%Y-%m-%d %H:%M} UTC"
    return f"{user.username:20s} {user.roles:24s} {state:10s} {user.display_name}"


def dev_user_password(env: dict | None = None, host: str | None = None) -> str | None:
    """Create the development admin if allowed; returns its password, None if nothing was done.

    Raises:
        UserError: in production mode (``CONSOLE_ENV=production``, or unset on a
            non-loopback ``host``).
    """
    env = dict(os.environ) if env is None else env
    host = host or env.get("CONSOLE_HOST") or "127.0.0.1"
    try:
        production = is_production(env, host)
    except ConsoleSettingsError as error:
        raise UserError(str(error)) from error
    if production:
        raise UserError("dev-user is not available in production mode; use create-user")
    engine = get_engine(database_url("staff", env), "staff")
    try:
        with session_factory(engine)() as session, session.begin():
            if count_users(session) > 0:
                return None
            password = secrets.token_urlsafe(15)
            create_user(session, "admin", password, ROLES, "Team Bürgertelefon")
            record_audit(session, ACTOR, "user_created", "user:admin", "development user, all roles")
            return password
    finally:
        engine.dispose()


def _dev_user(args: argparse.Namespace) -> int:
    try:
        password = dev_user_password(host=args.host)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if password is None:
        print("console users exist already; no development user created")
        return 0
    # The password goes to a file only the owner can read, never to stdout (journals, CI logs).
    path = secret_file(DEV_PASSWORD)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    print(f"Development console user: admin, password in {path} (mode 0600; change it with set-password)")
    return 0


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands."""
    create = actions.add_parser("create-user", help="create a console user")
    create.add_argument("name")
    create.add_argument("--role", action="append", required=True, choices=ROLES, help="repeat for several roles")
    create.add_argument("--display-name", help="the name citizens see (default: the user name)")
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    create.set_defaults(handler=_create)
    password = actions.add_parser("set-password", help="set a new password (ends the user's sessions)")
    password.add_argument("name")
    password.add_argument("--password-stdin", action="store_true")
    password.set_defaults(handler=_set_password)
    roles = actions.add_parser("set-roles", help="replace the roles of a user")
    roles.add_argument("name")
    roles.add_argument("--role", action="append", required=True, choices=ROLES)
    roles.set_defaults(handler=_change("roles"))
    for name, text in (("disable", "disable a user"), ("enable", "enable a user"),
                       ("unlock", "end a lockout after wrong passwords")):
        command = actions.add_parser(name, help=text)
        command.add_argument("name")
        command.set_defaults(handler=_change(name))
    actions.add_parser("list-users", help="list console users").set_defaults(handler=_list)
    dev = actions.add_parser("dev-user", help="development only: create 'admin' when no user exists")
    dev.add_argument("--host", help="the console's listen address (production mode unless loopback)")
    dev.set_defaults(handler=_dev_user)
