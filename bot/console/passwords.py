"""Password hashing of staff users: argon2id (argon2-cffi) with a minimum length."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

#: Shortest password the console accepts.
MIN_PASSWORD_LENGTH = 12
#: Longest password (argon2 would take any length; this bounds the work per login).
MAX_PASSWORD_LENGTH = 256


class WeakPassword(ValueError):
    """The password is too short or too long; the message says why (in German, shown to staff)."""


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """The argon2id hasher with argon2-cffi's recommended parameters (RFC 9106 low-memory)."""
    return PasswordHasher()


#: Common passwords of 12 characters or more and the words they are built from
#: (lower case, compared after removing digits and punctuation at the ends).
COMMON = frozenset({
    "password", "passwort", "qwertzuiop", "qwertyuiop", "asdfghjkl", "yxcvbnm", "letmein", "welcome",
    "willkommen", "administrator", "admin", "stuttgart", "buergertelefon", "bürgertelefon", "sommer",
    "winter", "fruehling", "frühling", "herbst", "geheim", "hallo", "iloveyou", "ichliebedich",
    "fussball", "fußball", "schalke", "bayern", "vfbstuttgart", "vfb", "changeme", "default", "test",
    "benutzer", "konsole", "service", "sicherheit", "kennwort", "monkey", "dragon", "master",
})


def check_strength(password: str, username: str = "") -> None:
    """Raise :class:`WeakPassword` for a password the console does not accept.

    12–256 characters, not built from a common password or the user name, and not a
    run of one or two characters ("aaaaaaaaaaaa", "123456789012" counts as common).
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"Das Passwort darf höchstens {MAX_PASSWORD_LENGTH} Zeichen lang sein.")
    lowered = password.lower()
    core = lowered.strip("0123456789!?.,;:-_+*#@$%&/()=\" ")
    name = username.strip().lower()
    if (core in COMMON or not core or len(set(lowered)) <= 3 or lowered in "12345678901234567890"
            or (len(name) >= 3 and name in lowered)):
        raise WeakPassword("Dieses Passwort ist zu leicht zu erraten. Bitte wählen Sie ein anderes.")


def hash_password(password: str, username: str = "") -> str:
    """The argon2id hash of an accepted password.

    Raises:
        WeakPassword: for a password that is too short or too long.
    """
    check_strength(password, username)
    return hasher().hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher().hash("dummy password for unknown users")


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; for ``None`` (unknown user) a dummy hash is verified.

    Unknown users thus cost the same time as known ones, so the answer time does not
    reveal which user names exist.
    """
    candidate = password[:MAX_PASSWORD_LENGTH]
    try:
        return hasher().verify(password_hash or _dummy_hash(), candidate) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True if the hash was made with older parameters."""
    try:
        return hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return False
