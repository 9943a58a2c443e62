"""An unprivileged nginx on loopback with the rendered production configuration (tests and benchmarks).

nginx runs with ``-p <dir> -c <dir>/nginx.conf -g 'daemon off; pid <dir>/nginx.pid;'``;
logs, pid and temporary files stay in its directory. As root (CI) it is started as
``nobody``, so the test never runs a privileged proxy.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
SERVER_NAME = "localhost"


def _load_renderer():
    spec = importlib.util.spec_from_file_location("bt_nginx_render", PROJECT_ROOT / "deploy" / "nginx" / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


render = _load_renderer()


def unprivileged_dir(prefix: str) -> Path:
    """A fresh directory nginx can use when it runs as ``nobody`` (outside pytest's 0700 tree)."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    path.chmod(0o755)
    return path


def _give_to_nobody(directory: Path) -> None:
    if os.geteuid() != 0:
        return
    nobody = pwd.getpwnam("nobody")
    for path in [directory, *directory.rglob("*")]:
        os.chown(path, nobody.pw_uid, nobody.pw_gid)


def self_signed(directory: Path, name: str = SERVER_NAME) -> tuple[Path, Path]:
    """A throw-away certificate and key for ``name`` (and 127.0.0.1), made with openssl."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60)
    return cert, key


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


def _drop_privileges() -> None:  # pragma: no cover - runs in the child
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.setgroups([])
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)


def settings(port: int, console_port: int, cert: Path, key: Path, **overrides: str) -> dict[str, str]:
    """Production defaults on loopback ports with the throw-away certificate."""
    return render.settings_from_env({}, **{
        "SERVER_NAME": SERVER_NAME, "CONSOLE_SERVER_NAME": SERVER_NAME,
        "LISTEN": f"127.0.0.1:{port}", "CONSOLE_LISTEN": f"127.0.0.1:{console_port}", "HTTP_REDIRECT": "off",
        "TLS_CERTIFICATE": str(cert), "TLS_CERTIFICATE_KEY": str(key), **overrides})


def nginx_test(directory: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` on the standalone configuration in ``directory``."""
    return subprocess.run([NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf"), "-t",
                           "-g", f"pid {directory}/nginx.pid;"],
                          capture_output=True, text=True, timeout=30, preexec_fn=_drop_privileges)


def start_proxy(directory: Path, port: int, console_port: int, cert: Path, key: Path, **overrides: str) -> Proxy:
    """Render into ``directory`` (with ``cert``/``key`` inside it) and start nginx; waits for its ports."""
    render.render_standalone(directory, settings(port, console_port, cert, key, **overrides))
    _give_to_nobody(directory)
    log = (directory / "stdout.log").open("w")
    process = subprocess.Popen(
        [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf"),
         "-g", f"daemon off; pid {directory}/nginx.pid;"],
        stdout=log, stderr=subprocess.STDOUT, preexec_fn=_drop_privileges)
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
    import signal

    render.render_standalone(proxy.directory, settings(proxy.port, proxy.console_port, cert, key, **overrides))
    _give_to_nobody(proxy.directory)
    proxy.process.send_signal(signal.SIGHUP)
    time.sleep(1.0)  # new workers take over; old ones finish their requests
    if proxy.process.poll() is not None:
        raise RuntimeError(f"nginx exited on reload\n{proxy.log()}")

