"""Speech hints for the phone come from the gazetteer, and the gazetteer understands each one."""

from __future__ import annotations

import pytest

from bot.kb.fields import DISTRICTS, SERVICES
from bot.nlu.gazetteer import default_gazetteer
from bot.nlu.speech_hints import MAX_LENGTH, MAX_PHRASES, say_lists, speech_phrases
from bot.telephony.settings import TelephonyConfigError, TelephonySettings


def test_every_service_and_district_has_spoken_names() -> None:
    say = say_lists()
    assert set(say["service"]) == SERVICES and set(say["district"]) == DISTRICTS
    assert all(say["service"].values()) and all(say["district"].values())


@pytest.mark.parametrize(
    ("entity", "value", "phrase"),
    [(entity, value, phrase) for entity in ("service", "district") for value, phrases in say_lists()[entity].items()
     for phrase in phrases],
)
def test_gazetteer_understands_every_hint(entity: str, value: str, phrase: str) -> None:
    found = [m.value for m in default_gazetteer().find(phrase) if m.entity == entity]
    assert found == [value], phrase


def test_phrases_are_distinct_bounded_and_name_every_buergerbuero() -> None:
    phrases = speech_phrases()
    assert len(phrases) == len(set(phrases)) <= MAX_PHRASES
    assert all(len(p) <= MAX_LENGTH for p in phrases)
    for expected in ("Zuffenhausen", "Bad Cannstatt", "Möhringen", "Ausländerbehörde", "Personalausweis",
                     "Bürgerbüro Zuffenhausen", "Bürgerbüro Mitte", "Hallschlag", "Wohngeld"):
        assert expected in phrases


def test_config_event_carries_the_hints() -> None:
    params = TelephonySettings.load(env={}).voice.session_params()
    assert params["sttContextPhrases"] == list(speech_phrases())
    assert params["sttContextBoost"] == 10.0


def test_hints_can_be_switched_off_and_the_boost_is_checked() -> None:
    from dataclasses import replace

    from bot.telephony.settings import _number

    voice = replace(TelephonySettings.load(env={}).voice, stt_context_boost=0)
    assert "sttContextPhrases" not in voice.session_params()
    with pytest.raises(TelephonyConfigError, match="stt_context_boost"):
        _number(25, "voice.stt_context_boost")
