"""Context: a service named later answers the open topic; corrections re-answer it."""

from actions.corrections import ActionHandleDeny, ActionHandleInform
from tests.actions.conftest import make_tracker, texts


async def test_inform_answers_the_open_topic(dispatcher) -> None:
    tracker = make_tracker("Reisepass", "inform", {"service": "reisepass"}, slots={"topic": "fees"})
    await ActionHandleInform().run(dispatcher, tracker, {})
    assert "70,00 Euro" in texts(dispatcher)


async def test_inform_without_topic_asks_what_about(dispatcher) -> None:
    tracker = make_tracker("Wohngeld", "inform", {"service": "wohngeld"})
    await ActionHandleInform().run(dispatcher, tracker, {})
    answer = texts(dispatcher)
    assert "Was möchten Sie zu „Wohngeld" in answer
    assert any(b["payload"] == "/ask_documents" for b in dispatcher.messages[0]["buttons"])


async def test_deny_with_correction_re_answers(dispatcher) -> None:
    tracker = make_tracker("Nein, den Personalausweis", "deny", {"service": "personalausweis"}, slots={"topic": "fees"})
    await ActionHandleDeny().run(dispatcher, tracker, {})
    assert "46,00 Euro" in texts(dispatcher)


async def test_plain_deny(dispatcher) -> None:
    tracker = make_tracker("nein", "deny", slots={"topic": "fees", "service": "reisepass"})
    await ActionHandleDeny().run(dispatcher, tracker, {})
    assert "Wie kann ich Ihnen sonst helfen?" in texts(dispatcher)


def test_one_topic_map_knows_every_service_topic_action() -> None:
    import actions
    from actions.service_topic import ServiceTopicAction, topic_actions

    found = topic_actions()
    assert sorted(found) == ["appointment", "documents", "fees", "forms", "processing_time", "requirements"]
    assert all(isinstance(action, ServiceTopicAction) for action in found.values())
    assert {module.__name__ for module in actions.TOPIC_MODULES} == {type(a).__module__ for a in found.values()}
