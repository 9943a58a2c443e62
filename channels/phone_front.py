"""The phone front: new calls and overflow calls answered before Rasa (``python -m channels.phone_front``).

A small aiohttp process behind the proxy (``deploy/nginx``, ``BT_PHONE_FRONT=on``). It
serves the part of the AudioCodes Bot API that needs no NLU:

* ``GET  /webhooks/audiocodes/webhook`` — the gateway's bot check;
* ``POST /webhooks/audiocodes/webhook`` — a new call: the admission decision in the
  shared call store (:class:`channels.audiocodes_overflow.Admission`, the same as the Rasa
  channel's). An admitted call gets ``conversation/<id>/…`` URLs, which the proxy sends to
  the Rasa replicas; an overflow call gets ``overflow/<id>/…``, served here;
* ``POST /webhooks/audiocodes/overflow/<id>/activities|keepalive|disconnect``;
* ``GET  /health``.

So overflow callers hear the callback offer in milliseconds even while every Rasa process
is saturated: the decision and the answer never wait behind NLU or a tracker. Every
route but the health check needs ``Authorization: Bearer $AUDIOCODES_TOKEN``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from bot.logs import configure_logging
from bot.metrics import serve_metrics
from bot.secrets import MissingSecret, bearer_matches, require_secret
from bot.telephony import runtime
from bot.telephony.activities import message
from bot.telephony.settings import TelephonyConfigError
from channels import outage
from channels.audiocodes_api import check_path_id, conversation_id, parse_activities, stamp
from channels.audiocodes_overflow import OVERFLOW_PATH, Admission
from channels.validation import InvalidRequest, parse_body

logger = logging.getLogger(__name__)

PREFIX = "/webhooks/audiocodes"
DEFAULT_PORT = 5007
#: Bodies above this are refused (the gateway sends one or two activities).
MAX_BODY_BYTES = 128 * 1024
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _unknown() -> web.Response:
    return web.json_response({"error": "unknown conversation"}, status=404)


class PhoneFront:
    """The handlers; ``admission`` decides and answers overflow calls."""

    def __init__(self, token: str, admission: Admission) -> None:
        self._token = token
        self.admission = admission

    def authorised(self, request: web.Request) -> bool:
        """``Authorization: Bearer <token>`` (constant-time comparison)."""
        return bearer_matches(request.headers.get("Authorization"), self._token)

    async def create(self, request: web.Request) -> web.Response:
        cid = conversation_id(parse_body(await request.read()))
        record = await asyncio.to_thread(self.admission.admit, cid)
        return web.json_response(self.admission.urls(cid) if record.admitted
                                 else self.admission.urls(cid, OVERFLOW_PATH))

    async def activities(self, request: web.Request) -> web.Response:
        cid = check_path_id(request.match_info["cid"])
        items = parse_activities(parse_body(await request.read()), cid)
        begun = await asyncio.to_thread(self.admission.begin, cid, items)
        if begun is None or begun.admitted:
            return _unknown()  # admitted calls belong to Rasa
        return web.json_response({"conversation": cid, "activities": begun.activities})

    async def keepalive(self, request: web.Request) -> web.Response:
        cid = check_path_id(request.match_info["cid"])
        begun = await asyncio.to_thread(self.admission.begin, cid, [])
        if begun is None or begun.admitted:
            return _unknown()
        return web.json_response({"expiresSeconds": self.admission.settings.expires_seconds})

    def _disconnect(self, cid: str) -> bool:
        call = self.admission.store.get_call(cid)
        if call is None or call.admitted:
            return False
        self.admission.store.end_call(cid)
        return True

    async def disconnect(self, request: web.Request) -> web.Response:
        cid = check_path_id(request.match_info["cid"])
        if not await asyncio.to_thread(self._disconnect, cid):
            return _unknown()
        logger.info("overflow call disconnected")
        return web.json_response({})

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Token on every route but ``/health``; a 400 for invalid requests."""
        if request.path != "/health" and not self.authorised(request):
            return web.json_response({"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": "Bearer"})
        try:
            return await handler(request)
        except InvalidRequest as error:
            return web.json_response({"error": str(error)}, status=400)
        except Exception as error:
            if not outage.call_store_failed(error, "phone_front"):
                raise
            if request.path.endswith("/activities"):  # the caller hears the apology, never silence
                return web.json_response({"conversation": request.match_info.get("cid"),
                                          "activities": [stamp(message(outage.SPOKEN))]})
            return web.json_response({"error": "temporarily unavailable"}, status=503,
                                     headers={"Retry-After": str(outage.RETRY_AFTER_SECONDS)})


def create_app(front: PhoneFront) -> web.Application:
    """The aiohttp application of ``front``."""
    app = web.Application(middlewares=[front.guard], client_max_size=MAX_BODY_BYTES)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def validate(request: web.Request) -> web.Response:
        return web.json_response({"type": "ac-bot-api", "success": True})

    app.router.add_get("/health", health)
    app.router.add_get(f"{PREFIX}/webhook", validate)
    app.router.add_post(f"{PREFIX}/webhook", front.create)
    for name in ("activities", "keepalive", "disconnect"):
        app.router.add_post(f"{PREFIX}/{OVERFLOW_PATH}/{{cid}}/{name}", getattr(front, name))
    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the front; 2 when the token or the telephony settings are missing or wrong."""
    parser = argparse.ArgumentParser(prog="python -m channels.phone_front", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default=os.environ.get("PHONE_FRONT_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PHONE_FRONT_PORT", DEFAULT_PORT)))
    args = parser.parse_args(argv)
    configure_logging("phone_front")
    try:
        token = require_secret("AUDIOCODES_TOKEN")
        settings = runtime.settings()
    except (MissingSecret, TelephonyConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    logger.info("phone front on http://%s:%s (max_concurrent_calls %s%s)", args.host, args.port,
                settings.max_concurrent_calls,
                f" per Rasa replica of {','.join(settings.replica_hosts)}" if settings.replica_hosts else "")
    serve_metrics("phone_front")  # admission rejections, active calls, callback requests of overflow calls
    web.run_app(create_app(PhoneFront(token, Admission(settings))), host=args.host, port=args.port, print=None,
                access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
