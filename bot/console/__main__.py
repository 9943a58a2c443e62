"""``python -m bot.console``: serve the staff console (``make run`` does this)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from aiohttp import web

from bot.console.app import create_app
from bot.console.settings import ConsoleSettings, ConsoleSettingsError
from bot.logs import configure_logging
from bot.metrics import serve_metrics


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the flags, read the settings and run the console until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m bot.console", description=__doc__)
    parser.add_argument("--host", help="listen address (env CONSOLE_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (env CONSOLE_PORT, default 8090)")
    parser.add_argument("--rasa-url", dest="rasa_url", help="Rasa's HTTP API (env RASA_URL, default http://127.0.0.1:5005)")
    args = parser.parse_args(argv)
    configure_logging("console")
    try:
        settings = ConsoleSettings.from_env(host=args.host, port=args.port, rasa_url=args.rasa_url)
    except ConsoleSettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Staff console: http://{settings.host}:{settings.port}/  (Rasa {settings.rasa_url})", flush=True)
    serve_metrics("console")
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
