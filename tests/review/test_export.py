"""Annotations and their export as Rasa NLU YAML (read back with Rasa's own loader)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from sqlalchemy import select

from bot.console.settings import ConsoleSettings
from bot.review.annotations import AnnotationError, add_annotation, domain_intents
from bot.review.export import export_annotations, nlu_yaml
from bot.review.ingest import ingest
from bot.review.models import ReviewAnnotation
from bot.review.stores import open_stores
from bot.staff.models import AuditEntry
from tests.review.trackers import bot, conversation, save, tracker_store, ts, user


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "nlu.yml"
    path.write_text(text, encoding="utf-8")
    return load_data(str(path))


def test_domain_intents_are_the_nlu_intents() -> None:
    intents = domain_intents()
    assert "request_human" in intents and "ask_fees" in intents
    assert not [name for name in intents if name.startswith("phone_")]


def test_tricky_texts_stay_plain_examples(tmp_path: Path) -> None:
    examples = {
        "ask_fees": ['Was kostet "das": 37,00 Euro?', "# kein Kommentar", "- Liste?", "[Perso](service) bitte",
                     "{json} und (Klammern)", "Was kostet das?\nZweite Zeile", "   ", "/ask_fees"],
        "request_human": ["Meine Nummer ist [TELEFON]", "Meine Nummer ist [TELEFON]"],
        "bad name!": ["wird ausgelassen"],
    }
    training = _load(tmp_path, nlu_yaml(examples))
    found = sorted((m.get("intent"), m.get("text")) for m in training.intent_examples)
    assert found == sorted([
        ("ask_fees", 'Was kostet "das": 37,00 Euro?'), ("ask_fees", "kein Kommentar"), ("ask_fees", "Liste?"),
        ("ask_fees", "Perso service bitte"), ("ask_fees", "json und Klammern"),
        ("ask_fees", "Was kostet das? Zweite Zeile"), ("request_human", "Meine Nummer ist TELEFON"),
    ])
    assert training.entity_examples == []


def test_empty_export_is_valid(tmp_path: Path) -> None:
    assert _load(tmp_path, nlu_yaml({})).intent_examples == []


async def test_annotate_and_export(settings: ConsoleSettings, tmp_path: Path) -> None:
    store = tracker_store(settings.tracker_db_url)
    start = ts(datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc))
    await save(store, "c1",
               conversation(start, user("kann ich jmd sprechen bei 0711 2160", "nlu_fallback", 0.2, start + 1),
                                          bot("Das habe ich nicht verstanden.", start + 2)))
    store.engine.dispose()
    with open_stores(settings) as stores:
        ingest(stores.tracker_engine, stores.sessions)
        with stores.sessions() as session, session.begin():
            add_annotation(session, "c1", 0, "falscher_intent", "rita", correct_intent="request_human",
                           note="geb. 1.2.80, wohnt Kirchweg 4/1")
            add_annotation(session, "c1", 1, "falsche_antwort", "rita", note="fehlt: Hinweis auf 115")
            with pytest.raises(AnnotationError):
                add_annotation(session, "c1", 1, "falsche_antwort", "rita", correct_intent="request_human")
            with pytest.raises(AnnotationError):
                add_annotation(session, "c1", 7, "gut", "rita")
        with stores.sessions() as session, session.begin():
            text = export_annotations(session, "rita")
        with stores.sessions() as session:
            actions = [row.action for row in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
            notes = [row.note for row in session.scalars(select(ReviewAnnotation).order_by(ReviewAnnotation.id))]
    assert actions == ["annotate", "annotate", "export"]
    assert notes == ["geb. [DATUM], wohnt [ADRESSE]", "fehlt: Hinweis auf 115"]
    training = _load(tmp_path, text)
    assert [(m.get("intent"), m.get("text")) for m in training.intent_examples] == [
        ("request_human", "kann ich jmd sprechen bei TELEFON"),
    ]
