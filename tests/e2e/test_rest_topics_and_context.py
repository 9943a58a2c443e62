"""Real servers over REST: the new topics (requirements, life situations, waiting times from the
recorded feed on loopback) and follow-ups that reuse what the conversation established."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import joined

pytestmark = pytest.mark.e2e


def test_requirements_deadline_of_registration(say) -> None:
    answer = joined(say("Bis wann muss ich mich nach dem Umzug anmelden?"))
    assert "Voraussetzungen und Fristen" in answer and "zwei Wochen" in answer


def test_naturalisation_residence_requirement(say) -> None:
    answer = joined(say("Wie lange muss ich in Deutschland leben, um eingebürgert zu werden?"))
    assert "Einbürgerung" in answer and "Für welche Leistung" not in answer


def test_moving_to_stuttgart_names_the_steps(say) -> None:
    answer = joined(say("Ich ziehe nach Stuttgart – was muss ich alles erledigen?"))
    assert "Umzug nach Stuttgart" in answer and "1. Wohnsitz anmelden" in answer


def test_a_move_then_documents_for_it(say) -> None:
    say("Ich ziehe nächsten Monat nach Vaihingen.")
    answer = joined(say("Welche Unterlagen brauche ich dafür?"))
    assert "Wohnungsgeberbestätigung" in answer and "Für welche Leistung" not in answer


def test_pension_not_enough_is_no_emergency_and_names_help(say) -> None:
    answer = joined(say("Meine Mutter ist 80 und ihre Rente reicht nicht."))
    assert "112" not in answer and "Wohngeld" in answer and "Grundsicherung" in answer


def test_waiting_time_of_a_buergerbuero(say) -> None:
    answer = joined(say("Wie lange muss ich gerade im Bürgerbüro West warten?"))
    assert "Im Bürgerbüro West warten Sie gerade mehr als 120 Minuten." in answer
    assert "Am kürzesten ist es gerade in:" in answer


def test_waiting_time_follow_up_for_another_district(say) -> None:
    say("Wie lange wartet man gerade im Bürgerbüro West?")
    answer = joined(say("und in Vaihingen?"))
    assert "Bürgerbüro Vaihingen" in answer


def test_opening_hours_then_saturday(say) -> None:
    say("Wann hat das Bürgerbüro Botnang offen?")
    answer = joined(say("Und am Samstag?"))
    assert "Bürgerbüro Botnang" in answer and "Samstag" in answer


def test_fee_then_for_my_daughter_of_seventeen(say) -> None:
    say("Was kostet ein Personalausweis?")
    answer = joined(say("Und für meine Tochter, sie ist 17?"))
    assert "27,60 Euro" in answer and "46,00 Euro" not in answer


def test_two_questions_in_one_message(say) -> None:
    answer = joined(say("Was kostet der Reisepass und wie lange dauert es?"))
    assert "70,00 Euro" in answer and "Bearbeitungszeit" in answer


def test_english_question_is_understood_and_answered_in_german(say) -> None:
    first = joined(say("How much is a passport?"))
    assert "Englisch" in first and "70,00 Euro" in first
    assert "Englisch" not in joined(say("And how long does it take?"))


def test_callback_in_mixed_english(say) -> None:
    answer = joined(say("Können Sie mich callen?"))
    assert "Telefonnummer" in answer


def test_source_is_a_short_link(say) -> None:
    answer = joined(say("Was kostet ein Führungszeugnis?"))
    assert "Quelle: [" in answer and "](https://" in answer and "Stand " in answer
