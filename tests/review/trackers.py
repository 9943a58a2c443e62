"""Write real conversations with Rasa's own ``SQLTrackerStore`` (SQLite file or PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cache
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.config import PROJECT_ROOT


@cache
def project_domain() -> Domain:
    """The project's ``domain.yml`` (loaded once per test session)."""
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


def tracker_store(url: str) -> SQLTrackerStore:
    """Rasa's SQL tracker store on ``url`` (``sqlite:///…`` or ``postgresql://user@host:port/db``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return SQLTrackerStore(project_domain(), dialect="sqlite", db=parsed.database)
    return SQLTrackerStore(
        project_domain(), dialect="postgresql", host=parsed.host, port=parsed.port or 5432,
        db=parsed.database, username=parsed.username, password=parsed.password or "",
    )


def ts(moment: datetime) -> float:
    """Unix seconds of an aware datetime."""
    return moment.astimezone(timezone.utc).timestamp()


def user(text: str, intent: str, confidence: float, at: float, channel: str = "socketio") -> UserUttered:
    """A citizen's message as Rasa stores it after NLU."""
    parse_data: dict[str, Any] = {
        "text": text, "intent": {"name": intent, "confidence": confidence},
        "entities": [], "intent_ranking": [{"name": intent, "confidence": confidence}],
    }
    return UserUttered(text, {"name": intent, "confidence": confidence}, [], parse_data, timestamp=at,
                       input_channel=channel)


def bot(text: str, at: float, agent: str | None = None) -> BotUttered:
    """A bot message; with ``agent`` one written by a staff member in the console."""
    return BotUttered(text, {}, {"agent": agent} if agent else {}, timestamp=at)


def conversation(start: float, *turns: Event) -> list[Event]:
    """A session start followed by ``turns``."""
    return [ActionExecuted("action_session_start", timestamp=start), SessionStarted(timestamp=start),
            ActionExecuted("action_listen", timestamp=start), *turns]


async def save(store: SQLTrackerStore, sender_id: str, events: list[Event]) -> None:
    """Store a conversation with these events."""
    tracker = DialogueStateTracker.from_events(sender_id, events, slots=project_domain().slots)
    await store.save(tracker)


def slot(name: str, value: Any, at: float) -> SlotSet:
    """A slot event (``service``, ``feedback``)."""
    return SlotSet(name, value, timestamp=at)
