"""Dialogue metrics of the Rasa process: NLU fallbacks and emergency answers.

Rasa 3.6 has no hook for either, so :func:`install` wraps two methods of its
``MessageProcessor`` (pinned Rasa, checked by ``tests/deploy/test_metrics.py``):

- after a user message is logged on the tracker, its intent: ``nlu_fallback`` counts
  :data:`bot.metrics.NLU_FALLBACKS`;
- after an action is logged, its name: ``utter_emergency`` counts
  :data:`bot.metrics.EMERGENCY_ANSWERS`.

Only the intent or action name and the input channel are read, never the text.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from bot import metrics

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
EMERGENCY_ACTIONS = frozenset({"utter_emergency"})


def _channel(tracker: Any) -> str:
    try:
        return metrics.channel_label(tracker.get_latest_input_channel())
    except Exception:  # noqa: BLE001 - metrics never fail a turn
        return "other"


def install() -> None:
    """Wrap ``MessageProcessor`` once per process."""
    from rasa.core.processor import MessageProcessor

    if getattr(MessageProcessor, "_buergertelefon_metrics", False):
        return
    handle = MessageProcessor._handle_message_with_tracker
    log_action = MessageProcessor._log_action_on_tracker

    @functools.wraps(handle)
    async def handle_message_with_tracker(self: Any, message: Any, tracker: Any) -> None:
        await handle(self, message, tracker)
        try:
            latest = tracker.latest_message
            if latest is not None and (latest.intent or {}).get("name") == FALLBACK_INTENT:
                metrics.NLU_FALLBACKS.labels(metrics.channel_label(message.input_channel)).inc()
        except Exception:
            logger.debug("fallback metric not counted", exc_info=True)

    @functools.wraps(log_action)
    def log_action_on_tracker(self: Any, tracker: Any, action: Any, events: Any, prediction: Any) -> None:
        log_action(self, tracker, action, events, prediction)
        try:
            if action.name() in EMERGENCY_ACTIONS:
                metrics.EMERGENCY_ANSWERS.labels(_channel(tracker)).inc()
        except Exception:
            logger.debug("emergency metric not counted", exc_info=True)

    MessageProcessor._handle_message_with_tracker = handle_message_with_tracker
    MessageProcessor._log_action_on_tracker = log_action_on_tracker
    MessageProcessor._buergertelefon_metrics = True
