"""The whole system on one machine with the production stores: ``make run-production``.

Migration step (``python -m bot db upgrade``), the action server, two Rasa replicas
(``endpoints.production.yml``: PostgreSQL tracker store, Redis lock store; call state in
Redis; ``credentials.production.yml``), the web server, the staff console, and nginx
from ``deploy/nginx`` in front — unprivileged, on loopback, with a self-signed
certificate. Prints the citizen URL, the console URL and each process's metrics URL;
Ctrl-C stops everything.

Settings come from the environment, with local defaults (PostgreSQL and Redis on
127.0.0.1): ``PRODUCTION_DB_URL`` (staff and telephony databases, and the tracker store's
database), ``REDIS_HOST``/``REDIS_PORT``, ``PROXY_PORT`` (8443), ``PROXY_CONSOLE_PORT``
(9443), ``RASA_PORTS`` (5005,5006), any ``BT_*`` of ``deploy/nginx/render.py``.
Secrets are read from ``var/secrets`` by the processes themselves (``python -m bot
secrets init`` makes them); the database password, if any, from
``var/secrets/tracker-db-password`` into the children's environment — never onto a
command line. ``AUDIOCODES_TOKEN`` enables the phone channel, ``--rest`` the REST channel.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
MODEL = ROOT / "models" / "buergertelefon.tar.gz"
DEFAULT_DB_URL = "postgresql://postgres@127.0.0.1:5432/buergertelefon"
#: Metrics port of each process: the environment variable (the Makefile's names) and its default.
METRICS_PORTS = {"actions": ("ACTION_METRICS_PORT", 9106), "rasa-1": ("RASA_METRICS_PORT", 9105),
                 "rasa-2": ("RASA_2_METRICS_PORT", 9108), "console": ("CONSOLE_METRICS_PORT", 9107),
                 "phone-front": ("PHONE_FRONT_METRICS_PORT", 9109)}
METRICS = {name: int(os.environ.get(variable, port)) for name, (variable, port) in METRICS_PORTS.items()}


def _nginx_local():
    """``deploy/nginx/local.py``: the unprivileged nginx of the tests, here in front of the system."""
    spec = importlib.util.spec_from_file_location("bt_nginx_local", ROOT / "deploy" / "nginx" / "local.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


nginx_local = _nginx_local()


def wait_for_port(port: int, processes: list[subprocess.Popen], timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError("a process exited while starting (see var/production/*.log)")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist (a fresh machine)."""
    import psycopg2
    from psycopg2 import sql

    parsed = make_url(url)
    admin = psycopg2.connect(host=parsed.host, port=parsed.port or 5432, user=parsed.username,
                             password=parsed.password, dbname="postgres", connect_timeout=5)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,))
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(parsed.database)))
    admin.close()


def environment(db_url: str, rasa_ports: list[int], origin: str, rest: bool) -> tuple[dict, Path]:
    """The children's environment and the credentials file of the replicas."""
    parsed = make_url(db_url)
    password_file = ROOT / "var" / "secrets" / "tracker-db-password"
    redis_host, redis_port = os.environ.get("REDIS_HOST", "127.0.0.1"), os.environ.get("REDIS_PORT", "6379")
    env = {
        # each child gets its own METRICS_PORT: a METRICS_PORT_<PROCESS> of the caller would bind one port twice
        **{name: value for name, value in os.environ.items() if not name.startswith("METRICS_PORT")},
        "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "ENDPOINTS_FILE": "endpoints.production.yml",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{os.environ.get('ACTION_PORT', '5055')}/webhook",
        "TRACKER_DB_HOST": parsed.host or "127.0.0.1", "TRACKER_DB_PORT": str(parsed.port or 5432),
        "TRACKER_DB_NAME": parsed.database, "TRACKER_DB_USER": parsed.username or "postgres",
        "TRACKER_DB_PASSWORD": password_file.read_text().strip() if password_file.exists() else "",
        "REDIS_HOST": redis_host, "REDIS_PORT": redis_port, "REDIS_DB": os.environ.get("REDIS_DB", "1"),
        "STAFF_DB_URL": os.environ.get("STAFF_DB_URL", db_url),
        "TELEPHONY_DB_URL": os.environ.get("TELEPHONY_DB_URL", db_url),
        "TELEPHONY_REDIS_URL": os.environ.get("TELEPHONY_REDIS_URL", f"redis://{redis_host}:{redis_port}/2"),
        "WEBCHAT_ALLOWED_ORIGINS": origin, "WEBCHAT_REDIS_URL": f"redis://{redis_host}:{redis_port}/3",
        "SANIC_PROXIES_COUNT": "1", "CONSOLE_ENV": "production", "RASA_URL": f"http://127.0.0.1:{rasa_ports[0]}",
    }
    if env["TRACKER_DB_PASSWORD"] and not parsed.password:
        env["STAFF_DB_URL"] = env["TELEPHONY_DB_URL"] = parsed.set(
            password=env["TRACKER_DB_PASSWORD"]).render_as_string(hide_password=False)
    parts = ["credentials.production.yml"] + (["credentials.audiocodes.yml"] if env.get("AUDIOCODES_TOKEN") else [])
    text = "\n".join((ROOT / name).read_text(encoding="utf-8") for name in parts)
    if rest:
        text += "\nchannels.rest.CitizenRestInput:\n"
    credentials = ROOT / "var" / "production" / "credentials.yml"
    credentials.write_text(text, encoding="utf-8")
    return env, credentials


def proxy_directory(rasa_ports: list[int], web_port: int, console_port: int, port: int, console_proxy: int,
                    rest: bool, front_port: int | None = None) -> Path:
    """A fresh nginx prefix (readable by ``nobody`` when run as root) with the rendered files."""
    directory = nginx_local.unprivileged_dir("bt-production-nginx-")
    cert, key = nginx_local.self_signed(directory, days=30)
    upstreams = {"RASA_UPSTREAMS": ",".join(f"127.0.0.1:{p}" for p in rasa_ports),
                 "WEB_UPSTREAM": f"127.0.0.1:{web_port}", "CONSOLE_UPSTREAM": f"127.0.0.1:{console_port}",
                 "GATEWAY_ALLOW": "127.0.0.1", "STAFF_ALLOW": "127.0.0.1", "DEMO_PAGE": "on",
                 "EXPOSE_REST": "on" if rest else "off", "PHONE_FRONT": "on" if front_port else "off",
                 "PHONE_FRONT_UPSTREAM": f"127.0.0.1:{front_port or 5007}"}
    environment = {**{f"BT_{k}": v for k, v in upstreams.items()}, **os.environ}
    nginx_local.prepare(directory, nginx_local.loopback_settings(port, console_proxy, cert, key, environment))
    return directory


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rest", action="store_true",
                        help="also the REST channel (behind nginx), e.g. to try it with curl")
    args = parser.parse_args(argv)
    if not MODEL.exists() or nginx_local.NGINX is None:
        print(f"error: needs {MODEL.relative_to(ROOT)} (make train) and nginx (apt-get install nginx)", file=sys.stderr)
        return 2
    db_url = os.environ.get("PRODUCTION_DB_URL", DEFAULT_DB_URL)
    rasa_ports = [int(p) for p in os.environ.get("RASA_PORTS", "5005,5006").split(",")]
    action_port, web_port = int(os.environ.get("ACTION_PORT", "5055")), int(os.environ.get("WEB_PORT", "8080"))
    console_port = int(os.environ.get("CONSOLE_PORT", "8090"))
    port, console_proxy = int(os.environ.get("PROXY_PORT", "8443")), int(os.environ.get("PROXY_CONSOLE_PORT", "9443"))
    origin = f"https://localhost:{port}"
    logs = ROOT / "var" / "production"
    logs.mkdir(parents=True, exist_ok=True)
    ensure_database(db_url)
    env, credentials = environment(db_url, rasa_ports, origin, args.rest)
    subprocess.run([PY, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    processes: list[subprocess.Popen] = []

    def start(name: str, command: list[str], extra: dict | None = None, **kwargs: object) -> None:
        log = (logs / f"{name}.log").open("w")
        processes.append(subprocess.Popen(command, cwd=ROOT, env={**env, **(extra or {})}, stdout=log,
                                          stderr=subprocess.STDOUT, **kwargs))  # type: ignore[call-overload]

    # The phone front takes new and overflow calls before Rasa (admission per node, channels/phone_front.py).
    front_port = int(os.environ.get("PHONE_FRONT_PORT", "5007")) if env.get("AUDIOCODES_TOKEN") else None
    proxy_dir = proxy_directory(rasa_ports, web_port, console_port, port, console_proxy, args.rest, front_port)
    try:
        start("actions", [PY, "-m", "bot.server.action_server", "--port", str(action_port)],
              {"METRICS_PORT": str(METRICS["actions"])})
        for number, rasa_port in enumerate(rasa_ports, start=1):
            start(f"rasa-{number}", [PY, "-m", "bot.server.rasa_server", "--model", str(MODEL), "--endpoints",
                                     "endpoints.production.yml", "--credentials", str(credentials), "-i", "127.0.0.1",
                                     "--port", str(rasa_port)],
                  {"METRICS_PORT": str(METRICS.get(f"rasa-{number}", 0)), "TELEPHONY_INSTANCE_ID": f"rasa-{number}"})
        start("web", [PY, "-m", "bot.web", "--port", str(web_port), "--chat-server", origin,
                      "--rasa-url", f"http://127.0.0.1:{rasa_ports[0]}"])
        start("console", [PY, "-m", "bot.console", "--port", str(console_port)],
              {"METRICS_PORT": str(METRICS["console"])})
        if front_port:
            start("phone-front", [PY, "-m", "channels.phone_front", "--port", str(front_port)],
                  {"METRICS_PORT": str(METRICS["phone-front"]), "TELEPHONY_INSTANCE_ID": "node-1"})
        start("nginx", nginx_local.nginx_command(proxy_dir), preexec_fn=nginx_local.drop_privileges)
        for waited in [action_port, *rasa_ports, web_port, console_port, *([front_port] if front_port else []), port,
                       console_proxy]:
            wait_for_port(waited, processes)
        print(f"Citizens (web chat demo page): {origin}/   (self-signed certificate: {proxy_dir / 'cert.pem'})")
        if args.rest:
            print(f"REST: curl --cacert {proxy_dir / 'cert.pem'} {origin}/webhooks/rest/webhook "
                  f"-d '{{\"sender\":\"demo\",\"message\":\"Was kostet ein Perso?\"}}'")
        if env.get("AUDIOCODES_TOKEN"):
            print(f"Phone (AudioCodes Bot API): {origin}/webhooks/audiocodes/webhook")
        print(f"Staff console: https://localhost:{console_proxy}/   (users: python -m bot console create-user)")
        print("Metrics: " + "  ".join(f"{name} http://127.0.0.1:{metrics_port}/metrics"
                                      for name, metrics_port in METRICS.items()
                                      if (name != "rasa-2" or len(rasa_ports) > 1)
                                      and (name != "phone-front" or front_port)))
        print(f"Logs: {logs.relative_to(ROOT)}/*.log   (Ctrl-C stops all)", flush=True)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        print("error: a process exited (see its log); stopping the others", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(proxy_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
