"""Real servers with the phone channel enabled, for the phone end-to-end tests and the benchmark."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from bench.helpers.servers import Servers, knowledge_db, start_servers
from bot.config import PROJECT_ROOT
from bot.db.engine import get_engine
from bot.db.migrate import create_all
from bot.telephony.callbacks import CallbackRepository
from bot.telephony.settings import TelephonySettings
from bot.telephony.store.base import AgentBoard, CallStore
from bot.telephony.store.redis_store import RedisCallStore
from bot.telephony.store.sql import SqlCallStore

AUDIOCODES_CHANNEL = "channels.audiocodes.AudiocodesInput"
TRANSFER_TARGET = "sip:agents@pbx.test.invalid"


def phone_credentials(path: Path) -> Path:
    """The project's ``credentials.yml`` plus the phone channel, token from ``$AUDIOCODES_TOKEN``.

    The same block ``make run`` adds when ``AUDIOCODES_TOKEN`` is set.
    """
    parts = [(PROJECT_ROOT / name).read_text(encoding="utf-8")
             for name in ("credentials.yml", "credentials.audiocodes.yml")]
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


@dataclass
class PhoneServers:
    """Running servers with the phone channel, the token, and the shared store as staff see it."""

    servers: Servers
    token: str
    store: CallStore
    callbacks: CallbackRepository
    instance: str
    env: dict  # the telephony environment of the servers (for further processes such as the phone front)

    def bot_url(self, replica: int = 0) -> str:
        """The bot URL the gateway is configured with."""
        return f"{self.servers.rasa_urls[replica]}/webhooks/audiocodes/webhook"

    def stop(self) -> None:
        self.servers.stop()
        if isinstance(self.store, RedisCallStore):
            self.store.clear()
        self.store.close()
        self.callbacks.dispose()


def start_phone_servers(workdir: Path, seed_dir: Path, max_calls: int = 3, replicas: int = 1,
                        redis_url: str | None = None, tracker_store: str | None = None,
                        endpoints_extra: str = "", env: dict | None = None) -> PhoneServers:
    """Action server and Rasa server(s) with the AudioCodes channel on free loopback ports.

    Call state goes to SQLite in ``workdir`` (or Redis when ``redis_url`` is given);
    callbacks always to SQLite in ``workdir``.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    kb_url = knowledge_db(workdir, seed_dir)
    token = secrets.token_hex(16)
    telephony_url = f"sqlite:///{workdir / 'telephony.db'}"
    create_all(get_engine(telephony_url), "telephony")  # the store opens first
    instance = f"test-{secrets.token_hex(3)}"
    env_extra = {
        "AUDIOCODES_TOKEN": token,
        "TELEPHONY_DB_URL": telephony_url,
        "TELEPHONY_MAX_CALLS": str(max_calls),
        "TELEPHONY_TRANSFER_TARGET": TRANSFER_TARGET,
        "TELEPHONY_INSTANCE_ID": instance,
        **({"TELEPHONY_REDIS_URL": redis_url, "TELEPHONY_REDIS_PREFIX": f"test:{instance}"} if redis_url else {}),
        **(env or {}),
    }
    settings = TelephonySettings.load(env=env_extra)
    defaults = AgentBoard.from_settings(settings)
    store: CallStore = (RedisCallStore(redis_url, defaults, settings.redis_prefix) if redis_url
                        else SqlCallStore(get_engine(telephony_url), defaults))
    callbacks = CallbackRepository(get_engine(telephony_url))
    servers = start_servers(workdir, kb_url, endpoints_extra=endpoints_extra, tracker_store=tracker_store,
                            env_extra=env_extra, replicas=replicas,
                            credentials=phone_credentials(workdir / "credentials.yml"))
    return PhoneServers(servers, token, store, callbacks, instance, {"KNOWLEDGE_DB_URL": kb_url, **env_extra})
