"""Shared secrets of the processes: from the environment or from files, never from argv.

Each secret has a name such as ``RASA_AUTH_TOKEN``. Its value is taken from

1. the environment variable of that name (containers, systemd ``LoadCredential``), else
2. the file named by ``<NAME>_FILE``, else
3. the file ``var/secrets/<name>`` (lower case, ``-`` for ``_``), which
   ``python -m bot secrets init`` (run by ``make run``) creates with a random value
   and mode 0600.

Values never appear in process arguments or URLs: servers read them here, clients
send them in an ``Authorization: Bearer`` header.
"""

from __future__ import annotations

import hmac
import os
import secrets as random_tokens
from collections.abc import Mapping
from pathlib import Path

from bot.config import PROJECT_ROOT

SECRETS_DIR = PROJECT_ROOT / "var" / "secrets"
#: Shortest secret accepted (characters).
MIN_LENGTH = 16

#: Rasa's HTTP API (``/conversations``, ``/model``, ``/status``): the console and tools send it.
RASA_AUTH_TOKEN = "RASA_AUTH_TOKEN"  # noqa: S105 - names of secrets, not secrets
#: Rasa → action server (``POST /webhook``).
ACTION_SERVER_TOKEN = "ACTION_SERVER_TOKEN"  # noqa: S105
#: Key that signs the web chat's session credentials (``channels/socketio_input.py``).
WEBCHAT_SESSION_KEY = "WEBCHAT_SESSION_KEY"

#: The secrets ``make run`` creates when none is given.
LOCAL_SECRETS = (RASA_AUTH_TOKEN, ACTION_SERVER_TOKEN, WEBCHAT_SESSION_KEY)


class MissingSecret(RuntimeError):
    """A secret is not configured, or too short; the message names the variable."""


def secret_file(name: str, env: Mapping[str, str] | None = None) -> Path:
    """The file that holds ``name`` when the environment does not."""
    env = os.environ if env is None else env
    given = env.get(f"{name}_FILE")
    return Path(given) if given else SECRETS_DIR / name.lower().replace("_", "-")


def read_secret(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """The secret's value, or ``None`` when it is configured nowhere.

    Raises:
        MissingSecret: when a value is configured but shorter than :data:`MIN_LENGTH`.
    """
    env = os.environ if env is None else env
    value = env.get(name)
    if not value:
        path = secret_file(name, env)
        value = path.read_text(encoding="utf-8").strip() if path.is_file() else None
    if value is not None and len(value) < MIN_LENGTH:
        raise MissingSecret(f"{name} must have at least {MIN_LENGTH} characters")
    return value or None


def require_secret(name: str, env: Mapping[str, str] | None = None) -> str:
    """The secret's value.

    Raises:
        MissingSecret: when it is not configured (the message says how to set it).
    """
    value = read_secret(name, env)
    if value is None:
        raise MissingSecret(
            f"{name} is not set: set the environment variable, {name}_FILE, or run "
            f"`python -m bot secrets init` (creates {secret_file(name, env)})"
        )
    return value


def ensure_secret_file(name: str, env: Mapping[str, str] | None = None) -> Path | None:
    """Create ``var/secrets/<name>`` with a random value unless the secret is configured.

    Returns the path written, or ``None`` when nothing had to be written.
    """
    if read_secret(name, env) is not None:
        return None
    path = secret_file(name, env)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(random_tokens.token_urlsafe(32) + "\n")
    return path


def bearer_matches(header: str | None, expected: str) -> bool:
    """True if ``header`` is ``Bearer <expected>`` (scheme in any case, constant-time comparison)."""
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8"))


def bearer_header(token: str) -> dict[str, str]:
    """The request header that carries ``token``."""
    return {"Authorization": f"Bearer {token}"}
