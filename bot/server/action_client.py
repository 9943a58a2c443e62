"""How the Rasa process calls the action server: the response check without its per-call cost.

Rasa 3.6 checks every action server response against its JSON schema with
``jsonschema.validate(result, schema)``, which first checks the *schema* itself against
the meta-schema, on every call: 15–30 ms of CPU per custom action on the reference
machine, a third of a whole turn (``bench/turn_profile.py``). :func:`install` replaces
``RemoteAction._validate_action_result`` (pinned Rasa, checked by
``tests/deploy/test_action_client.py``) with the same check against a validator built
once per process: the same schema, the same ``ValidationError`` with Rasa's hint,
0.2 ms.

A call whose request could not be sent is sent once more (:func:`send_once_more`). Rasa
opens a new connection for every action call; when it breaks before the request is
through (the action server closed it, or nothing listens yet), Rasa gives up, loses the
action's events, and the citizen gets no answer at all. The action server cannot have run
the action on an incomplete request, so sending it again is safe; an error after the
request was sent (the action may have run) is never retried.

When the action server still fails (down, an error, no answer in time), Rasa would log it,
drop the action's events and say nothing; the citizen would wait for an answer that never
comes. :func:`apologise_on_failure` answers with the outage message instead
(:mod:`bot.outage_answers`: written, or spoken on the phone). A rejection
(``ActionExecutionRejection``, part of the form logic) still goes to Rasa.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger(__name__)

#: aiohttp's words when the request body could not be written (aiohttp/client_reqrep.py,
#: pinned 3.9; tests/test_action_client.py checks that they are still there).
NOT_SENT = "Can not write request body"

#: Appended to a validation error, as Rasa does.
HINT = (". Failed to validate Action server response from API, make sure your response from the "
        "Action endpoint is valid. For more information about the format visit {docs}/custom-actions")


@functools.lru_cache(maxsize=1)
def response_validator() -> Any:
    """A validator of Rasa's action response schema, checked and built once."""
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the cached validator."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(response_validator().iter_errors(result))  # the error jsonschema.validate raises
    if error is not None:
        error.message += HINT.format(docs=DOCS_BASE_URL)
        raise error
    return True


def was_not_sent(error: BaseException) -> bool:
    """Whether a request failed before the server could have a whole request: no connection,
    or the body could not be written."""
    import aiohttp

    return isinstance(error, aiohttp.ClientConnectorError) or (
        isinstance(error, aiohttp.ClientOSError) and NOT_SENT in str(error))


def send_once_more(request: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """``EndpointConfig.request`` that sends a request once more when it was not sent."""

    @functools.wraps(request)
    async def sent(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await request(self, *args, **kwargs)
        except Exception as error:
            if not was_not_sent(error):
                raise
            logger.warning("a request to %s was not sent (%s): sending it once more", self.url, type(error).__name__)
            return await request(self, *args, **kwargs)

    sent.sends_once_more = True  # type: ignore[attr-defined]
    return sent


def apologise_on_failure(run: Callable[..., Awaitable[list]]) -> Callable[..., Awaitable[list]]:
    """``RemoteAction.run`` that answers with the outage message when the action server fails."""
    from rasa.core.actions.action import ActionExecutionRejection
    from rasa.shared.core.events import BotUttered
    from rasa.shared.exceptions import RasaException

    from bot.outage_answers import SPOKEN, WRITTEN
    from bot.telephony import VOICE_CHANNELS

    @functools.wraps(run)
    async def run_or_apologise(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list:
        try:
            return await run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except RasaException as error:
            logger.error("action %s failed in the action server (%s): the citizen gets the outage message",
                         self.name(), type(error.__cause__ or error.__context__ or error).__name__)
            spoken = tracker.get_latest_input_channel() in VOICE_CHANNELS
            return [BotUttered(SPOKEN if spoken else WRITTEN)]

    return run_or_apologise


def install() -> None:
    """Patch ``RemoteAction`` and ``EndpointConfig.request`` once per process."""
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    if RemoteAction._validate_action_result is validate_action_result:
        return
    RemoteAction._validate_action_result = validate_action_result
    RemoteAction.run = apologise_on_failure(RemoteAction.run)
    EndpointConfig.request = send_once_more(EndpointConfig.request)
