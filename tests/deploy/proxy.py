"""The nginx of the deployment tests (``bench/helpers/proxy.py``) and an HTTPS client through it."""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass

from bench.helpers.proxy import (  # noqa: F401 - the tests' names for the launcher
    NGINX,
    SERVER_NAME,
    Proxy,
    client_context,
    local,
    nginx_test,
    render,
    self_signed,
    settings,
    start_proxy,
    unprivileged_dir,
)


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(context: ssl.SSLContext, method: str, url: str, body: bytes | None = None,
            headers: dict | None = None, timeout: float = 60.0) -> Reply:
    """One HTTPS request through the proxy; never raises on 4xx/5xx."""
    req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json",
                                                                            **(headers or {})})
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                         _NoRedirect())
    try:
        with opener.open(req, timeout=timeout) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
