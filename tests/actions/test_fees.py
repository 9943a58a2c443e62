"""action_fees against the real knowledge base."""

from __future__ import annotations

from actions.fees import ActionFees
from tests.actions.conftest import make_tracker, texts


async def test_fees_of_personalausweis(dispatcher) -> None:
    tracker = make_tracker("Was kostet ein Perso?", "ask_fees", {"service": "personalausweis"})
    events = await ActionFees().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "46,00 Euro: ab 24 Jahren" in answer
    assert "27,60 Euro: unter 24 Jahren" in answer
    assert "Stand " in answer and "Quelle" in answer
    assert {"event": "slot", "name": "topic", "value": "fees", "timestamp": None} in events


async def test_voice_variant_is_short_and_has_no_url(dispatcher) -> None:
    tracker = make_tracker("was kostet der ausweis", "ask_fees", {"service": "personalausweis"}, channel="audiocodes")
    await ActionFees().run(dispatcher, tracker, {})
    spoken = texts(dispatcher)
    assert "46 Euro" in spoken and "27 Euro 60" in spoken
    assert "http" not in spoken and len(spoken) < 250


async def test_without_service_it_asks_with_quick_replies(dispatcher) -> None:
    tracker = make_tracker("Was kostet das?", "ask_fees")
    await ActionFees().run(dispatcher, tracker, {})
    assert "Für welche Leistung" in texts(dispatcher)
    buttons = dispatcher.messages[0]["buttons"]
    assert {"title": "Reisepass", "payload": '/inform{"service":"reisepass"}'} in buttons


async def test_unknown_fee_says_so_and_points_to_page_and_115(dispatcher) -> None:
    tracker = make_tracker("Was kostet eine Meldebescheinigung?", "ask_fees", {"service": "meldebescheinigung"})
    await ActionFees().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "keine geprüften Angaben" in answer
    assert "115" in answer and "https://" in answer
    assert "Euro" not in answer


async def test_unknown_service_key_asks_again(dispatcher) -> None:
    tracker = make_tracker("Hundesteuer", "ask_fees", slots={"service": "hundesteuer"})
    await ActionFees().run(dispatcher, tracker, {})
    assert "Für welche Leistung" in texts(dispatcher)
