"""The topics of issue 13 against the real seed data: requirements, life situations,
service overviews, live waiting times (fake feed on loopback); and the context of issue 11:
a fee by age, a second question, the English notice, a follow-up that keeps the office."""

from __future__ import annotations

from datetime import datetime

import pytest
from rasa_sdk import Tracker

from actions import wait_time
from actions.corrections import ActionHandleInform
from actions.fees import ActionFees
from actions.opening_hours import ActionOpeningHours
from actions.replies import ENGLISH_NOTICE
from actions.requirements import ActionRequirements
from actions.service_info import ActionServiceInfo
from actions.wait_time import ActionWaitTime
from bot.config import TIMEZONE
from bot.kb import hours as hours_logic
from channels.validation import safe_payload
from tests.actions.conftest import make_tracker, texts
from tests.kb.test_waiting_times import FakeCity


def slot(events: list[dict], name: str):
    return next((e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name), "unset")


async def test_requirements_give_the_registration_deadline(dispatcher) -> None:
    tracker = make_tracker("Bis wann muss ich mich anmelden?", "ask_requirements", {"service": "wohnsitz_anmeldung"})
    events = await ActionRequirements().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "zwei Wochen" in answer and "gesetze-im-internet.de" in answer
    assert len(answer.split("\n")) <= 8
    assert slot(events, "topic") == "requirements"


async def test_requirements_spoken_without_urls(dispatcher) -> None:
    tracker = make_tracker("bis wann muss ich mich anmelden", "ask_requirements", {"service": "wohnsitz_anmeldung"},
                           channel="audiocodes")
    await ActionRequirements().run(dispatcher, tracker, {})
    assert "zwei Wochen" in texts(dispatcher) and "http" not in texts(dispatcher)


async def test_requirements_without_service_ask_for_one(dispatcher) -> None:
    await ActionRequirements().run(dispatcher, make_tracker("Welche Voraussetzungen gibt es?", "ask_requirements"), {})
    assert "Für welche Leistung" in texts(dispatcher)


async def test_a_move_names_the_steps_in_order_and_sets_the_service(dispatcher) -> None:
    tracker = make_tracker("Ich ziehe nach Stuttgart, was muss ich tun?", "ask_service_info",
                           {"situation": "umzug_nach_stuttgart"})
    events = await ActionServiceInfo().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert answer.index("1. Wohnsitz anmelden") < answer.index("2. ")
    assert "Zu welchem Punkt möchten Sie mehr wissen?" in answer and "Quelle" in answer
    assert slot(events, "service") == "wohnsitz_anmeldung"
    assert dispatcher.messages[0]["buttons"]


async def test_money_not_enough_names_wohngeld_and_grundsicherung(dispatcher) -> None:
    tracker = make_tracker("Meine Rente reicht nicht", "inform", {"situation": "geld_reicht_nicht"})
    await ActionHandleInform().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "Wohngeld" in answer and "Grundsicherung" in answer and "Außerdem" in answer


async def test_a_situation_on_the_phone_is_short_and_speakable(dispatcher) -> None:
    tracker = make_tracker("ich ziehe nach stuttgart", "ask_service_info", {"situation": "umzug_nach_stuttgart"},
                           channel="audiocodes")
    await ActionServiceInfo().run(dispatcher, tracker, {})
    spoken = texts(dispatcher)
    assert "Wohnsitz anmelden" in spoken and "http" not in spoken and "\n" not in spoken


async def test_what_a_service_is(dispatcher) -> None:
    await ActionServiceInfo().run(dispatcher, make_tracker("Was ist die Bonuscard?", "ask_service_info",
                                                           {"service": "bonuscard"}), {})
    answer = texts(dispatcher)
    assert answer.startswith("Bonuscard") and "kurz erklärt" in answer and "Quelle" in answer
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["Unterlagen", "Gebühren", "Voraussetzungen"]


async def test_service_info_without_anything_asks_back(dispatcher) -> None:
    await ActionServiceInfo().run(dispatcher, make_tracker("Was muss ich machen?", "ask_service_info"), {})
    assert "Worum geht es?" in texts(dispatcher)
    payloads = [button["payload"] for button in dispatcher.messages[0]["buttons"]]
    assert payloads and all(safe_payload(payload) == payload for payload in payloads)  # the channels keep them


@pytest.fixture
async def city_feed(city: FakeCity, monkeypatch):
    """The knowledge-base tests' fake city endpoint (recorded response) for the action server's feed."""
    monkeypatch.setenv("WAITING_TIMES_URL", city.url)  # type: ignore[attr-defined]
    wait_time.feed.cache_clear()
    yield city
    wait_time.feed.cache_clear()


async def test_wait_time_of_a_district_and_the_shortest(dispatcher, city_feed) -> None:
    tracker = make_tracker("Wie lange warte ich gerade im Bürgerbüro West?", "ask_wait_time", {"district": "west"})
    events = await ActionWaitTime().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "Im Bürgerbüro West warten Sie gerade mehr als 120 Minuten." in answer
    assert "Am kürzesten ist es gerade in:" in answer and "Quelle: [stuttgart.de]" in answer
    assert slot(events, "topic") == "wait_time"


async def test_wait_time_without_district_lists_the_shortest(dispatcher, city_feed) -> None:
    await ActionWaitTime().run(dispatcher, make_tracker("Wo ist es gerade am kürzesten?", "ask_wait_time"), {})
    assert "Am kürzesten ist es gerade in:" in texts(dispatcher)


async def test_no_tickets_left_is_said(dispatcher, city_feed) -> None:
    tracker = make_tracker("Wartezeit Cannstatt", "ask_wait_time", {"district": "bad_cannstatt"})
    await ActionWaitTime().run(dispatcher, tracker, {})
    assert "keine Wartemarken mehr" in texts(dispatcher)


async def test_a_broken_feed_gives_an_honest_answer(dispatcher, city_feed) -> None:
    city_feed.mode = "error"
    tracker = make_tracker("Wie voll ist es in Mitte?", "ask_wait_time", {"district": "mitte"}, channel="audiocodes")
    await ActionWaitTime().run(dispatcher, tracker, {})
    spoken = texts(dispatcher)
    assert "nicht abrufen" in spoken and "http" not in spoken


async def test_and_in_another_district_repeats_the_wait(dispatcher, city_feed) -> None:
    tracker = make_tracker("und in Vaihingen?", "inform", {"district": "vaihingen"}, slots={"topic": "wait_time"})
    await ActionHandleInform().run(dispatcher, tracker, {})
    assert "Bürgerbüro Vaihingen" in texts(dispatcher)


async def test_fee_for_a_seventeen_year_old(dispatcher) -> None:
    tracker = make_tracker("Und für meine Tochter, sie ist 17?", "ask_fees", slots={"service": "personalausweis"})
    await ActionFees().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "mit 17 Jahren: 27,60 Euro" in answer and "46,00 Euro" not in answer


async def test_two_questions_get_two_answers(dispatcher) -> None:
    tracker = make_tracker("Was kostet der Reisepass und wie lange dauert es?", "ask_fees", {"service": "reisepass"})
    await ActionFees().run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 2
    assert "70,00 Euro" in dispatcher.messages[0]["text"] and "Bearbeitungszeit" in dispatcher.messages[1]["text"]


async def test_english_message_gets_the_notice_once(dispatcher) -> None:
    tracker = make_tracker("How much is a passport?", "ask_fees", {"service": "reisepass", "language": "en"})
    await ActionFees().run(dispatcher, tracker, {})
    assert texts(dispatcher).startswith(ENGLISH_NOTICE) and "70,00 Euro" in texts(dispatcher)
    tracker.events.append({"event": "bot", "text": dispatcher.messages[0]["text"]})
    dispatcher.messages.clear()
    await ActionFees().run(dispatcher, tracker, {})
    assert ENGLISH_NOTICE not in texts(dispatcher)


async def test_saturday_follow_up_keeps_the_office_of_the_question_before(dispatcher, monkeypatch) -> None:
    monkeypatch.setattr(hours_logic, "now", lambda: datetime(2026, 11, 26, 9, 15, tzinfo=TIMEZONE))
    latest = {"text": "Und am Samstag?", "intent": {"name": "ask_opening_hours"}, "entities": []}
    events = [
        {"event": "user", "text": "Wann hat die Ausländerbehörde offen?", "parse_data": {}, "input_channel": "rest"},
        {"event": "user", "text": "Und am Samstag?", "parse_data": latest, "input_channel": "rest"},
    ]
    slots = {"service": None, "district": None, "topic": "opening_hours", "offer": None}
    tracker = Tracker("s", slots, latest, events, False, None, {}, "action_listen")
    await ActionOpeningHours().run(dispatcher, tracker, {})
    assert "Ausländerbehörde" in texts(dispatcher)


async def test_unknown_buergerbuero_hours_name_the_usual_hours_as_such(dispatcher, monkeypatch) -> None:
    monkeypatch.setattr(hours_logic, "now", lambda: datetime(2026, 11, 26, 9, 15, tzinfo=TIMEZONE))
    tracker = make_tracker("Wann hat das Bürgerbüro Vaihingen offen?", "ask_opening_hours", {"district": "vaihingen"})
    await ActionOpeningHours().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "keine geprüften Angaben" in answer
    assert "Üblich sind bei den Bürgerbüros" in answer and "weichen davon ab" in answer


async def test_an_expiring_id_card_gets_what_the_new_one_needs(dispatcher) -> None:
    tracker = make_tracker("Mein Personalausweis läuft nächste Woche ab.", "inform", {"service": "personalausweis"})
    events = await ActionHandleInform().run(dispatcher, tracker, {})
    assert "Unterlagen – Personalausweis" in texts(dispatcher) and dispatcher.messages[0]["buttons"]
    assert slot(events, "topic") == "documents"


async def test_the_first_service_named_is_the_subject(dispatcher) -> None:
    tracker = make_tracker("Kann ich Wohngeld bekommen, wenn ich Bürgergeld beziehe?", "ask_requirements",
                           {"service": "wohngeld"})
    tracker.latest_message["entities"].append({"entity": "service", "value": "buergergeld", "start": 30, "end": 40})
    tracker.slots["service"] = "buergergeld"  # Rasa's slot holds the last service named
    events = await ActionRequirements().run(dispatcher, tracker, {})
    assert "– Wohngeld" in texts(dispatcher) and slot(events, "service") == "wohngeld"


@pytest.mark.parametrize(("question", "first"), [
    ("Bis wann muss ich mich ummelden?", "innerhalb von zwei Wochen"),
    ("Wer kann vom Meldegesetz befreit werden, habe ich Anspruch darauf?", "befreit"),
])
async def test_requirements_answer_the_kind_asked_first(dispatcher, question: str, first: str) -> None:
    tracker = make_tracker(question, "ask_requirements", {"service": "wohnsitz_anmeldung"})
    await ActionRequirements().run(dispatcher, tracker, {})
    rules = [line for line in texts(dispatcher).split("\n") if line.startswith("- ")]
    assert first in rules[0]
