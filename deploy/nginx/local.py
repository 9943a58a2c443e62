"""An unprivileged nginx on this machine with the rendered configuration (tests, ``make run-production``).

nginx runs with ``-p <dir> -c <dir>/nginx.conf -g 'daemon off; pid <dir>/nginx.pid;'``;
logs, pid and temporary files stay in its directory. As root it is started as
``nobody``, so neither the tests nor the one-machine production run a privileged proxy.
A throw-away self-signed certificate (openssl) stands in for the city's.

Loaded by path like ``render.py`` (``deploy/`` is not a Python package):
``tests/deploy/proxy.py`` and ``scripts/run_production.py`` use it.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
SERVER_NAME = "localhost"


def load_renderer() -> ModuleType:
    """``deploy/nginx/render.py`` as a module."""
    spec = importlib.util.spec_from_file_location("bt_nginx_render", HERE / "render.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


render = load_renderer()


def unprivileged_dir(prefix: str) -> Path:
    """A fresh directory nginx can use when it runs as ``nobody`` (outside 0700 trees)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    path.chmod(0o755)
    return path


def give_to_nobody(directory: Path) -> None:
    """As root: hand ``directory`` and its files to ``nobody`` (nginx's user here)."""
    if os.geteuid() != 0:
        return
    nobody = pwd.getpwnam("nobody")
    for path in [directory, *directory.rglob("*")]:
        os.chown(path, nobody.pw_uid, nobody.pw_gid)


def drop_privileges() -> None:  # pragma: no cover - runs in the child
    """``preexec_fn`` of nginx: as root, become ``nobody``."""
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.setgroups([])
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)


def self_signed(directory: Path, name: str = SERVER_NAME, days: int = 2) -> tuple[Path, Path]:
    """A throw-away certificate and key for ``name`` (and 127.0.0.1), made with openssl."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", str(days), "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60)
    return cert, key


def loopback_settings(port: int, console_port: int, cert: Path, key: Path,
                      env: Mapping[str, str] | None = None, **overrides: str) -> dict[str, str]:
    """Production settings on loopback ports with the throw-away certificate; ``BT_*`` of
    ``env`` (default: none) and then ``overrides`` win."""
    local = {
        "SERVER_NAME": SERVER_NAME, "CONSOLE_SERVER_NAME": SERVER_NAME,
        "LISTEN": f"127.0.0.1:{port}", "CONSOLE_LISTEN": f"127.0.0.1:{console_port}", "HTTP_REDIRECT": "off",
        "TLS_CERTIFICATE": str(cert), "TLS_CERTIFICATE_KEY": str(key),
    }
    return render.settings_from_env({**{f"BT_{k}": v for k, v in local.items()}, **(env or {})}, **overrides)


def nginx_command(directory: Path, test: bool = False) -> list[str]:
    """nginx on the standalone configuration of ``directory`` (``test``: only ``nginx -t``)."""
    if NGINX is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx)")
    command = [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf")]
    return command + (["-t", "-g", f"pid {directory}/nginx.pid;"] if test
                      else ["-g", f"daemon off; pid {directory}/nginx.pid;"])


def prepare(directory: Path, settings: Mapping[str, str]) -> Path:
    """Render the standalone configuration into ``directory`` and hand it to ``nobody``."""
    main = render.render_standalone(directory, settings)
    give_to_nobody(directory)
    return main
