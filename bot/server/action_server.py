"""The action server behind a token: ``python -m bot.server.action_server [--host H] [--port P]``.

rasa-sdk 3.6 binds 0.0.0.0 and has no authentication, and its webhook trusts the tracker
in the request body (slots, sender id, channel). This launcher runs the same app
(``rasa_sdk.endpoint.create_app``) but

- listens on ``127.0.0.1`` unless ``--host`` / ``ACTION_SERVER_HOST`` says otherwise
  (``0.0.0.0`` in a container whose port only Rasa reaches);
- answers 401 to every request except ``GET /health`` without
  ``Authorization: Bearer <ACTION_SERVER_TOKEN>``, before the body is parsed
  (:mod:`bot.server.guard`); Rasa sends the header (:mod:`bot.server.rasa_server`);
- allows no CORS origins (only Rasa calls it) and caps bodies at :data:`MAX_BODY_BYTES`;
- logs an error at start when the knowledge base is empty or unreadable
  (:func:`check_knowledge`): every fact would then be "unknown".
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from bot.logs import configure_logging
from bot.metrics import serve_metrics
from bot.secrets import ACTION_SERVER_TOKEN, MissingSecret, require_secret
from bot.server.action_metrics import install_action_metrics
from bot.server.guard import install_guard
from bot.server.turn_profile import install_actions as install_turn_profile

logger = logging.getLogger(__name__)

#: A request carries the whole tracker; long conversations stay far below this.
MAX_BODY_BYTES = 8 * 1024 * 1024
DEFAULT_PORT = 5055


def check_knowledge() -> bool:
    """Whether the knowledge base answers and holds offices; an error is logged when not (the
    server still starts: citizens get "unknown" with the official page and 115, not silence)."""
    from bot.kb.shared import repository

    try:
        offices = repository().offices()
    except Exception as error:  # noqa: BLE001 - any failure here means the same to the operator
        logger.error("the knowledge base cannot be read (%s): run `python -m bot db upgrade` and "
                     "`python -m bot load-knowledge` (make knowledge)", type(error).__name__)
        return False
    if not offices:
        logger.error("the knowledge base is empty: every fact would be unknown; load it with "
                     "`python -m bot load-knowledge` (make knowledge)")
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Start the action server; 2 when the token is missing."""
    parser = argparse.ArgumentParser(prog="python -m bot.server.action_server", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT", DEFAULT_PORT)))
    parser.add_argument("--actions", default="actions", help="package with the actions (default: actions)")
    args = parser.parse_args(argv)
    try:
        token = require_secret(ACTION_SERVER_TOKEN)
    except MissingSecret as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    from rasa_sdk import utils
    from rasa_sdk.endpoint import create_app
    from rasa_sdk.plugin import plugin_manager

    configure_logging("actions")
    check_knowledge()
    app = create_app(args.actions, cors_origins=None)
    install_guard(app, token, (), public_paths=("/health",), max_body_bytes=MAX_BODY_BYTES)
    install_action_metrics(app)
    install_turn_profile()  # only with TURN_PROFILE (bench/turn_profile.py)
    serve_metrics("actions")
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    logger.info("action server on http://%s:%s", args.host, args.port)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
