"""A Sanic request middleware that lets only public paths through without a token.

Shared by the Rasa server (its HTTP API) and the action server. The check runs before
any handler, so a request without the token never reaches JSON parsing, an action or
a tracker. Tokens travel in ``Authorization: Bearer …`` (never ``?token=``) and are
compared in constant time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.secrets import bearer_matches

logger = logging.getLogger(__name__)

UNAUTHORIZED = {"error": "unauthorized", "message": "A valid 'Authorization: Bearer' token is required."}


def is_public(path: str, public_prefixes: Iterable[str], public_paths: Iterable[str] = ()) -> bool:
    """True for a path below one of ``public_prefixes`` or equal to one of ``public_paths``."""
    if ".." in path or "%" in path:
        return False
    return path in set(public_paths) or any(path.startswith(prefix) for prefix in public_prefixes)


def token_guard(
    token: str, public_prefixes: Iterable[str], public_paths: Iterable[str] = (),
) -> Callable[[Request], Coroutine[Any, Any, HTTPResponse | None]]:
    """The middleware: 401 for a non-public path without ``Bearer <token>``."""
    prefixes = tuple(public_prefixes)
    paths = tuple(public_paths)

    async def guard(request: Request) -> HTTPResponse | None:
        if is_public(request.path, prefixes, paths):
            return None
        if bearer_matches(request.headers.get("authorization"), token):
            return None
        logger.warning("refused %s %s without a valid token", request.method, request.path)
        return response.json(UNAUTHORIZED, status=401, headers={"WWW-Authenticate": "Bearer"})

    return guard


def install_guard(app: Sanic, token: str, public_prefixes: Iterable[str], public_paths: Iterable[str] = (),
                  max_body_bytes: int | None = None) -> None:
    """Put the guard in front of every route of ``app``; optionally cap request bodies.

    ``max_body_bytes`` sets Sanic's ``REQUEST_MAX_SIZE``: larger bodies get a 413
    while they are received, before they are buffered (Sanic's default is 100 MB).
    """
    app.register_middleware(token_guard(token, public_prefixes, public_paths), "request")
    if max_body_bytes is not None:
        app.config.REQUEST_MAX_SIZE = max_body_bytes
