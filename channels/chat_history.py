"""Bot messages for the web chat, the history of a conversation and answer feedback.

Pure functions over Rasa events, used by the socket.io channel
(``channels/socketio_input.py``):

- :func:`bot_message` turns a bot answer into the message the browser gets, in
  Rasa's socket.io format (``text`` + ``quick_replies``) plus ``metadata.message_id``,
  the timestamp of the answer's ``bot`` event in the tracker, and ``metadata.agent``
  for messages a person wrote in the staff console. Widgets that do not
  know the id ignore ``metadata`` (the npm ``rasa-webchat`` strips it).
- :func:`conversation_history` lists the messages of the current session, so the
  widget can show them again after a reload.
- :func:`feedback_event` is the thumbs up/down for one answer, stored in the tracker
  as an event of the ``feedback`` slot (declared in ``domain.yml``, no influence on
  the dialogue), right next to the answer it rates.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from rasa.shared.core.events import BotUttered, Event, SessionStarted, SlotSet, UserUttered

logger = logging.getLogger(__name__)

#: Slot that records feedback events (``domain.yml``).
FEEDBACK_SLOT = "feedback"
RATINGS = frozenset({"up", "down"})
#: A message id is the ``repr`` of a float timestamp.
MESSAGE_ID_PATTERN = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,20})?$")
#: Longest button title or display text accepted from a browser.
MAX_DISPLAY_TEXT = 200
#: Longest agent name shown with a staff member's message.
MAX_AGENT_NAME = 80


def message_id(timestamp: float) -> str:
    """The id of a bot answer: the exact timestamp of its ``bot`` event."""
    return repr(float(timestamp))


def safe_url(url: Any) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, else ``None``."""
    if not isinstance(url, str) or len(url) > 2000:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def quick_replies(buttons: Iterable[Any]) -> list[dict]:
    """Rasa buttons as socket.io quick replies.

    Payload buttons become ``{"content_type": "text", "title", "payload"}`` as in
    Rasa's socket.io channel; link buttons (``url``, http/https only) become
    ``{"content_type": "text", "type": "web_url", "title", "url"}``, the format
    the npm ``rasa-webchat`` shows as a link. Anything else is dropped.
    """
    replies = []
    for button in buttons:
        if not isinstance(button, dict) or not isinstance(button.get("title"), str):
            logger.warning("dropped a button without a title: %r", button)
            continue
        if button.get("url") is not None:
            url = safe_url(button["url"])
            if url is None:
                logger.warning("dropped a link button that is not http(s): %r", button)
                continue
            replies.append({"content_type": "text", "type": "web_url", "title": button["title"], "url": url})
        elif isinstance(button.get("payload"), str):
            replies.append({"content_type": "text", "title": button["title"], "payload": button["payload"]})
        else:
            logger.warning("dropped a button without payload or url: %r", button)
    return replies


def agent_name(value: Any) -> str | None:
    """The agent's display name from a bot event's metadata (``metadata.agent``), if it is one."""
    if not isinstance(value, str) or not value.strip():
        return None
    return " ".join(value.split())[:MAX_AGENT_NAME]


def bot_message(
    text: str | None, buttons: Iterable[Any] = (), timestamp: float | None = None, agent: str | None = None,
) -> dict:
    """One bot answer as sent to the browser.

    A message written by a person in the staff console carries ``metadata.agent``
    (their display name), so the widget can label it.
    """
    message: dict[str, Any] = {"text": text or ""}
    replies = quick_replies(buttons)
    if replies:
        message["quick_replies"] = replies
    metadata: dict[str, Any] = {}
    if timestamp is not None:
        metadata["message_id"] = message_id(timestamp)
    name = agent_name(agent)
    if name:
        metadata["agent"] = name
    if metadata:
        message["metadata"] = metadata
    return message


def _current_session(events: Sequence[Event]) -> Sequence[Event]:
    starts = [index for index, event in enumerate(events) if isinstance(event, SessionStarted)]
    return events[starts[-1] + 1:] if starts else events


def _display_text(event: UserUttered, button_titles: dict[str, str]) -> str:
    """What the citizen saw as their message: a button's title instead of its payload."""
    text = event.text or ""
    if not text.startswith("/"):
        return text
    shown = (event.metadata or {}).get("display_text")
    if isinstance(shown, str) and shown.strip():
        return shown.strip()[:MAX_DISPLAY_TEXT]
    return button_titles.get(text, text)


def conversation_history(events: Sequence[Event], expiration_minutes: float, now: float) -> list[dict]:
    """The messages of the current session, oldest first.

    Each item is ``{"sender": "user", "text"}`` or a :func:`bot_message` with
    ``"sender": "bot"`` and, if the citizen rated it, ``"rating": "up"|"down"``.
    Empty when the session has expired (as Rasa decides it: minutes since the last
    user message), because the next message starts a new session anyway.
    """
    session = _current_session(events)
    users = [event for event in session if isinstance(event, UserUttered)]
    if users and expiration_minutes > 0 and (now - users[-1].timestamp) / 60 > expiration_minutes:
        return []
    ratings: dict[str, str] = {}
    for event in session:
        if isinstance(event, SlotSet) and event.key == FEEDBACK_SLOT and isinstance(event.value, dict):
            ratings[str(event.value.get("message_id"))] = str(event.value.get("rating"))
    items: list[dict] = []
    button_titles: dict[str, str] = {}
    for event in session:
        if isinstance(event, UserUttered) and event.text:
            items.append({"sender": "user", "text": _display_text(event, button_titles)})
        elif isinstance(event, BotUttered) and (event.text or event.data.get("buttons")):
            buttons = event.data.get("buttons") or []
            agent = (event.metadata or {}).get("agent")
            item = {"sender": "bot", **bot_message(event.text, buttons, event.timestamp, agent)}
            rating = ratings.get(message_id(event.timestamp))
            if rating in RATINGS:
                item["rating"] = rating
            items.append(item)
            button_titles = {
                b["payload"]: b["title"] for b in buttons
                if isinstance(b, dict) and isinstance(b.get("payload"), str) and isinstance(b.get("title"), str)
            }
    return items


def rated_answer(events: Sequence[Event], answer_id: str) -> BotUttered | None:
    """The bot answer with id ``answer_id`` in the current session, if there is one."""
    for event in reversed(_current_session(events)):
        if isinstance(event, BotUttered) and message_id(event.timestamp) == answer_id:
            return event
    return None


def feedback_event(answer_id: str, rating: str) -> SlotSet:
    """The tracker event that records a rating of one answer."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {sorted(RATINGS)}")
    if not MESSAGE_ID_PATTERN.match(answer_id):
        raise ValueError("not a message id")
    return SlotSet(FEEDBACK_SLOT, {"message_id": answer_id, "rating": rating})
