"""Gazetteer entity matching: colloquial names, typos, umlauts, compounds, negation."""

from __future__ import annotations

import pytest

from bot.kb.fields import DISTRICTS, SERVICES
from bot.nlu.gazetteer import Gazetteer, default_gazetteer


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def _values(gazetteer: Gazetteer, text: str, entity: str) -> list[str]:
    return [m.value for m in gazetteer.find(text) if m.entity == entity]


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("Was kostet n Perso?", "personalausweis"),
        ("Personalasuweis verlängern", "personalausweis"),
        ("I brauch en neua Pass", "reisepass"),
        ("Wo muss i na zum ummelda?", "wohnsitz_anmeldung"),
        ("Anwohnerparken in West", "bewohnerparkausweis"),
        ("Hartz IV Antrag", "buergergeld"),
        ("Sozialhilfe beantragen", "hilfe_zum_lebensunterhalt"),
        ("BuT für mein Kind", "bildung_und_teilhabe"),
        ("Stuttgart-Pass", "bonuscard"),
        ("Fuehrerschein umschreiben", "fuehrerschein"),
        ("ich will mein Auto anmelden", "kfz_zulassung"),
        ("Gewerbe anmelden", "gewerbeanmeldung"),
        ("Wohngeldantrag", "wohngeld"),
        ("Grundsicherung im Alter", "grundsicherung"),
        ("polizeiliches Führungszeugnis", "fuehrungszeugnis"),
        ("Meldebestätigung", "meldebescheinigung"),
        ("Aufenthaltserlaubnis verlängern", "aufenthaltstitel"),
        ("Einbürgerung", "einbuergerung"),
        ("Fundbüro", "fundsache"),
        ("Pflegeheim bezahlen", "hilfe_zur_pflege"),
        ("ich ziehe ins Ausland", "wohnsitz_abmeldung"),
        ("How much is an ID card?", "personalausweis"),
    ],
)
def test_service_values(gazetteer: Gazetteer, text: str, service: str) -> None:
    assert _values(gazetteer, text, "service") == [service]


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("Bürgerbüro Cannstatt", "bad_cannstatt"),
        ("in Bad Cannstadt", "bad_cannstatt"),
        ("Zuffenhausa", "zuffenhausen"),
        ("Stuttgart-West", "west"),
        ("in Süd", "sued"),
        ("Untertuerkheim", "untertuerkheim"),
        ("Moehringen", "moehringen"),
        ("Vaihinga", "vaihingen"),
        ("Stadtmitte", "mitte"),
    ],
)
def test_district_values(gazetteer: Gazetteer, text: str, district: str) -> None:
    assert _values(gazetteer, text, "district") == [district]


def test_weak_form_yields_to_strong_one(gazetteer: Gazetteer) -> None:
    assert _values(gazetteer, "ich möchte mein Auto in Stuttgart anmelden", "service") == ["kfz_zulassung"]
    assert _values(gazetteer, "ich möchte mich anmelden", "service") == ["wohnsitz_anmeldung"]


def test_negated_mention_is_dropped(gazetteer: Gazetteer) -> None:
    assert _values(gazetteer, "nicht den Pass, sondern den Perso", "service") == ["personalausweis"]


@pytest.mark.parametrize("text", ["Bitte helfen Sie mir", "Mein Wagen ist kaputt", "but why", "Wie geht es Ihnen?", ""])
def test_no_false_positives(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find(text) == []


def test_offsets_point_into_original_text(gazetteer: Gazetteer) -> None:
    text = "Öffnungszeiten Bürgerbüro Möhringen?"
    [match] = gazetteer.find(text)
    assert text[match.start : match.end] == "Möhringen"


def test_vocabulary_only_uses_contract_values(gazetteer: Gazetteer) -> None:
    import yaml

    from bot.nlu.gazetteer import VOCABULARY_PATH

    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    assert set(data["service"]) == SERVICES
    assert set(data["district"]) == DISTRICTS


def test_huge_input_is_bounded(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.find("Pass " * 20000)) == 1
