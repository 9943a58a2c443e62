"""``rasa run`` with its HTTP API behind a token: ``python -m bot.server.rasa_server [shell] [args]``.

Rasa's own ``--auth-token`` flag would put the token into the process arguments
(visible in ``ps``), accepts it only as ``?token=`` in URLs and compares it with
``==``. Instead this launcher

- reads ``RASA_AUTH_TOKEN`` with :mod:`bot.secrets` (environment or file) and refuses to
  start without one;
- starts Rasa with the API enabled, behind :func:`bot.server.guard.token_guard`: only the
  input channels' paths (``/webhooks/…`` and the socket.io path) are public, every other
  path — ``/``, ``/version``, ``/status``, ``/conversations/…``, ``/model…``,
  ``/domain`` — answers 401 without ``Authorization: Bearer <token>``;
- caps request bodies at :data:`MAX_BODY_BYTES` before Sanic buffers them;
- sends ``ACTION_SERVER_TOKEN`` to the action server in a header of every call;
- lets store errors reach the input channels instead of Rasa's in-memory fallback and
  answers a repeated message id once (:mod:`bot.server.rasa_stores`);
- refuses Rasa's stock Redis lock store, which lets two replicas serve one conversation
  at once (:func:`bot.endpoints.lock_store_problem`; use ``bot.locks.AtomicRedisLockStore``).

All arguments are those of ``rasa run`` (``--model``, ``--endpoints``, ``--credentials``,
``-i``, ``--port`` …); ``--enable-api`` is implied, ``--auth-token`` is refused.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sanic import Sanic

from bot.endpoints import EndpointsError, endpoints_file, lock_store_problem
from bot.logs import configure_logging
from bot.secrets import ACTION_SERVER_TOKEN, RASA_AUTH_TOKEN, MissingSecret, bearer_header, require_secret
from bot.server.guard import install_guard

logger = logging.getLogger(__name__)

#: Largest request body (bytes): citizen messages are at most 64 KB (channels/validation.py).
MAX_BODY_BYTES = 128 * 1024
#: Path prefixes a citizen or the phone gateway may reach without the token.
PUBLIC_PREFIXES = ("/webhooks/",)
FORBIDDEN_ARGS = ("--auth-token", "-t", "--jwt-secret", "--enable-api")


def public_prefixes(input_channels: Sequence[Any] | None) -> list[str]:
    """``/webhooks/`` plus each socket.io channel's path."""
    prefixes = list(PUBLIC_PREFIXES)
    for channel in input_channels or ():
        path = getattr(channel, "socketio_path", None)
        if isinstance(path, str) and path.startswith("/"):
            prefixes.append(path.rstrip("/") + "/")
    return prefixes


def _guarded_configure_app(original: Any, api_token: str, action_token: str) -> Any:
    """Rasa's ``configure_app`` followed by the guard and the action-server header."""

    signature = inspect.signature(original)

    def configure_app(*args: Any, **kwargs: Any) -> Sanic:
        bound = signature.bind(*args, **kwargs)
        bound.arguments["auth_token"] = None  # the guard checks the token, in a header, in constant time
        bound.arguments["enable_api"] = True
        endpoints = bound.arguments.get("endpoints")
        if endpoints is not None and endpoints.action is not None:
            endpoints.action.headers = {**(endpoints.action.headers or {}), **bearer_header(action_token)}
        app = original(*bound.args, **bound.kwargs)
        channels = bound.arguments.get("input_channels")
        install_guard(app, api_token, public_prefixes(channels), max_body_bytes=MAX_BODY_BYTES)
        return app

    return configure_app


def _endpoints_arg(args: Sequence[str]) -> Path | None:
    """The ``--endpoints`` file given in ``args`` (``--endpoints F`` or ``--endpoints=F``)."""
    for index, arg in enumerate(args):
        if arg == "--endpoints" and index + 1 < len(args):
            return Path(args[index + 1])
        if arg.startswith("--endpoints="):
            return Path(arg.split("=", 1)[1])
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``rasa run`` (or ``rasa shell`` when ``argv`` starts with ``shell``) with ``argv``.

    Returns 2 when a secret is missing or a refused flag is given.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args and args[0] in ("run", "shell") else "run"
    refused = [arg for arg in args if arg.split("=")[0] in FORBIDDEN_ARGS]
    if refused:
        print(f"error: {refused[0]} is not accepted: the API is always on, its token comes from "
              f"{RASA_AUTH_TOKEN} (see bot/secrets.py)", file=sys.stderr)
        return 2
    try:
        api_token = require_secret(RASA_AUTH_TOKEN)
        action_token = require_secret(ACTION_SERVER_TOKEN)
    except MissingSecret as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    # No telemetry and no error reports to Rasa's servers: nothing leaves the city's machines.
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    configure_logging("rasa")
    import rasa.core.run
    from rasa.__main__ import main as rasa_main

    endpoints = _endpoints_arg(args)
    if endpoints is None:
        endpoints = endpoints_file()  # the file the console reads too (ENDPOINTS_FILE)
        args += ["--endpoints", str(endpoints)]
    try:
        problem = lock_store_problem(endpoints)
    except EndpointsError as error:
        problem = str(error)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    from bot.metrics import serve_metrics
    from bot.server import action_client, rasa_metrics, rasa_stores, turn_profile

    rasa_metrics.install()
    rasa_stores.install()
    action_client.install()
    turn_profile.install_rasa()  # only with TURN_PROFILE (bench/turn_profile.py)
    serve_metrics("rasa")
    rasa.core.run.configure_app = _guarded_configure_app(rasa.core.run.configure_app, api_token, action_token)
    sys.argv = ["rasa", command, *args, *(["--enable-api"] if command == "run" else [])]
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
