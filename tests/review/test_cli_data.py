"""``python -m bot console purge | delete-conversation | ingest | export-annotations`` as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from bot.config import PROJECT_ROOT
from bot.console.settings import ConsoleSettings
from bot.review.annotations import add_annotation
from bot.review.models import ReviewConversation
from bot.review.stores import open_stores
from bot.staff.audit import audit_entries
from tests.review.trackers import bot, conversation, save, tracker_store, ts, user


def _cli(settings: ConsoleSettings, *args: str) -> subprocess.CompletedProcess:
    endpoints = Path(settings.tracker_db_url.removeprefix("sqlite:///")).with_name("endpoints.yml")
    endpoints.write_text(f'tracker_store:\n  type: SQL\n  url: "{settings.tracker_db_url}"\n', encoding="utf-8")
    env = {**os.environ, "STAFF_DB_URL": settings.staff_db_url, "ENDPOINTS_FILE": str(endpoints),
           "TELEPHONY_DB_URL": settings.telephony_db_url or ""}
    return subprocess.run([sys.executable, "-m", "bot", "console", *args], cwd=PROJECT_ROOT, env=env,
                          check=False, capture_output=True, text=True, timeout=120)


async def test_cli_ingest_export_delete_and_purge(settings: ConsoleSettings, tmp_path: Path) -> None:
    store = tracker_store(settings.tracker_db_url)
    now = datetime.now(timezone.utc)
    fresh, old = ts(now - timedelta(hours=1)), ts(now - timedelta(days=40))
    await save(store, "fresh", conversation(fresh, user("Mensch bitte", "nlu_fallback", 0.2, fresh + 1),
                                             bot("Ich habe Sie nicht verstanden.", fresh + 2)))
    await save(store, "other", conversation(fresh, user("Hallo", "greet", 0.3, fresh + 1)))
    await save(store, "old", conversation(old, user("Hallo", "greet", 0.99, old + 1)))
    store.engine.dispose()

    ingested = _cli(settings, "ingest")
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(ingested.stdout)["conversations"] == 3

    with open_stores(settings) as stores, stores.sessions() as session, session.begin():
        add_annotation(session, "fresh", 0, "falscher_intent", "rita", correct_intent="request_human")
    out = tmp_path / "annotations.yml"
    exported = _cli(settings, "export-annotations", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert "- intent: request_human" in out.read_text(encoding="utf-8")

    deleted = _cli(settings, "delete-conversation", "other")
    assert deleted.returncode == 0 and json.loads(deleted.stdout)["events"] > 0

    purged = _cli(settings, "purge")
    assert purged.returncode == 0, purged.stderr
    assert json.loads(purged.stdout)["conversations"] == 1
    assert _cli(settings, "purge", "--days", "0").returncode == 2

    with open_stores(settings) as stores, stores.sessions() as session:
        assert list(session.scalars(select(ReviewConversation.conversation_id))) == ["fresh"]
        actors = {entry.action: entry.actor for entry in audit_entries(session)}
    assert actors["export"].startswith("cli") and actors["retention_purge"].startswith("cli")
    assert actors["delete_conversation"].startswith("cli")

    # Retention that cannot reach Rasa's tracker store says so and fails; so does deletion.
    elsewhere = ConsoleSettings(**{**settings.__dict__, "tracker_db_url": f"sqlite:///{tmp_path / 'elsewhere.db'}"})
    failed = _cli(elsewhere, "purge")
    assert failed.returncode == 1 and "nothing was deleted" in failed.stderr, failed.stderr
    assert _cli(elsewhere, "delete-conversation", "fresh").returncode == 1
