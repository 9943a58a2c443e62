"""Session credentials of the web chat: issued by the server, never derived from the sender id.

A browser keeps one opaque credential per conversation (``session_confirm`` gives it,
``session_request``, ``user_uttered``, ``history_request`` and ``feedback`` send it
back). It is ``r || mac``: 32 random hex digits and their HMAC under the server's key
(``WEBCHAT_SESSION_KEY``, shared by all replicas). The conversation's sender id — what
the tracker store, logs and the staff console see — is a second, separate HMAC of
``r``. Knowing a sender id therefore gives no credential (that would need ``r`` and the
key), and a credential the server did not issue fails the MAC and gets a new session.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets

from bot.secrets import WEBCHAT_SESSION_KEY, read_secret

logger = logging.getLogger(__name__)

CREDENTIAL_PATTERN = re.compile(r"^[0-9a-f]{64}$")
_RANDOM_HEX = 32


class SessionCredentials:
    """Issue and check credentials with one key."""

    def __init__(self, key: bytes) -> None:
        """``key``: at least 16 bytes; the same on every replica."""
        if len(key) < 16:
            raise ValueError("the web chat's session key must have at least 16 bytes")
        self._key = key

    @classmethod
    def from_env(cls) -> SessionCredentials:
        """The key of ``WEBCHAT_SESSION_KEY`` (see :mod:`bot.secrets`).

        Without one, a random key for this process: sessions then survive a reload but
        not a restart, and replicas cannot share them (a warning says so).
        """
        key = read_secret(WEBCHAT_SESSION_KEY)
        if key is None:
            logger.warning("WEBCHAT_SESSION_KEY is not set: web-chat sessions end when this process restarts")
            return cls(secrets.token_bytes(32))
        return cls(key.encode("utf-8"))

    def _mac(self, purpose: bytes, value: str) -> str:
        return hmac.new(self._key, purpose + value.encode("ascii"), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> tuple[str, str]:
        """A new ``(credential, sender_id)``."""
        nonce = secrets.token_hex(_RANDOM_HEX // 2)
        return nonce + self._mac(b"credential:", nonce), self._mac(b"sender:", nonce)

    def sender_of(self, credential: object) -> str | None:
        """The sender id of a credential this server issued; ``None`` for anything else."""
        if not isinstance(credential, str) or not CREDENTIAL_PATTERN.match(credential):
            return None
        nonce, mac = credential[:_RANDOM_HEX], credential[_RANDOM_HEX:]
        if not hmac.compare_digest(mac, self._mac(b"credential:", nonce)):
            return None
        return self._mac(b"sender:", nonce)
