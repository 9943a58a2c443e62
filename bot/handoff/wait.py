"""The estimated wait of a citizen in a queue, and how it is written and spoken.

One estimate for the web chat's queue and the phone hotline: the conversations ahead
and this one, times the average handling time (the agent board's, default
``avg_handle_minutes`` of ``handoff.yml``), divided by the agents who take them.
"""

from __future__ import annotations

import math

#: The button that lets a waiting citizen leave the web chat's queue.
CANCEL_BUTTON = {"title": "Warten abbrechen", "payload": "/cancel_handoff"}


def estimated_wait_minutes(position: int, avg_handle_seconds: int, agents: int) -> int:
    """Minutes until ``position`` is served: position × handling time ÷ agents (at least 1 minute)."""
    return max(1, math.ceil(position * avg_handle_seconds / max(1, agents) / 60))


def minutes_written(minutes: int) -> str:
    """``1`` → ``"etwa 1 Minute"``, ``12`` → ``"etwa 12 Minuten"``."""
    return f"etwa {minutes} Minute" if minutes == 1 else f"etwa {minutes} Minuten"


def minutes_spoken(minutes: int) -> str:
    """``1`` → ``"etwa eine Minute"``, ``8`` → ``"etwa 8 Minuten"``."""
    return "etwa eine Minute" if minutes <= 1 else f"etwa {minutes} Minuten"


def position_written(position: int, minutes: int, moved_up: bool = False) -> str:
    """``"Sie sind (jetzt) an Position 2. Die Wartezeit beträgt etwa 12 Minuten."``."""
    now = " jetzt" if moved_up else ""
    return f"Sie sind{now} an Position {position}. Die Wartezeit beträgt {minutes_written(minutes)}."
