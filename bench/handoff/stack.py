"""The handoff benchmark's stack: action server, Rasa and the staff console on free loopback ports.

Started with the launchers of ``bench/helpers/servers.py`` (as tests/e2e/test_handoff_takeover.py):
a temp dir holds the knowledge base, staff, tracker and telephony databases (SQLite) and a
``handoff.yml`` with one always-staffed team; one agent user can log in to the console.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.helpers.handoff_config import ALWAYS_STAFFED, write_config
from bench.helpers.servers import (
    Servers,
    free_port,
    knowledge_db,
    staff_db,
    start_http_process,
    start_servers,
    stop_process,
    write_credentials,
)

AGENT_USER = "bench"
AGENT_NAME = "Frau Bench"
AGENT_PASSWORD = "agentin-warteschlange-lang"  # must not contain the user name
#: One client address sends every message: no rate limits while measuring.
LOAD_ENV = {"SQLALCHEMY_SILENCE_UBER_WARNING": "1", "RATE_LIMIT_CONVERSATION": "0",
            "WEBCHAT_MAX_SOCKETS_PER_ADDRESS": "0"}


class Stack:
    """Action server, Rasa (REST, socket.io, API) and the staff console; ``stop()`` ends all that runs."""

    def __init__(self, workdir: Path, queue_limit: int) -> None:
        self.workdir = workdir
        self.queue_limit = queue_limit
        self.origin = f"http://127.0.0.1:{free_port()}"  # the web page the citizens' sockets come from
        self.servers: Servers | None = None
        self.console: subprocess.Popen | None = None
        self.console_url = ""

    @property
    def rasa_url(self) -> str:
        return self.servers.rasa_url if self.servers else ""

    @property
    def running(self) -> bool:
        return self.servers is not None or self.console is not None

    def start(self) -> None:
        """Start everything and wait until it answers.

        Raises:
            FileNotFoundError: without a trained model.
            RuntimeError: when a server dies or does not answer in time (with its log).
        """
        work = self.workdir
        knowledge_url = knowledge_db(work)
        staff_url = staff_db(work, ((AGENT_USER, AGENT_PASSWORD, ("agent",), AGENT_NAME),))
        config = write_config(work / "handoff.yml", [ALWAYS_STAFFED], queue_limit=self.queue_limit)
        env = {**LOAD_ENV, "KNOWLEDGE_DB_URL": knowledge_url, "STAFF_DB_URL": staff_url,
               "HANDOFF_CONFIG": str(config), "ENDPOINTS_FILE": str(work / "endpoints.yml"),
               "TELEPHONY_DB_URL": f"sqlite:///{work / 'telephony.db'}"}
        credentials = write_credentials(work / "credentials.yml", [self.origin])
        self.servers = start_servers(work, knowledge_url, credentials=credentials, env_extra=env)
        console_port = free_port()
        self.console_url = f"http://127.0.0.1:{console_port}"
        self.console = start_http_process(
            ["-m", "bot.console", "--host", "127.0.0.1", "--port", str(console_port), "--rasa-url", self.rasa_url],
            f"{self.console_url}/login", work / "console.log", env={**env, "RASA_URL": self.rasa_url})

    def stop(self) -> None:
        if self.console is not None:
            stop_process(self.console)
            self.console = None
        if self.servers is not None:
            self.servers.stop()
            self.servers = None

    def log_tail(self, lines: int = 30) -> str:
        """The end of every server's log in the temp dir."""
        parts = []
        for path in sorted(self.workdir.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name} (tail) ---\n" + "\n".join(tail))
        return "\n".join(parts)
