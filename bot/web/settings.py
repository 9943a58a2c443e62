"""Settings of the web server, from the command line or the environment."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.config import PROJECT_ROOT

WIDGET_DIR = PROJECT_ROOT / "channels" / "webchat" / "dist"
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:]+\](:[0-9]{1,5})?$")


class SettingsError(ValueError):
    """A setting has a value the server cannot use; ``str()`` says which."""


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL.

    Raises:
        SettingsError: if ``url`` is not an http(s) URL with a host and no path.
    """
    parts = urlsplit(url.strip())
    origin = f"{parts.scheme}://{parts.netloc}"
    if not _ORIGIN.match(origin) or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SettingsError(f"{url!r} is not an http(s) server URL like http://127.0.0.1:5005")
    return origin


def _retention_days() -> int | None:
    """``retention_days`` of ``handoff.yml`` (the console's retention job deletes after it)."""
    from bot.handoff.settings import HandoffConfigError, HandoffSettings

    try:
        return HandoffSettings.load().retention_days
    except HandoffConfigError:
        return None


@dataclass(frozen=True)
class WebSettings:
    """Settings of one web server.

    Attributes:
        chat_server_url: Rasa's URL as the browser reaches it (socket.io channel),
            env ``WEBCHAT_SERVER_URL``, default ``http://127.0.0.1:5005``.
        host, port: where this server listens (env ``WEB_HOST``, ``WEB_PORT``).
        title: the widget's title (env ``WEBCHAT_TITLE``).
        language: the widget's language, ``de`` or ``en`` (env ``WEBCHAT_LANGUAGE``).
        privacy_url: page with the full privacy statement (env ``WEBCHAT_PRIVACY_URL``).
        rasa_url: Rasa as this server reaches it, for ``/health`` (env ``RASA_URL``, as the
            console's; default: ``chat_server_url``). Behind nginx this is the internal address
            (``http://rasa-1:5005``): the public origin does not serve Rasa's health route.
        widget_dir: the built widget, served under ``/webchat/``.
        retention_days: after how many days conversations are deleted, named in the
            widget's privacy notice (``retention_days`` of ``handoff.yml``; None: not named).
    """

    chat_server_url: str = "http://127.0.0.1:5005"
    host: str = "127.0.0.1"
    port: int = 8080
    title: str = "Bürgerservice-Chat"
    language: str = "de"
    privacy_url: str = ""
    rasa_url: str = ""
    widget_dir: Path = field(default=WIDGET_DIR)
    retention_days: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "chat_server_url", origin_of(self.chat_server_url))
        if self.language not in ("de", "en"):
            raise SettingsError(f"language must be 'de' or 'en', not {self.language!r}")
        if not 0 < self.port < 65536:
            raise SettingsError(f"port {self.port} is out of range")
        if self.privacy_url:
            parts = urlsplit(self.privacy_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise SettingsError(f"privacy URL {self.privacy_url!r} is not an http(s) URL")
        object.__setattr__(self, "rasa_url", origin_of(self.rasa_url) if self.rasa_url else self.chat_server_url)

    @property
    def rasa_health_url(self) -> str:
        """What ``/health`` asks: the socket.io channel's public health route (Rasa's ``/`` needs
        the API token)."""
        return f"{self.rasa_url.rstrip('/')}/webhooks/socketio/"

    @property
    def chat_socket_origins(self) -> tuple[str, str]:
        """The chat server as http(s) and ws(s) origin, for the page's connect-src."""
        websocket = "wss" if self.chat_server_url.startswith("https:") else "ws"
        return self.chat_server_url, websocket + self.chat_server_url[self.chat_server_url.index(":"):]

    @classmethod
    def from_env(cls, **overrides: object) -> WebSettings:
        """Settings from environment variables; ``overrides`` (not ``None``) win."""
        env = {
            "chat_server_url": os.environ.get("WEBCHAT_SERVER_URL"),
            "host": os.environ.get("WEB_HOST"),
            "port": int(os.environ["WEB_PORT"]) if os.environ.get("WEB_PORT") else None,
            "title": os.environ.get("WEBCHAT_TITLE"),
            "language": os.environ.get("WEBCHAT_LANGUAGE"),
            "privacy_url": os.environ.get("WEBCHAT_PRIVACY_URL"),
            "rasa_url": os.environ.get("RASA_URL"),
            "retention_days": _retention_days(),
        }
        values = {key: value for key, value in {**env, **overrides}.items() if value is not None}
        return cls(**values)  # type: ignore[arg-type]
