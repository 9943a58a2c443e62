"""Ingest of real Rasa trackers (written by Rasa's SQLTrackerStore) into the review tables."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.console.settings import ConsoleSettings
from bot.handoff.models import Handoff
from bot.review.ingest import ingest
from bot.review.models import ReviewAnnotation, ReviewConversation, ReviewTurn
from bot.review.stores import open_stores
from tests.review.trackers import bot, conversation, save, slot, tracker_store, ts, user
from tests.schema import with_tables

NOW = datetime(2025, 3, 12, 10, 0, tzinfo=timezone.utc)
PII = "Ich wohne Königstraße 12, Tel 0176 12345678, mail erika@example.de"


async def _write_two(url: str) -> None:
    store = tracker_store(url)
    start = ts(NOW - timedelta(minutes=30))
    await save(store, "flagged-1", conversation(
        start,
        user("Was kostet ein Perso?", "ask_fees", 0.93, start + 1),
        slot("service", "personalausweis", start + 1),
        bot("Der Personalausweis kostet 37,00 Euro. Stand: 01.03.2025", start + 2),
        user(PII, "nlu_fallback", 0.2, start + 3),
        bot("Das habe ich nicht verstanden.", start + 4),
        slot("feedback", {"message_id": "x", "rating": "down"}, start + 5),
        bot("Guten Tag, hier ist Frau Maier. Ihre Nummer 0176 12345678 habe ich.", start + 6, agent="Frau Maier"),
    ))
    await save(store, "plain-1", conversation(
        start,
        user("Wann hat das Bürgerbüro Mitte offen?", "ask_opening_hours", 0.97, start + 1),
        bot("Das Bürgerbüro Mitte hat heute von 8 bis 12 Uhr geöffnet.", start + 2),
        slot("feedback", {"message_id": "y", "rating": "up"}, start + 3),
    ))
    store.engine.dispose()


def _texts(settings: ConsoleSettings) -> list[str]:
    with open_stores(settings) as stores, stores.sessions() as session:
        turns = [row.text for row in session.scalars(select(ReviewTurn))]
        notes = [row.text + row.note for row in session.scalars(select(ReviewAnnotation))]
    return turns + notes


async def _check_ingest(settings: ConsoleSettings) -> None:
    await _write_two(settings.tracker_db_url)
    with open_stores(settings) as stores:
        counts = ingest(stores.tracker_engine, stores.sessions, now=NOW)
        assert counts["conversations"] == 2
        assert counts["flagged"] == 1
        assert counts["events_read"] > 10
        with stores.sessions() as session:
            flagged = session.get(ReviewConversation, "flagged-1")
            plain = session.get(ReviewConversation, "plain-1")
            assert flagged.flagged and not plain.flagged
            assert (flagged.user_turns, flagged.fallbacks, flagged.low_confidence) == (2, 1, 1)
            assert flagged.min_confidence == pytest.approx(0.2)
            assert (flagged.feedback_down, plain.feedback_up) == (1, 1)
            assert flagged.service == "personalausweis"
            assert flagged.channel == "socketio"
            turns = session.scalars(
                select(ReviewTurn).where(ReviewTurn.conversation_id == "flagged-1").order_by(ReviewTurn.seq)
            ).all()
            assert [turn.actor for turn in turns] == ["user", "bot", "user", "bot", "agent"]
            assert turns[0].intent == "ask_fees" and turns[0].confidence == pytest.approx(0.93)
            assert turns[2].text == "Ich wohne [ADRESSE], Tel [TELEFON], mail [E-MAIL]"
            # the bot's answers come from the knowledge base: kept as sent (dates of sources included)
            assert turns[1].text == "Der Personalausweis kostet 37,00 Euro. Stand: 01.03.2025"
            assert turns[4].agent == "Frau Maier" and "[TELEFON]" in turns[4].text
            assert session.scalars(select(ReviewTurn).where(ReviewTurn.conversation_id == "plain-1")).all() == []
    joined = " ".join(_texts(settings))
    for secret in ("0176", "Königstraße", "erika@example.de"):
        assert secret not in joined


async def test_ingest_keeps_counts_for_all_and_redacted_turns_for_flagged(settings: ConsoleSettings) -> None:
    await _check_ingest(settings)


@pytest.mark.postgres
async def test_ingest_on_postgresql(postgres_url: str) -> None:
    with_tables(postgres_url, "staff", "telephony")  # the three share one database here
    settings = ConsoleSettings(staff_db_url=postgres_url, tracker_db_url=postgres_url, telephony_db_url=postgres_url)
    await _check_ingest(settings)


async def test_ingest_is_incremental_and_later_flags_keep_earlier_turns(settings: ConsoleSettings) -> None:
    await _write_two(settings.tracker_db_url)
    with open_stores(settings) as stores:
        ingest(stores.tracker_engine, stores.sessions, now=NOW)
        again = ingest(stores.tracker_engine, stores.sessions, now=NOW)
        assert again == {"events_read": 0, "conversations": 0, "flagged": 0}

    store = tracker_store(settings.tracker_db_url)
    tracker = await store.retrieve("plain-1")
    later = ts(NOW)
    tracker.update(user("und die bllb fürs dings", "ask_documents", 0.31, later))
    await store.save(tracker)
    store.engine.dispose()

    with open_stores(settings) as stores:
        counts = ingest(stores.tracker_engine, stores.sessions, now=NOW)
        assert counts["conversations"] == 1 and counts["flagged"] == 1 and counts["events_read"] == 1
        with stores.sessions() as session:
            row = session.get(ReviewConversation, "plain-1")
            assert row.flagged and row.low_confidence == 1
            turns = session.scalars(select(ReviewTurn).where(ReviewTurn.conversation_id == "plain-1")).all()
            assert [turn.actor for turn in turns] == ["user", "bot", "user"]


async def test_handoff_reason_and_later_outcome_reach_the_summary(settings: ConsoleSettings) -> None:
    await _write_two(settings.tracker_db_url)
    with open_stores(settings) as stores:
        entry = stores.queue.enqueue("plain-1", "socketio", "buergertelefon", "request_human", now=NOW)
        ingest(stores.tracker_engine, stores.sessions, now=NOW)
        with stores.sessions() as session:
            row = session.get(ReviewConversation, "plain-1")
            assert (row.flagged, row.handoff_reason, row.handoff_outcome) == (True, "request_human", "waiting")
        assert stores.queue.close(entry.id, "solved", now=NOW + timedelta(minutes=5))
        counts = ingest(stores.tracker_engine, stores.sessions, now=NOW)
        assert counts["conversations"] == 1 and counts["events_read"] == 0
        with stores.sessions() as session:
            assert session.get(ReviewConversation, "plain-1").handoff_outcome == "solved"
            assert session.scalar(select(Handoff.outcome)) == "solved"


def test_ingest_without_rasa_tables_reads_nothing(settings: ConsoleSettings) -> None:
    with open_stores(settings) as stores:
        assert ingest(stores.tracker_engine, stores.sessions) == {"events_read": 0, "conversations": 0, "flagged": 0}
