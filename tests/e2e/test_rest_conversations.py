"""Real servers over REST: answers, context, corrections, normalised entities."""

from __future__ import annotations

import pytest

from bench.helpers.servers import http_json
from tests.e2e.conftest import joined

pytestmark = pytest.mark.e2e


def test_fee_question_is_answered_with_the_2026_fee(say) -> None:
    answer = joined(say("Was kostet ein Personalausweis?"))
    assert "46,00 Euro" in answer and "27,60 Euro" in answer
    assert "Stand " in answer and "Quelle" in answer


def test_question_without_service_then_service(say) -> None:
    question = joined(say("Was kostet das?"))
    assert "Für welche Leistung" in question
    answer = joined(say("Reisepass"))
    assert "70,00 Euro" in answer


def test_correction_answers_the_same_topic_again(say) -> None:
    first = joined(say("Was kostet ein Reisepass?"))
    assert "70,00 Euro" in first
    corrected = joined(say("Nein, ich meinte den Personalausweis"))
    assert "46,00 Euro" in corrected


def test_later_question_reuses_the_service(say) -> None:
    say("Was kostet ein Personalausweis?")
    documents = joined(say("Und welche Unterlagen brauche ich dafür?"))
    assert "Personalausweis" in documents
    assert "Für welche Leistung" not in documents


def test_emergency_gives_emergency_numbers_first(say) -> None:
    messages = say("Hilfe, mein Nachbar ist zusammengebrochen und atmet nicht!")
    assert "112" in messages[0]["text"] and "110" in messages[0]["text"]


def test_opening_hours_of_a_district(say) -> None:
    answer = joined(say("Wann hat das Bürgerbüro Botnang offen?"))
    assert "Bürgerbüro Botnang" in answer and "Montag" in answer


def test_unknown_fact_points_to_official_page_and_115(say) -> None:
    answer = joined(say("Was kostet eine Meldebescheinigung?"))
    assert "keine geprüften Angaben" in answer and "115" in answer and "https://" in answer


def test_model_parse_carries_normalised_values(servers) -> None:
    status, body = http_json("POST", f"{servers.rasa_url}/model/parse",
                             {"text": "Wann hat das Bürgerbüro in Cannstatt wegen dem Perso offen?"})
    assert status == 200
    values = {(e["entity"], e["value"]) for e in body["entities"]}
    assert ("district", "bad_cannstatt") in values
    assert ("service", "personalausweis") in values


def test_tracker_carries_normalised_slot(servers, say, sender) -> None:
    say("Was kostet n Perso in Zuffenhausa?")
    status, tracker = http_json("GET", f"{servers.rasa_url}/conversations/{sender}/tracker")
    assert status == 200
    assert tracker["slots"]["service"] == "personalausweis"
    assert tracker["slots"]["district"] == "zuffenhausen"
