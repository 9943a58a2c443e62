"""action_documents against the real knowledge base."""

from actions.documents import ActionDocuments
from tests.actions.conftest import make_tracker, texts


async def test_anmeldung_needs_wohnungsgeberbestaetigung(dispatcher) -> None:
    tracker = make_tracker("Was brauche ich zum Ummelden?", "ask_documents", {"service": "wohnsitz_anmeldung"})
    await ActionDocuments().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "Wohnungsgeber" in answer and "Stand " in answer


async def test_buergergeld_is_redirected_to_jobcenter(dispatcher) -> None:
    tracker = make_tracker("Was brauche ich für Hartz IV?", "ask_documents", {"service": "buergergeld"})
    await ActionDocuments().run(dispatcher, tracker, {})
    assert "Jobcenter" in texts(dispatcher)


async def test_unknown_documents_name_known_notes(dispatcher) -> None:
    tracker = make_tracker("Was brauche ich für BuT?", "ask_documents", {"service": "bildung_und_teilhabe"})
    await ActionDocuments().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "keine geprüften Angaben" in answer and "115" in answer
