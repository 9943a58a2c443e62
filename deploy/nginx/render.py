"""Fill the nginx template ``deploy/nginx/buergertelefon.conf`` from the environment.

    python deploy/nginx/render.py --out /etc/nginx/conf.d/buergertelefon.conf
    python deploy/nginx/render.py --standalone /tmp/bt-nginx   # + nginx.conf for an unprivileged nginx
    nginx -p /tmp/bt-nginx -c /tmp/bt-nginx/nginx.conf -t

Every ``@NAME@`` of the template comes from ``BT_<NAME>`` (defaults in :data:`DEFAULTS`);
values are checked (host names, ports, addresses, absolute paths), so nothing from the
environment can add nginx directives. ``@IF NAME@`` … ``@END@`` keeps its lines when
``BT_NAME`` is ``on``. The web chat page's CSP is the one ``bot/web`` sends for the public
origin, so the two cannot drift apart. Secrets are never part of this configuration.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = Path(__file__).resolve().with_name("buergertelefon.conf")

#: ``BT_<NAME>`` defaults: a production machine with two Rasa replicas (see README, "Operations").
DEFAULTS = {
    "SERVER_NAME": "chat.example.de",
    "LISTEN": "443",
    "HTTP_LISTEN": "80",
    "HTTP_REDIRECT": "on",
    "PUBLIC_ORIGIN": "",  # default: https://SERVER_NAME (with the port of LISTEN unless 443)
    "CONSOLE_SERVER_NAME": "console.example.de",
    "CONSOLE_LISTEN": "9443",
    "TLS_CERTIFICATE": "/etc/ssl/certs/buergertelefon.pem",
    "TLS_CERTIFICATE_KEY": "/etc/ssl/private/buergertelefon.key",
    "CONSOLE_TLS_CERTIFICATE": "",  # default: TLS_CERTIFICATE
    "CONSOLE_TLS_CERTIFICATE_KEY": "",  # default: TLS_CERTIFICATE_KEY
    "RASA_UPSTREAMS": "127.0.0.1:5005,127.0.0.1:5006",
    "WEB_UPSTREAM": "127.0.0.1:8080",
    # The phone front (channels/phone_front.py) takes new calls and serves overflow calls.
    "PHONE_FRONT": "off",
    "PHONE_FRONT_UPSTREAM": "127.0.0.1:5007",
    "CONSOLE_UPSTREAM": "127.0.0.1:8090",
    # Addresses (CIDR) of the AudioCodes gateway; empty: the phone paths answer 403.
    "GATEWAY_ALLOW": "",
    # Addresses (CIDR) of the staff networks that may open the console.
    "STAFF_ALLOW": "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,127.0.0.1",
    "EXPOSE_REST": "off",
    # bot/web's demo page on / (a demo, not the city's website).
    "DEMO_PAGE": "off",
    "WEBHOOK_RATE": "2r/s",
    "WEBHOOK_BURST": "20",
    "SOCKETIO_RATE": "10r/s",
    "SOCKETIO_BURST": "40",
    "GATEWAY_CALL_RATE": "5r/s",
    "GATEWAY_CALL_BURST": "20",
    "GATEWAY_NEW_CALL_RATE": "20r/s",
    "GATEWAY_NEW_CALL_BURST": "100",
    "CONN_PER_ADDRESS": "100",
    "ACCESS_LOG": "/var/log/nginx/buergertelefon.access.log",
}

#: TLS 1.2/1.3 with forward secrecy and AEAD ciphers only (BSI TR-02102-2, Mozilla "intermediate").
TLS_SETTINGS = """\
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384;
    ssl_prefer_server_ciphers on;
    ssl_ecdh_curve X25519:prime256v1:secp384r1;
    ssl_session_cache shared:bt_tls:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets off;"""  # noqa: E501 - the cipher list is one nginx token

#: Main configuration for an unprivileged nginx (tests, one machine): everything below ``prefix``.
STANDALONE_MAIN = """\
# Rendered by deploy/nginx/render.py --standalone: an nginx that needs no root and no /etc/nginx.
# Start: nginx -p {prefix} -c {prefix}/nginx.conf -g 'daemon off; pid {prefix}/nginx.pid;'
worker_processes 2;
error_log {prefix}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    include {mime_types};
    default_type application/octet-stream;
    sendfile on;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/buergertelefon.conf;
}}
"""

_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$")
_LISTEN = re.compile(r"^((\d{1,3}(\.\d{1,3}){3}|\[[0-9A-Fa-f:]+\]):)?\d{1,5}$")
_UPSTREAM = re.compile(r"^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):\d{1,5}$")
_PATH = re.compile(r"^/[A-Za-z0-9._/@+-]*$")
_RATE = re.compile(r"^\d{1,6}r/[sm]$")
_PLACEHOLDER = re.compile(r"@([A-Z_]+)@")


class RenderError(ValueError):
    """A setting has a value that cannot go into the configuration; ``str()`` says which."""


def _check(name: str, value: str, pattern: re.Pattern) -> str:
    if not pattern.match(value):
        raise RenderError(f"BT_{name}={value!r} is not valid here")
    return value


def _port(listen: str) -> int:
    return int(listen.rsplit(":", 1)[-1])


def _networks(name: str, value: str) -> list[str]:
    networks = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as error:
            raise RenderError(f"BT_{name}: {item!r} is not an address or network ({error})") from None
    return networks


def _access(networks: list[str]) -> str:
    lines = [f"        allow {network};" for network in networks]
    return "\n".join([*lines, "        deny all;"])


def settings_from_env(env: Mapping[str, str] | None = None, **overrides: str) -> dict[str, str]:
    """``DEFAULTS`` with ``BT_<NAME>`` of ``env`` (default ``os.environ``) and ``overrides`` applied."""
    env = os.environ if env is None else env
    values = {name: env.get(f"BT_{name}", default) for name, default in DEFAULTS.items()}
    unknown = set(overrides) - set(DEFAULTS)
    if unknown:
        raise RenderError(f"unknown settings: {', '.join(sorted(unknown))}")
    values.update(overrides)
    return values


def content_security_policy(public_origin: str) -> str:
    """The CSP ``bot/web`` sends on its pages when browsers reach Rasa at ``public_origin``."""
    if str(ROOT) not in sys.path:  # once per process (benchmarks render on every reload)
        sys.path.insert(0, str(ROOT))
    from bot.web.middlewares import content_security_policy as web_policy
    from bot.web.settings import SettingsError, WebSettings

    try:
        return web_policy(WebSettings(chat_server_url=public_origin))
    except SettingsError as error:  # "error: …" and exit 2 from main, not a traceback
        raise RenderError(f"PUBLIC_ORIGIN: {error}") from error


def placeholders(settings: Mapping[str, str]) -> dict[str, str]:
    """The checked values of every placeholder of the template."""
    values = {name: str(value).strip() for name, value in settings.items()}
    for name in ("SERVER_NAME", "CONSOLE_SERVER_NAME"):
        _check(name, values[name], _HOST)
    for name in ("LISTEN", "HTTP_LISTEN", "CONSOLE_LISTEN"):
        _check(name, values[name], _LISTEN)
    if values["LISTEN"] == values["CONSOLE_LISTEN"]:
        raise RenderError("the console needs a port of its own (BT_CONSOLE_LISTEN)")
    values["CONSOLE_TLS_CERTIFICATE"] = values["CONSOLE_TLS_CERTIFICATE"] or values["TLS_CERTIFICATE"]
    values["CONSOLE_TLS_CERTIFICATE_KEY"] = values["CONSOLE_TLS_CERTIFICATE_KEY"] or values["TLS_CERTIFICATE_KEY"]
    for name in ("TLS_CERTIFICATE", "TLS_CERTIFICATE_KEY", "CONSOLE_TLS_CERTIFICATE", "CONSOLE_TLS_CERTIFICATE_KEY",
                 "ACCESS_LOG"):
        _check(name, values[name], _PATH)
    for name in ("WEB_UPSTREAM", "CONSOLE_UPSTREAM", "PHONE_FRONT_UPSTREAM"):
        _check(name, values[name], _UPSTREAM)
    rasa = [item.strip() for item in values["RASA_UPSTREAMS"].split(",") if item.strip()]
    if not rasa:
        raise RenderError("BT_RASA_UPSTREAMS names no Rasa server")
    values["RASA_SERVERS"] = "\n".join(
        f"    server {_check('RASA_UPSTREAMS', item, _UPSTREAM)} max_fails=2 fail_timeout=10s;" for item in rasa)
    for name in ("WEBHOOK_RATE", "SOCKETIO_RATE", "GATEWAY_CALL_RATE", "GATEWAY_NEW_CALL_RATE"):
        _check(name, values[name], _RATE)
    for name in ("WEBHOOK_BURST", "SOCKETIO_BURST", "GATEWAY_CALL_BURST", "GATEWAY_NEW_CALL_BURST", "CONN_PER_ADDRESS"):
        _check(name, values[name], re.compile(r"^\d{1,6}$"))
    for name in ("EXPOSE_REST", "HTTP_REDIRECT", "DEMO_PAGE", "PHONE_FRONT"):
        if values[name] not in ("on", "off"):
            raise RenderError(f"BT_{name} must be on or off, not {values[name]!r}")
    values["NEW_CALL_UPSTREAM"] = "bt_phone_front" if values["PHONE_FRONT"] == "on" else "bt_rasa_webhooks"
    gateway = _networks("GATEWAY_ALLOW", values["GATEWAY_ALLOW"])
    staff = _networks("STAFF_ALLOW", values["STAFF_ALLOW"])
    values["GATEWAY_ACCESS"] = _access(gateway)
    values["STAFF_ACCESS"] = _access(staff).replace("        ", "    ")
    values["GATEWAY_ALLOW"] = ", ".join(gateway) or "nobody"
    values["STAFF_ALLOW"] = ", ".join(staff) or "nobody"
    port = _port(values["LISTEN"])
    values["PUBLIC_ORIGIN"] = values["PUBLIC_ORIGIN"] or (
        f"https://{values['SERVER_NAME']}" + ("" if port == 443 else f":{port}"))
    values["CSP"] = content_security_policy(values["PUBLIC_ORIGIN"])
    values["TLS_SETTINGS"] = TLS_SETTINGS
    return values


def render(settings: Mapping[str, str], template: str | None = None) -> str:
    """The site configuration (http{} context) for ``settings``."""
    values = placeholders(settings)
    text = TEMPLATE.read_text(encoding="utf-8") if template is None else template

    def section(match: re.Match) -> str:
        return match.group(2) if values[match.group(1)] == "on" else ""

    text = re.sub(r"^@IF ([A-Z_]+)@\n(.*?)^@END@\n", section, text, flags=re.S | re.M)

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise RenderError(f"the template uses @{name}@, which has no setting")
        return values[name]

    return _PLACEHOLDER.sub(fill, text)


def render_standalone(directory: Path, settings: Mapping[str, str],
                      mime_types: str = "/etc/nginx/mime.types") -> Path:
    """``directory/nginx.conf`` + ``buergertelefon.conf`` for ``nginx -p directory -c nginx.conf``.

    Logs, pid and temporary files stay in ``directory``; returns the main file.
    """
    directory = directory.resolve()
    for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    site = dict(settings)
    if site.get("ACCESS_LOG", DEFAULTS["ACCESS_LOG"]) == DEFAULTS["ACCESS_LOG"]:
        site["ACCESS_LOG"] = str(directory / "access.log")
    (directory / "buergertelefon.conf").write_text(render(site), encoding="utf-8")
    main = directory / "nginx.conf"
    main.write_text(STANDALONE_MAIN.format(prefix=directory, mime_types=mime_types), encoding="utf-8")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deploy/nginx/render.py", description=__doc__.split("\n")[0])
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--out", type=Path, help="write the site configuration here (default: stdout)")
    target.add_argument("--standalone", type=Path, metavar="DIR",
                        help="write nginx.conf and the site configuration into DIR (unprivileged nginx)")
    args = parser.parse_args(argv)
    try:
        settings = settings_from_env()
        if args.standalone:
            print(render_standalone(args.standalone, settings))
        elif args.out:
            args.out.write_text(render(settings), encoding="utf-8")
        else:
            sys.stdout.write(render(settings))
    except RenderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
