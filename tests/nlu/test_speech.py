"""Speech-recogniser text: split and joined names, fillers, spoken numbers, question focus, typos."""

from __future__ import annotations

import pytest

from bot.kb.fields import DISTRICTS
from bot.nlu.folding import fold, spoken_number
from bot.nlu.gazetteer import Gazetteer, default_gazetteer
from bot.nlu.sentences import question_span
from bot.nlu.speller import Speller


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def _values(gazetteer: Gazetteer, text: str, entity: str) -> list[str]:
    return [m.value for m in gazetteer.find(text) if m.entity == entity]


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("ich bräuchte einen neuen personal aus weis", "personalausweis"),
        ("was brauch ich für wohn geld", "wohngeld"),
        ("es geht um die grund sicherung", "grundsicherung"),
        ("mein führer schein ist weg", "fuehrerschein"),
        ("führungs zeugnis beantragen", "fuehrungszeugnis"),
        ("termin für die ein bürgerung", "einbuergerung"),
        ("wo ist das fund büro", "fundsache"),
        ("bewohner park ausweis in stuttgart west", "bewohnerparkausweis"),
        ("zulassungs stelle öffnungszeiten", "kfz_zulassung"),
        ("bürger geld antrag", "buergergeld"),
        ("reise pass für mein kind", "reisepass"),
        ("melde bescheinigung", "meldebescheinigung"),
        ("aufenthalts titel verlängern", "aufenthaltstitel"),
        ("wohngeld antrag", "wohngeld"),
        ("Personalausweiß", "personalausweis"),
        ("Fuehrungszeugnis", "fuehrungszeugnis"),
    ],
)
def test_split_and_joined_services(gazetteer: Gazetteer, text: str, service: str) -> None:
    assert _values(gazetteer, text, "service") == [service]


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("bürgerbüro bad kann statt", "bad_cannstatt"),
        ("öffnungszeiten mö ringen", "moehringen"),
        ("in zuffen hausen", "zuffenhausen"),
        ("ich bin aus feuer bach", "feuerbach"),
        ("unter türkheim", "untertuerkheim"),
        ("ober türkheim", "obertuerkheim"),
        ("mühl hausen", "muehlhausen"),
        ("vai hingen", "vaihingen"),
        ("weil im dorf", "weilimdorf"),
        ("sillen buch", "sillenbuch"),
        ("hedel fingen", "hedelfingen"),
        ("plie ningen", "plieningen"),
        ("stamm heim", "stammheim"),
        ("deger loch", "degerloch"),
        ("bot nang", "botnang"),
        ("stuttgart mitte", "mitte"),
        ("stuttgart süd", "sued"),
        ("Muehlhausen", "muehlhausen"),
        ("Untertuerkheim", "untertuerkheim"),
        ("Moehringen", "moehringen"),
        ("feuer see", "west"),
    ],
)
def test_districts_as_recognisers_write_them(gazetteer: Gazetteer, text: str, district: str) -> None:
    assert _values(gazetteer, text, "district") == [district]


def test_split_zuffenhausen_is_not_weilimdorf(gazetteer: Gazetteer) -> None:
    assert _values(gazetteer, "hat das bürgerbüro in zuffen hausen heute auf", "district") == ["zuffenhausen"]
    assert _values(gazetteer, "mühl hausen", "district") == ["muehlhausen"]


def test_every_district_survives_a_split(gazetteer: Gazetteer) -> None:
    """Each one-word district name, split in the middle, is still found."""
    for district in DISTRICTS:
        name = district.replace("_", " ")
        if " " in name or len(name) < 7:
            continue
        half = len(name) // 2
        assert _values(gazetteer, f"{name[:half]} {name[half:]}", "district") == [district], name


def test_split_span_covers_all_parts(gazetteer: Gazetteer) -> None:
    text = "ja also personal aus weis bitte"
    [match] = gazetteer.find(text)
    assert text[match.start : match.end] == "personal aus weis"


@pytest.mark.parametrize("text",
                         ["kann ich morgen kommen", "in der stadt", "die anmeldung ist zu", "bitte helfen sie mir"])
def test_joining_invents_nothing(gazetteer: Gazetteer, text: str) -> None:
    assert _values(gazetteer, text, "district") == []


@pytest.mark.parametrize(
    ("word", "digits"),
    [("vierundzwanzig", "24"), ("zwölf", "12"), ("siebzehn", "17"), ("sechzig", "60"), ("einundzwanzig", "21"),
     ("drei", "3")],
)
def test_spoken_numbers(word: str, digits: str) -> None:
    assert spoken_number(fold(word)) == digits


@pytest.mark.parametrize("word", ["ein", "eine", "einen", "zehntel", "vieles"])
def test_words_that_are_not_numbers(word: str) -> None:
    assert spoken_number(fold(word)) is None


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (("Ich habe im März Wohngeld beantragt und den Bescheid bekommen. Jetzt hat sich etwas geändert. "
         "Welche Nachweise brauche ich?"), "Welche Nachweise brauche ich?"),
        ("Ich wohne in Hedelfingen seit einem Jahr, wo muss ich hin für die Ummeldung?",
         "wo muss ich hin für die Ummeldung?"),
        ("Wir ziehen um. Das ist viel Arbeit. Wann hat das Bürgerbüro in Vaihingen offen",
         "Wann hat das Bürgerbüro in Vaihingen offen"),
    ],
)
def test_question_sentence_of_a_long_message(text: str, question: str) -> None:
    span = question_span(text)
    assert span is not None and text[span[0] : span[1]].strip() == question


@pytest.mark.parametrize("text",
                         ["Was kostet ein Pass?", "ich hab vor drei wochen wohn geld beantragt und noch nix gehört"])
def test_short_or_unpunctuated_messages_are_read_whole(text: str) -> None:
    assert question_span(text) is None


def test_speller_corrects_to_the_nearest_known_word() -> None:
    speller = Speller(["termin", "formular", "bearbeitungszeit", "unterlagen", "kosten"])
    assert speller.correct("temin") == "termin"
    assert speller.correct("formlar") == "formular"
    assert speller.correct("bearbietungszeit") == "bearbeitungszeit"
    assert speller.correct("untelragen") == "unterlagen"
    assert speller.correct("wetter") == "wetter"  # nothing near: unchanged
    assert speller.correct("kost") == "kost"  # too short to correct


@pytest.mark.parametrize(
    "text",
    ["Ich ziehe nächsten Monat nach Vaihingen", "wir ziehen im Mai nach Bad Cannstatt", "I am moving to Zuffenhausen"],
)
def test_moving_to_a_district_names_the_change_of_address(gazetteer: Gazetteer, text: str) -> None:
    assert _values(gazetteer, text, "service") == ["wohnsitz_anmeldung"]


@pytest.mark.parametrize(
    "text",
    ["Muss ich im Bürgerbüro Mitte eine Nummer ziehen?", "Ich ziehe nach Vaihingen und brauche einen Parkausweis"],
)
def test_moving_needs_a_destination_and_yields_to_named_services(gazetteer: Gazetteer, text: str) -> None:
    assert "wohnsitz_anmeldung" not in _values(gazetteer, text, "service")
