"""Web-chat bot messages, conversation history and feedback events (channels/chat_history.py)."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

from channels.chat_history import (
    FEEDBACK_SLOT,
    bot_message,
    conversation_history,
    feedback_event,
    message_id,
    quick_replies,
    rated_answer,
    safe_url,
)

NOW = 1_800_000_000.0
BUTTONS = [{"title": "Reisepass", "payload": '/inform{"service":"reisepass"}'}]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.stuttgart.de/a?b=1", "https://www.stuttgart.de/a?b=1"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("//evil.example/x", None),
        ("https://", None),
        ("/relative", None),
        (5, None),
    ],
)
def test_safe_url_allows_only_absolute_http_urls(url, expected) -> None:
    assert safe_url(url) == expected


def test_quick_replies_keep_payload_and_http_link_buttons_only() -> None:
    replies = quick_replies([
        {"title": "Ja", "payload": "/affirm"},
        {"title": "Formular", "url": "https://www.stuttgart.de/f.pdf", "type": "web_url"},
        {"title": "Böse", "url": "javascript:alert(1)"},
        {"title": "Leer"},
        {"payload": "/deny"},
        "text",
    ])
    assert replies == [
        {"content_type": "text", "title": "Ja", "payload": "/affirm"},
        {"content_type": "text", "type": "web_url", "title": "Formular", "url": "https://www.stuttgart.de/f.pdf"},
    ]


def test_bot_message_is_rasa_format_with_id_in_metadata() -> None:
    assert bot_message("Hallo") == {"text": "Hallo"}
    message = bot_message("Welche Leistung?", BUTTONS, NOW + 0.25)
    assert message["text"] == "Welche Leistung?"
    assert message["quick_replies"][0]["title"] == "Reisepass"
    assert message["metadata"] == {"message_id": "1800000000.25"}


def _conversation() -> list:
    return [
        SessionStarted(timestamp=NOW - 7200),
        UserUttered("alte Sitzung", timestamp=NOW - 7100),
        BotUttered("alte Antwort", timestamp=NOW - 7099),
        ActionExecuted("action_session_start", timestamp=NOW - 600),
        SessionStarted(timestamp=NOW - 600),
        UserUttered("Was kostet das?", timestamp=NOW - 500),
        BotUttered("Für welche Leistung?", data={"buttons": BUTTONS}, timestamp=NOW - 499),
        UserUttered('/inform{"service":"reisepass"}', timestamp=NOW - 400),
        BotUttered("Reisepass: 70,00 Euro", timestamp=NOW - 399.5),
        SlotSet(FEEDBACK_SLOT, {"message_id": message_id(NOW - 399.5), "rating": "down"}, timestamp=NOW - 300),
        SlotSet(FEEDBACK_SLOT, {"message_id": message_id(NOW - 399.5), "rating": "up"}, timestamp=NOW - 299),
        UserUttered("/request_human", metadata={"display_text": "Mit einem Menschen sprechen"}, timestamp=NOW - 200),
        BotUttered("Bitte rufen Sie die 115 an.", timestamp=NOW - 199),
    ]


def test_history_shows_the_current_session_with_titles_and_ratings() -> None:
    history = conversation_history(_conversation(), expiration_minutes=60, now=NOW)
    assert [(item["sender"], item["text"]) for item in history] == [
        ("user", "Was kostet das?"),
        ("bot", "Für welche Leistung?"),
        ("user", "Reisepass"),  # the button's title, not its payload
        ("bot", "Reisepass: 70,00 Euro"),
        ("user", "Mit einem Menschen sprechen"),
        ("bot", "Bitte rufen Sie die 115 an."),
    ]
    assert history[1]["quick_replies"][0]["payload"] == '/inform{"service":"reisepass"}'
    assert history[3]["rating"] == "up"  # the latest rating wins
    assert "rating" not in history[1]
    assert history[3]["metadata"]["message_id"] == message_id(NOW - 399.5)


def test_history_of_an_expired_session_is_empty() -> None:
    assert conversation_history(_conversation(), expiration_minutes=60, now=NOW + 3600) == []
    assert conversation_history(_conversation(), expiration_minutes=0, now=NOW + 36000) != []


def test_rated_answer_is_found_by_id_in_the_current_session_only() -> None:
    events = _conversation()
    assert rated_answer(events, message_id(NOW - 399.5)).text == "Reisepass: 70,00 Euro"
    assert rated_answer(events, message_id(NOW - 7099)) is None  # earlier session
    assert rated_answer(events, "123.5") is None


def test_feedback_event_is_a_slot_event() -> None:
    event = feedback_event("1800000000.25", "up")
    assert (event.key, event.value) == ("feedback", {"message_id": "1800000000.25", "rating": "up"})
    with pytest.raises(ValueError, match="rating must be one of"):
        feedback_event("1800000000.25", "meh")
    with pytest.raises(ValueError, match="not a message id"):
        feedback_event("<img>", "up")
