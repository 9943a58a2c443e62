"""Pure NLU helpers: life situations, English messages, ages, a second question."""

from __future__ import annotations

import pytest

from bot.kb.seed_extra import SITUATIONS
from bot.nlu.age import age_fits, age_in
from bot.nlu.language import is_english
from bot.nlu.situations import PATTERNS, situation_in
from bot.nlu.topics import second_topic, topics_in


@pytest.mark.parametrize(("text", "district", "expected"), [
    ("Ich ziehe nach Stuttgart – was muss ich alles erledigen?", False, "umzug_nach_stuttgart"),
    ("we are moving to Stuttgart in May", False, "umzug_nach_stuttgart"),
    ("Ich ziehe nächsten Monat nach Vaihingen.", True, "umzug_nach_stuttgart"),
    ("Wir ziehen innerhalb von Stuttgart um", False, "umzug_innerhalb_stuttgart"),
    ("Wir ziehen nächstes Jahr nach Kanada ins Ausland", False, "umzug_ins_ausland"),
    ("ich wandere nach australien aus", False, "umzug_ins_ausland"),
    ("Meine Mutter ist 80 und ihre Rente reicht nicht.", False, "geld_reicht_nicht"),
    ("das geld reicht einfach nicht mehr", False, "geld_reicht_nicht"),
    ("I cannot pay my rent", False, "geld_reicht_nicht"),
    ("Ich habe einen Schlüssel gefunden", False, "verloren_gefunden"),
    ("I lost my wallet on the U-Bahn", False, "verloren_gefunden"),
    ("Ich mache mich selbstständig", False, "gewerbe_gegruendet"),
    ("Wir möchten ein Café eröffnen", False, "gewerbe_gegruendet"),
    ("Wir haben ein Baby bekommen", False, "kind_geboren"),
    ("Mein Visum läuft bald ab", False, "aufenthaltstitel_laeuft_ab"),
])
def test_situations_are_recognised(text: str, district: bool, expected: str) -> None:
    assert situation_in(text, names_district=district) == expected


@pytest.mark.parametrize("text", [
    "Was kostet ein Personalausweis?",
    "Ich ziehe nach Berlin",  # not a Stuttgart district
    "Mein Ausweis läuft ab",  # a document, not a residence permit
    "Die Frist läuft ab",
    "Wann hat das Bürgerbüro offen?",
])
def test_ordinary_questions_name_no_situation(text: str) -> None:
    assert situation_in(text) is None


def test_every_pattern_is_a_known_situation() -> None:
    assert {key for key, _ in PATTERNS} <= SITUATIONS


@pytest.mark.parametrize(("text", "english"), [
    ("How much is a passport?", True),
    ("Can I get Wohngeld?", True),
    ("where is the Bürgerbüro Mitte", True),
    ("Ich brauche ein appointment für den Pass", False),
    ("Was kostet ein Pass?", False),
    ("Hallo", False),
])
def test_english_messages(text: str, english: bool) -> None:
    assert is_english(text) is english


@pytest.mark.parametrize(("text", "age"), [
    ("Und für meine Tochter, sie ist 17?", 17),
    ("Was zahlt mein Sohn, er ist 15?", 15),
    ("meine tochter siebzehn", 17),
    ("und wenn ich unter 24 bin?", 23),
    ("Was kostet der Pass für einen 12-Jährigen?", 12),
    ("Und für Kinder?", None),
    ("für 2 Personen", None),
])
def test_ages(text: str, age) -> None:
    assert age_in(text) == age


def test_age_conditions() -> None:
    assert age_fits("unter 24 Jahren", 17) is True
    assert age_fits("ab 24 Jahren", 17) is False
    assert age_fits("ab 24 Jahren", 24) is True
    assert age_fits("vorläufiger Personalausweis", 17) is None


@pytest.mark.parametrize(("text", "primary", "second"), [
    ("Was kostet der Reisepass und wie lange dauert es?", "fees", "processing_time"),
    ("Welche Unterlagen brauche ich und was kostet das?", "documents", "fees"),
    ("Was kostet der Pass? Und brauche ich einen Termin?", "fees", "appointment"),
    ("Was kostet ein Termin?", "fees", None),  # one question
    ("Ich brauche einen Pass und meine Frau auch, was kostet das?", "fees", None),
])
def test_second_question(text: str, primary: str, second) -> None:
    assert second_topic(text, primary) == second


def test_topics_in_order() -> None:
    assert topics_in("Wie lange dauert es und was kostet es?") == ["processing_time", "fees"]
