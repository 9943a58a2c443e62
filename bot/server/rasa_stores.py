"""How the Rasa process uses its stores when one of them fails or a message comes twice.

Rasa 3.6 has no settings for either, so :func:`install` changes three things of the
pinned Rasa once per process (checked by ``tests/e2e/test_store_outage.py`` and
``tests/e2e/test_failover.py``):

- **No in-memory fallback.** Rasa wraps every tracker store in a ``FailSafeTrackerStore``:
  when PostgreSQL is down, ``retrieve`` returns *no tracker* and ``save`` writes to
  process memory. The citizen would get an answer without the conversation's context
  (the service forgotten), and the turn would never reach the database. Our process
  lets the store error reach the input channel instead, which answers with a clear
  message (``channels/outage.py``) and counts the error.
- **Fail fast, heal by itself.** The SQL tracker store's engine checks a pooled
  connection before using it (``pool_pre_ping``: after an outage the first turn works)
  and gives up connecting to PostgreSQL after :data:`CONNECT_TIMEOUT_SECONDS`.
- **A message id is handled once.** A message whose id (``UserMessage.message_id``:
  the AudioCodes activity id, the REST body's ``message_id``) the conversation already
  has is not processed again: the answer it got is sent from the tracker. The check
  runs under the conversation's lock, so a retry after a replica died — or a retry
  sent to both replicas at once — is answered exactly once in the tracker and the same
  way to the client.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

logger = logging.getLogger(__name__)

#: Seconds to wait for a PostgreSQL connection (libpq ``connect_timeout``) before a turn fails.
CONNECT_TIMEOUT_SECONDS = 3


class AlreadyAnswered(Exception):
    """The message was handled before; ``messages`` is the answer it got."""

    def __init__(self, messages: list[dict]) -> None:
        super().__init__("message handled before")
        self.messages = messages


def earlier_answer(events: list[Any], message_id: str | None) -> list[dict] | None:
    """The bot messages that answered the user message ``message_id`` in ``events``, or None
    when the conversation has no user message with that id."""
    if not message_id:
        return None
    answer: list[dict] | None = None
    for event in events:
        kind = getattr(event, "type_name", None)
        if kind == "user":
            if answer is not None:
                break
            if getattr(event, "message_id", None) == message_id:
                answer = []
        elif kind == "bot" and answer is not None:
            answer.append(event.message())
    return answer


def _engine_kwargs(original: Any) -> Any:
    @functools.wraps(original)
    def create_engine_kwargs(url: Any) -> dict:
        kwargs = dict(original(url))
        kwargs["pool_pre_ping"] = True
        if str(url).startswith("postgresql"):
            kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "connect_timeout": CONNECT_TIMEOUT_SECONDS}
        return kwargs

    return create_engine_kwargs


def install() -> None:
    """Patch Rasa's agent, SQL tracker store and message processor once per process."""
    import rasa.core.tracker_store as tracker_store
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.processor import MessageProcessor

    if getattr(MessageProcessor, "_buergertelefon_stores", False):
        return
    tracker_store.create_engine_kwargs = _engine_kwargs(tracker_store.create_engine_kwargs)

    def create_tracker_store(store: Any, domain: Any) -> Any:
        if store is None:
            return tracker_store.InMemoryTrackerStore(domain)
        store.domain = domain
        return store  # no FailSafeTrackerStore: a store error reaches the input channel

    Agent._create_tracker_store = staticmethod(create_tracker_store)

    handle = MessageProcessor.handle_message
    log_message = MessageProcessor.log_message

    @functools.wraps(log_message)
    async def logged_once(self: Any, message: Any, should_save_tracker: bool = True) -> Any:
        tracker = await self.fetch_tracker_and_update_session(message.sender_id, message.output_channel,
                                                              message.metadata)
        answer = earlier_answer(list(tracker.events), message.message_id)
        if answer is not None:
            raise AlreadyAnswered(answer)
        await self._handle_message_with_tracker(message, tracker)
        if should_save_tracker:
            await self.save_tracker(tracker)
        return tracker

    @functools.wraps(handle)
    async def handled_once(self: Any, message: Any) -> Any:
        try:
            return await handle(self, message)
        except AlreadyAnswered as answered:
            logger.info("message handled before: its answer is sent again from the tracker")
            output = message.output_channel
            for bot_message in answered.messages:
                await output.send_response(message.sender_id, dict(bot_message))
            return output.messages if isinstance(output, CollectingOutputChannel) else None

    MessageProcessor.log_message = logged_once
    MessageProcessor.handle_message = handled_once
    MessageProcessor._buergertelefon_stores = True
