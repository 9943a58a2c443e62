"""Agent presence from console sessions (``bot/handoff/presence.py``)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.db.engine import get_engine
from bot.db.migrate import create_all
from bot.handoff.presence import agents_online
from bot.staff import session_factory
from bot.staff.models import ConsoleSession, ConsoleUser

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)


def test_counts_recent_active_agents_once(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'staff.db'}")
    create_all(engine, "staff")
    sessions = session_factory(engine)
    with sessions() as session, session.begin():
        users = {
            name: ConsoleUser(username=name, display_name=name, password_hash="x", roles=roles,
                              active=active, failed_logins=0, created_at=NOW)
            for name, roles, active in [
                ("anna", "agent", True), ("ben", "agent,reviewer", True), ("carla", "reviewer", True),
                ("dora", "agent", False), ("emil", "agent", True),
            ]
        }
        session.add_all(users.values())
        session.flush()
        seen = {"anna": [1, 1], "ben": [0], "carla": [0], "dora": [0], "emil": [5]}
        for name, minutes_ago in seen.items():
            for index, ago in enumerate(minutes_ago):
                moment = NOW - timedelta(minutes=ago)
                session.add(ConsoleSession(
                    token_hash=f"{name}{index}".ljust(64, "0"), user_id=users[name].id, csrf_token="c",
                    created_at=moment, last_seen=moment, expires_at=NOW + timedelta(hours=1),
                ))
    with sessions() as session:
        # anna (two sessions) and ben; not carla (reviewer), dora (disabled) or emil (5 minutes ago).
        assert agents_online(session, NOW) == 2
    engine.dispose()
