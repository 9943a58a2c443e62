"""action_forms against the real knowledge base."""

from actions.forms import ActionForms
from tests.actions.conftest import make_tracker, texts


async def test_bonuscard_form_has_link_and_button(dispatcher) -> None:
    tracker = make_tracker("Wo ist der Antrag für die Bonuscard?", "ask_forms", {"service": "bonuscard"})
    await ActionForms().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "https://" in answer
    assert all(b["url"].startswith("https://") for b in dispatcher.messages[0]["buttons"])


async def test_voice_has_no_url(dispatcher) -> None:
    tracker = make_tracker("Antrag Bonuscard", "ask_forms", {"service": "bonuscard"}, channel="audiocodes")
    await ActionForms().run(dispatcher, tracker, {})
    assert "http" not in texts(dispatcher)


async def test_unknown_forms(dispatcher) -> None:
    tracker = make_tracker("Formular Meldebescheinigung", "ask_forms", {"service": "meldebescheinigung"})
    await ActionForms().run(dispatcher, tracker, {})
    assert "keine geprüften Angaben" in texts(dispatcher)
