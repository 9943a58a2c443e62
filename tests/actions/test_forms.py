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


async def test_online_service_listed_once_when_it_is_also_a_form(dispatcher) -> None:
    tracker = make_tracker("Wohngeld online beantragen", "ask_forms", {"service": "wohngeld"})
    await ActionForms().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert answer.count("wohngeld-plus.php") == 2  # the form line and its source, no second "Online-Antrag" line
    assert "Online-Antrag Wohngeld Plus" in answer and "Stand 01/2025" in answer
