"""The city's Echtzeit-Ampel feed on loopback for the end-to-end servers (recorded response)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RECORDED = (Path(__file__).parents[1] / "kb" / "wartezeiten-status-2025-06-26.json").read_bytes()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # http.server's name
        body = RECORDED if self.path.startswith("/bb/status") else json.dumps({"error": "not found"}).encode()
        self.send_response(200 if self.path.startswith("/bb/status") else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class FakeFeed:
    """A thread serving the recorded feed; ``url`` goes into ``WAITING_TIMES_URL``."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/bb/status"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
