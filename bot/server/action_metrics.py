"""Action errors of the action server (``buergertelefon_action_errors_total{action}``).

rasa-sdk answers a failing action with a 500 (its exception handler) and an action it
does not know with a 404; a Sanic response middleware counts both by the action's name,
read from the request that rasa-sdk has already parsed (never the tracker, never text).
A 400 is a form's normal rejection and is not an error.
"""

from __future__ import annotations

from typing import Any

from sanic import Sanic
from sanic.request import Request

from bot.metrics import count_action_error


def action_name(request: Request) -> str | None:
    """``next_action`` of the webhook call, if rasa-sdk parsed one."""
    body = getattr(request, "parsed_json", None)
    name = body.get("next_action") if isinstance(body, dict) else None
    return name if isinstance(name, str) else None


def install_action_metrics(app: Sanic) -> None:
    """Count failed ``POST /webhook`` calls of ``app``."""

    async def count_errors(request: Request, response: Any) -> None:
        status = getattr(response, "status", 200)
        if request.path == "/webhook" and (status >= 500 or status == 404):
            count_action_error(action_name(request))

    app.register_middleware(count_errors, "response")
