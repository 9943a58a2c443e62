"""``python -m bot.web``: serve the web chat and the demo page (``make run`` does this)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from aiohttp import web

from bot.logs import configure_logging
from bot.web.app import create_app
from bot.web.settings import SettingsError, WebSettings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.web", description=__doc__)
    parser.add_argument("--host", help="listen address (env WEB_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (env WEB_PORT, default 8080)")
    parser.add_argument("--chat-server", dest="chat_server_url",
                        help="Rasa's URL as browsers reach it (env WEBCHAT_SERVER_URL, default http://127.0.0.1:5005)")
    parser.add_argument("--rasa-url", dest="rasa_url",
                        help="Rasa as this server reaches it, for /health (env RASA_URL, default: --chat-server)")
    parser.add_argument("--widget-dir", dest="widget_dir", type=Path,
                        help="the built widget to serve under /webchat/ (default channels/webchat/dist)")
    parser.add_argument("--title", help="title of the widget (env WEBCHAT_TITLE)")
    parser.add_argument("--language", choices=("de", "en"), help="language of the widget (env WEBCHAT_LANGUAGE)")
    args = parser.parse_args(argv)
    configure_logging("web")
    try:
        settings = WebSettings.from_env(
            host=args.host, port=args.port, chat_server_url=args.chat_server_url,
            title=args.title, language=args.language, rasa_url=args.rasa_url, widget_dir=args.widget_dir,
        )
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not (settings.widget_dir / "webchat.js").exists():
        print(f"error: {settings.widget_dir}/webchat.js is missing: run `make install`", file=sys.stderr)
        return 2
    print(f"Demo page with the web chat: http://{settings.host}:{settings.port}/  "
          f"(chat server {settings.chat_server_url})",
          flush=True)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
