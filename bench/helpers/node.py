"""One production node on loopback: Rasa replicas, the action server, the phone front and nginx in front.

As ``make run-production`` lays it out, on free ports: the production stores
(:mod:`bench.helpers.production`), ``replicas`` Rasa servers with the REST and phone
channels sharing them, one action server, the phone front (``channels/phone_front.py``:
admission and overflow calls) and the real nginx of ``deploy/nginx`` (TLS with a
throw-away certificate, ``least_conn`` over the replicas). Every client comes from
127.0.0.1, so the proxy's per-address and per-URI limits are raised for the benchmark
(production keeps its defaults); everything else is the rendered production file.
:meth:`Node.use_replicas` puts the first ``k`` replicas behind the proxy (an nginx reload),
so one node serves a benchmark's phases with 1, 2, … replicas (idle ones cost no CPU).
"""

from __future__ import annotations

import secrets
import shutil
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.helpers.phone_servers import PhoneServers, start_phone_servers
from bench.helpers.production import ProductionStores
from bench.helpers.proxy import Proxy, client_context, reload_proxy, self_signed, start_proxy, unprivileged_dir
from bench.helpers.servers import free_port, start_http_process, stop_process

#: The proxy's limits for one client address carrying every simulated caller and citizen.
BENCH_LIMITS = {"WEBHOOK_RATE": "100000r/s", "WEBHOOK_BURST": "100000", "GATEWAY_CALL_RATE": "100000r/s",
                "GATEWAY_CALL_BURST": "100000", "GATEWAY_NEW_CALL_RATE": "100000r/s",
                "GATEWAY_NEW_CALL_BURST": "100000", "CONN_PER_ADDRESS": "60000"}
UNCAPPED = 100000


@dataclass
class Node:
    """A running node; ``url`` is the proxy (HTTPS), ``rasa_urls`` the replicas behind it."""

    phone: PhoneServers
    proxy: Proxy
    context: ssl.SSLContext
    workdir: Path
    front: subprocess.Popen | None = None
    front_port: int = 0
    tls: tuple[Path, Path] = (Path(), Path())
    active: int = 0  # replicas behind the proxy

    @property
    def url(self) -> str:
        return self.proxy.url

    @property
    def rasa_urls(self) -> list[str]:
        """The replicas behind the proxy now."""
        return self.phone.servers.rasa_urls[: self.active]

    def use_replicas(self, replicas: int) -> None:
        """Only the first ``replicas`` Rasa servers behind the proxy from now on."""
        if not 0 < replicas <= len(self.phone.servers.rasa_urls):
            raise ValueError(f"the node has {len(self.phone.servers.rasa_urls)} replicas, not {replicas}")
        if replicas != self.active:
            cert, key = self.tls
            settings = proxy_settings(self.phone.servers.rasa_urls[:replicas], self.front_port)
            reload_proxy(self.proxy, cert, key, **settings)
            self.active = replicas

    @property
    def token(self) -> str:
        return self.phone.token

    def start_front(self, max_calls: int) -> None:
        """(Re)start the phone front with ``max_concurrent_calls``; a fresh instance id, so no
        call of an earlier load level counts for admission."""
        if self.front is not None:
            stop_process(self.front)
        env = {**self.phone.env, "TELEPHONY_MAX_CALLS": str(max_calls),
               "TELEPHONY_INSTANCE_ID": f"node-{secrets.token_hex(3)}"}
        self.front = start_http_process(["-m", "channels.phone_front", "--port", str(self.front_port)],
                                        f"http://127.0.0.1:{self.front_port}/health", self.workdir / "front.log", env)

    def stop(self) -> None:
        self.proxy.stop()
        if self.front is not None:
            stop_process(self.front)
        self.phone.stop()
        shutil.rmtree(self.proxy.directory, ignore_errors=True)


def proxy_settings(rasa_urls: list[str], front_port: int) -> dict[str, str]:
    """The proxy in front of these replicas and the phone front, with the benchmark's limits."""
    return {"RASA_UPSTREAMS": ",".join(url.split("//", 1)[1] for url in rasa_urls), "GATEWAY_ALLOW": "127.0.0.1",
            "EXPOSE_REST": "on", "PHONE_FRONT": "on", "PHONE_FRONT_UPSTREAM": f"127.0.0.1:{front_port}", **BENCH_LIMITS}


def start_node(workdir: Path, seed_dir: Path, replicas: int, stores: ProductionStores,
               max_calls: int = UNCAPPED) -> Node:
    """Start everything and wait until each process answers; ``stop()`` ends it all."""
    phone = start_phone_servers(workdir, seed_dir, max_calls=max_calls, replicas=replicas, **stores.as_kwargs())
    proxy_dir = unprivileged_dir("bt-bench-nginx-")
    try:
        cert, key = self_signed(proxy_dir)
        front_port = free_port()
        proxy = start_proxy(proxy_dir, free_port(), free_port(), cert, key,
                            **proxy_settings(phone.servers.rasa_urls, front_port))
    except Exception:
        phone.stop()
        shutil.rmtree(proxy_dir, ignore_errors=True)
        raise
    node = Node(phone, proxy, client_context(cert), workdir, front_port=front_port, tls=(cert, key), active=replicas)
    try:
        node.start_front(max_calls)
    except Exception:
        node.stop()
        raise
    return node
