"""Fallback: clarify first, offer a person after two misses in a row."""

from actions.fallback import ActionClarify, ActionOutOfScope, consecutive_misses
from actions.handoff import ActionHandleAffirm
from tests.actions.conftest import UNSTAFFED, make_tracker, texts


def test_consecutive_misses_counts_only_the_latest_run() -> None:
    tracker = make_tracker("blub", "nlu_fallback", history=["nlu_fallback", "greet", "out_of_scope"])
    assert consecutive_misses(tracker) == 2


async def test_first_miss_clarifies(dispatcher) -> None:
    await ActionClarify().run(dispatcher, make_tracker("blub", "nlu_fallback", history=["greet"]), {})
    assert "nicht verstanden" in texts(dispatcher)


async def test_second_miss_offers_a_person(dispatcher) -> None:
    events = await ActionClarify().run(dispatcher, make_tracker("blub", "nlu_fallback", history=["nlu_fallback"]), {})
    assert "Menschen" in texts(dispatcher)
    assert events[0]["name"] == "offer" and events[0]["value"] == "human"


async def test_out_of_scope_names_scope_and_115(dispatcher) -> None:
    await ActionOutOfScope().run(dispatcher, make_tracker("Wie wird das Wetter?", "out_of_scope"), {})
    answer = texts(dispatcher)
    assert "Sozialamts" in answer and "115" in answer


async def test_affirm_accepts_the_offer(dispatcher, clock) -> None:
    clock(*UNSTAFFED)  # a Sunday: no queue, a callback or an e-mail (staffed hours: tests/actions/test_misc_actions.py)
    await ActionHandleAffirm().run(dispatcher, make_tracker("ja", "affirm", slots={"offer": "human"}), {})
    assert texts(dispatcher) == ("Unsere Mitarbeiterinnen und Mitarbeiter sind gerade nicht erreichbar. "
                                 "Sie sind wieder morgen ab 8:00 Uhr für Sie da. "
                                 "Wir können Sie zurückrufen oder Ihnen per E-Mail antworten. Was ist Ihnen lieber?")
