"""Start the real action server and Rasa server on free loopback ports for tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import KNOWLEDGE_DIR, PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "buergertelefon.tar.gz"
RASA = Path(sys.executable).with_name("rasa")
START_TIMEOUT = 240.0
#: Secrets of the test servers (never the ones in var/secrets).
API_TOKEN = "test-rasa-api-token-0123456789"
ACTION_TOKEN = "test-action-server-token-0123456789"
WEBCHAT_KEY = "test-webchat-session-key-0123456789"
SECRETS_ENV = {"RASA_AUTH_TOKEN": API_TOKEN, "ACTION_SERVER_TOKEN": ACTION_TOKEN,
               "WEBCHAT_SESSION_KEY": WEBCHAT_KEY, "RASA_TELEMETRY_ENABLED": "false",
               # Every test talks from 127.0.0.1: only the per-conversation limit applies here.
               "RATE_LIMIT_ADDRESS": "0", "RATE_LIMIT_NEW_SESSIONS": "0"}
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def webchat_sender(credential: str) -> str:
    """The sender id (tracker, console) of a web-chat credential issued by the test servers."""
    from channels.session_credentials import SessionCredentials

    sender = SessionCredentials(WEBCHAT_KEY.encode()).sender_of(credential)
    assert sender is not None, f"not a credential of the test servers: {credential!r}"
    return sender


def http_json(method: str, url: str, body: object | None = None, raw: bytes | None = None,
              headers: dict | None = None, timeout: float = 60.0, auth: bool = True) -> tuple[int, object]:
    """One HTTP request; returns (status, parsed JSON or text). Never raises on 4xx/5xx.

    With ``auth`` (default) it sends the test servers' API token, as the console does;
    ``auth=False`` requests as an outsider would.
    """
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(AUTH if auth else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    try:
        return status, json.loads(payload)
    except ValueError:
        return status, payload.decode("utf-8", "replace")


@dataclass
class Servers:
    """A running pair of servers; ``stop()`` ends both."""

    rasa_urls: list[str]
    action_url: str
    workdir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        """The first (often only) Rasa server."""
        return self.rasa_urls[0]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.processes)

    def log(self) -> str:
        parts = []
        for name in sorted(p.name for p in self.workdir.glob("*.log")):
            path = self.workdir / name
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-40:]
                parts.append(f"--- {name} (tail) ---\n" + "\n".join(tail))
        return "\n".join(parts)



def knowledge_db(workdir: Path, seed_dir: Path = KNOWLEDGE_DIR) -> str:
    """A SQLite knowledge base in ``workdir`` loaded from the seed files; returns its URL."""
    from bot.db.engine import get_engine
    from bot.kb.seed import load_seed, parse_directory

    workdir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{workdir / 'knowledge.db'}"
    engine = get_engine(url)
    try:
        load_seed(engine, parse_directory(seed_dir))
    finally:
        engine.dispose()
    return url


def staff_db(workdir: Path, users: tuple[tuple[str, str, tuple[str, ...], str], ...] = ()) -> str:
    """A staff database in ``workdir`` with ``(username, password, roles, display name)`` users; its URL."""
    from bot.console.users import create_user
    from bot.db.engine import get_engine
    from bot.db.migrate import create_all
    from bot.staff import session_factory

    url = f"sqlite:///{workdir / 'staff.db'}"
    engine = get_engine(url)
    try:
        create_all(engine, "staff")
        with session_factory(engine)() as session, session.begin():
            for username, password, roles, display_name in users:
                create_user(session, username, password, list(roles), display_name)
    finally:
        engine.dispose()
    return url


def write_credentials(path: Path, webchat_origins: list[str]) -> Path:
    """The project's ``credentials.yml`` with the web chat's allowed origins replaced."""
    import yaml

    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text(encoding="utf-8"))
    credentials["channels.socketio_input.CitizenSocketIOInput"]["cors_allowed_origins"] = webchat_origins
    path.write_text(yaml.safe_dump(credentials, allow_unicode=True), encoding="utf-8")
    return path


def _wait(url: str, servers: Servers, deadline: float) -> None:
    while time.monotonic() < deadline:
        if not servers.alive():
            raise RuntimeError(f"server died while starting\n{servers.log()}")
        try:
            status, _ = http_json("GET", url, timeout=2)
            if status == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT:.0f}s\n{servers.log()}")


def migrate_databases(env: dict, workdir: Path) -> None:
    """``python -m bot db upgrade`` on the databases ``env`` names, as ``make run`` does before starting."""
    done = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=PROJECT_ROOT, env=env,
                          check=False, capture_output=True, text=True, timeout=120)
    (workdir / "db-upgrade.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0:
        raise RuntimeError(f"python -m bot db upgrade failed:\n{done.stdout}{done.stderr}")


def start_servers(workdir: Path, knowledge_db_url: str, endpoints_extra: str = "",
                  tracker_store: str | None = None, env_extra: dict | None = None,
                  replicas: int = 1, credentials: Path | None = None, model: Path = MODEL) -> Servers:
    """Start the action server and ``replicas`` × Rasa (REST, API behind :data:`API_TOKEN`); wait for all.

    Replicas share the endpoints (tracker and lock store), as in production.
    ``credentials`` replaces the project's ``credentials.yml`` (see :func:`write_credentials`).
    """
    if not model.exists():
        raise FileNotFoundError(f"{model} is missing: run `make train` first")
    workdir.mkdir(parents=True, exist_ok=True)
    action_port = free_port()
    rasa_ports = [free_port() for _ in range(replicas)]
    tracker = tracker_store or f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{workdir / "tracker.db"}"\n'
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n  enable_selective_domain: true\n'
        f'{tracker}{endpoints_extra}',
        encoding="utf-8",
    )
    env = {
        **os.environ, "KNOWLEDGE_DB_URL": knowledge_db_url, "TF_CPP_MIN_LOG_LEVEL": "2",
        # The servers' own staff (handoff queue) and telephony databases, never the ones in var/.
        "STAFF_DB_URL": f"sqlite:///{workdir / 'staff.db'}",
        "TELEPHONY_DB_URL": f"sqlite:///{workdir / 'telephony.db'}",
        **SECRETS_ENV,
        **(env_extra or {}),
    }
    migrate_databases(env, workdir)
    servers = Servers([f"http://127.0.0.1:{port}" for port in rasa_ports], f"http://127.0.0.1:{action_port}", workdir)
    # The children write their logs; the parent closes its copy of each file at once.
    with (workdir / "actions.log").open("w") as actions_log:
        servers.processes.append(subprocess.Popen(
            [sys.executable, "-m", "bot.server.action_server", "--port", str(action_port)],
            cwd=PROJECT_ROOT, env=env, stdout=actions_log, stderr=subprocess.STDOUT,
        ))
    for number, port in enumerate(rasa_ports):
        with (workdir / f"rasa-{number}.log").open("w") as rasa_log:
            servers.processes.append(subprocess.Popen(
                [sys.executable, "-m", "bot.server.rasa_server", "--model", str(model), "--endpoints", str(endpoints),
                 "--credentials", str(credentials or PROJECT_ROOT / "credentials.yml"),
                 "-i", "127.0.0.1", "--port", str(port)],
                cwd=PROJECT_ROOT, env=env, stdout=rasa_log, stderr=subprocess.STDOUT,
            ))
    deadline = time.monotonic() + START_TIMEOUT
    try:
        _wait(f"{servers.action_url}/health", servers, deadline)
        for url in servers.rasa_urls:
            _wait(f"{url}/status", servers, deadline)
    except Exception:
        servers.stop()
        raise
    return servers


def redis_unavailable_reason(host: str = "127.0.0.1", port: int = 6379) -> str | None:
    """Why the local Redis server cannot be used, or None when it answers."""
    import redis

    try:
        redis.Redis(host=host, port=port, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        return f"Redis not reachable at {host}:{port}: {error}"
    return None


def start_http_process(args: list[str], health_url: str, log_path: Path, env: dict | None = None,
                       timeout: float = 60.0, cwd: Path = PROJECT_ROOT) -> subprocess.Popen:
    """Start a Python server process (``python -m …``) and wait until ``health_url`` answers 200.

    The process runs in ``cwd`` with :data:`SECRETS_ENV` and ``env`` added to the environment;
    the health check sends the test servers' API token.

    Raises:
        RuntimeError: when the process dies or does not answer in time (its log is in the message).
    """
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, *args], cwd=cwd, env={**os.environ, **SECRETS_ENV, **(env or {})},
            stdout=log, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + timeout
    while True:
        try:
            if http_json("GET", health_url, timeout=2)[0] == 200:
                return process
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{' '.join(args)} did not start\n{log_path.read_text(errors='replace')[-4000:]}")
        time.sleep(0.3)


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM, then kill after 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
