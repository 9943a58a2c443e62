"""Position notices for citizens waiting in the queue, and expiry of stale entries.

When a conversation moves up (someone ahead was taken over or left), the citizen gets
"Sie sind jetzt an Position N. Die Wartezeit beträgt etwa M Minuten." with a button to
leave the queue (wording and estimate of ``bot/handoff/wait.py``). \
``mark_notified`` is a compare-and-set, so of several console
processes exactly one sends each notice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy.orm import sessionmaker

from bot.console.rasa_client import RasaClient, RasaUnavailable
from bot.handoff.presence import agents_online
from bot.handoff.queue import HandoffQueue, QueueEntry
from bot.handoff.wait import CANCEL_BUTTON, estimated_wait_minutes, position_written
from bot.metrics import HANDOFFS_WAITING
from bot.telephony import runtime

logger = logging.getLogger(__name__)

#: Waiting entries older than this are closed as ``expired`` (the citizen has long gone).
MAX_WAIT = timedelta(hours=2)


def position_text(position: int, minutes: int) -> str:
    """The notice a waiting citizen gets."""
    return position_written(position, minutes, moved_up=True)


def due_notices(entries: list[QueueEntry]) -> list[QueueEntry]:
    """Entries whose position is better than the one the citizen was last told."""
    return [
        entry for entry in entries
        if entry.position is not None and entry.notified_position is not None
        and entry.position < entry.notified_position
    ]


def _state(queue: HandoffQueue, sessions: sessionmaker) -> tuple[list[QueueEntry], int, int]:
    expired = queue.expire_waiting(MAX_WAIT)
    if expired:
        logger.info("closed %d queue entries waiting longer than %s", expired, MAX_WAIT)
    with sessions() as session:
        agents = agents_online(session)
    waiting = queue.waiting()
    HANDOFFS_WAITING.set(len(waiting))  # after the expiry: what staff really have waiting
    return due_notices(waiting), agents, runtime.handle_seconds(runtime.board())


async def notify_positions(queue: HandoffQueue, sessions: sessionmaker, rasa: RasaClient) -> int:
    """Send the due position notices; returns how many were sent."""
    due, agents, avg = await asyncio.to_thread(_state, queue, sessions)
    sent = 0
    for entry in due:
        assert entry.position is not None
        won = await asyncio.to_thread(queue.mark_notified, entry.id, entry.notified_position, entry.position)
        if not won:
            continue
        text = position_text(entry.position, estimated_wait_minutes(entry.position, avg, agents))
        try:
            await rasa.send_bot_message(entry.conversation_id, text, buttons=[CANCEL_BUTTON])
        except RasaUnavailable as error:
            logger.warning("position notice for handoff %d not sent: %s", entry.id, error)
            # Undo the mark (compare-and-set again), so the next round tries once more.
            await asyncio.to_thread(queue.mark_notified, entry.id, entry.position, entry.notified_position)
            continue
        sent += 1
    return sent
