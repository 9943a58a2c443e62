"""An unprivileged nginx on loopback with the rendered production configuration (tests and benchmarks).

The nginx mechanics (directory, certificate, privileges, command) are
``deploy/nginx/local.py``, shared with ``make run-production``; here: a running proxy
(:class:`Proxy`) on loopback ports and its client context.
"""

from __future__ import annotations

import importlib.util
import signal
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT


def _load_local():
    spec = importlib.util.spec_from_file_location("bt_nginx_local", PROJECT_ROOT / "deploy" / "nginx" / "local.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


local = _load_local()
render = local.render
NGINX = local.NGINX
SERVER_NAME = local.SERVER_NAME
unprivileged_dir = local.unprivileged_dir
self_signed = local.self_signed


def client_context(cert: Path) -> ssl.SSLContext:
    """Verifies the proxy against the throw-away certificate."""
    return ssl.create_default_context(cafile=str(cert))


@dataclass
class Proxy:
    """A running nginx; ``url`` is the citizen server, ``console_url`` the console's."""

    directory: Path
    process: subprocess.Popen
    port: int
    console_port: int
    cert: Path

    @property
    def url(self) -> str:
        return f"https://{SERVER_NAME}:{self.port}"

    @property
    def console_url(self) -> str:
        return f"https://{SERVER_NAME}:{self.console_port}"

    @property
    def origin(self) -> str:
        return self.url

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def settings(port: int, console_port: int, cert: Path, key: Path, **overrides: str) -> dict[str, str]:
    """Production defaults on loopback ports with the throw-away certificate."""
    return local.loopback_settings(port, console_port, cert, key, **overrides)


def nginx_test(directory: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` on the standalone configuration in ``directory``."""
    return subprocess.run(local.nginx_command(directory, test=True), capture_output=True, text=True, timeout=30,
                          check=False, preexec_fn=local.drop_privileges)


def start_proxy(directory: Path, port: int, console_port: int, cert: Path, key: Path, **overrides: str) -> Proxy:
    """Render into ``directory`` (with ``cert``/``key`` inside it) and start nginx; waits for its ports."""
    local.prepare(directory, settings(port, console_port, cert, key, **overrides))
    with (directory / "stdout.log").open("w") as log:  # the child keeps its copy
        process = subprocess.Popen(local.nginx_command(directory), stdout=log, stderr=subprocess.STDOUT,
                                   preexec_fn=local.drop_privileges)
    proxy = Proxy(directory, process, port, console_port, cert)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}\n{proxy.log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1), \
                    socket.create_connection(("127.0.0.1", console_port), timeout=1):
                return proxy
        except OSError:
            time.sleep(0.1)
    proxy.stop()
    raise RuntimeError(f"nginx did not listen on {port}/{console_port}\n{proxy.log()}")


def reload_proxy(proxy: Proxy, cert: Path, key: Path, **overrides: str) -> None:
    """Render the configuration again with ``overrides`` and let the running nginx load it (SIGHUP)."""
    local.prepare(proxy.directory, settings(proxy.port, proxy.console_port, cert, key, **overrides))
    proxy.process.send_signal(signal.SIGHUP)
    time.sleep(1.0)  # new workers take over; old ones finish their requests
    if proxy.process.poll() is not None:
        raise RuntimeError(f"nginx exited on reload\n{proxy.log()}")
