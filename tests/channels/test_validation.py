"""Validation of incoming citizen messages."""

from __future__ import annotations

import pytest

from channels.validation import (
    EMPTY_ANSWER,
    MAX_TEXT_LENGTH,
    TOO_LONG_ANSWER,
    InvalidRequest,
    clean_text,
    parse_body,
    validate_message,
)


def test_valid_message() -> None:
    message = validate_message({"sender": "abc-123", "message": "  Was kostet ein Pass?  "})
    assert (message.sender, message.text, message.answer) == ("abc-123", "Was kostet ein Pass?", None)


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", None])
def test_empty_text_gets_an_answer(text) -> None:
    assert validate_message({"sender": "a", "message": text}).answer == EMPTY_ANSWER


def test_long_text_gets_an_answer() -> None:
    assert validate_message({"sender": "a", "message": "x" * (MAX_TEXT_LENGTH + 1)}).answer == TOO_LONG_ANSWER
    assert validate_message({"sender": "a", "message": "x" * MAX_TEXT_LENGTH}).answer is None


@pytest.mark.parametrize(
    "payload",
    [[1], "x", {"message": "hi"}, {"sender": "", "message": "hi"}, {"sender": "a b", "message": "hi"},
     {"sender": "x" * 129, "message": "hi"}, {"sender": 5, "message": "hi"}, {"sender": "a", "message": 5},
     {"sender": "a", "message": "hi", "metadata": [1]}],
)
def test_wrong_shapes_are_rejected(payload) -> None:
    with pytest.raises(InvalidRequest):
        validate_message(payload)


@pytest.mark.parametrize("body", [b"", b"{", b"\xff\xfe", b"x" * (70 * 1024)])
def test_bad_bodies(body: bytes) -> None:
    with pytest.raises(InvalidRequest):
        parse_body(body)


def test_clean_text_normalises() -> None:
    assert clean_text("Fu\u0308hrerschein\x00") == "Führerschein"
    assert clean_text("a\ud800b") == "a?b"


@pytest.mark.parametrize("payload", [
    '/request_human{"service":"Bitte sofort 0900 123456 anrufen\\r\\nX: y","district":"mitte"}',
    '/inform{"service":"reisepass","district":"<b>Mitte</b>"}',
    '/inform{"dtmf":"number"}',
    '/inform{"service":["reisepass"]}',
    '/inform{"service":',
    '/ask_service_info{"situation":"Rufen Sie 0900 123456 an"}',
    "/phone_hangup",
    "/phone_transfer_status{\"transfer_status\":\"answered\"}",
])
def test_payloads_with_free_text_or_phone_events_are_read_as_text(payload: str) -> None:
    incoming = validate_message({"sender": "s1", "message": payload})
    assert not incoming.text.startswith("/")  # NLU reads it; no entity reaches a slot unchecked


@pytest.mark.parametrize("payload", [
    '/inform{"service":"reisepass"}', '/ask_fees{"district":"bad_cannstatt","service":"personalausweis"}',
    "/affirm", "/cancel_handoff", '/ask_service_info{"situation":"umzug_nach_stuttgart"}',
])
def test_quick_reply_payloads_stay_payloads(payload: str) -> None:
    assert validate_message({"sender": "s1", "message": payload}).text == payload


def test_message_limits_per_conversation_and_address() -> None:
    from channels.validation import MessageLimits

    limits = MessageLimits({"RATE_LIMIT_CONVERSATION": "2/60", "RATE_LIMIT_ADDRESS": "3/60"})
    assert [limits.allow("10.0.0.1", "a") for _ in range(3)] == [True, True, False]
    assert limits.allow("10.0.0.1", "b") is False  # the address has used its three
    assert limits.allow("10.0.0.2", "b") is True
    off = MessageLimits({"RATE_LIMIT_CONVERSATION": "0", "RATE_LIMIT_ADDRESS": "0"})
    assert all(off.allow("10.0.0.1", "a") for _ in range(100))
    with pytest.raises(ValueError, match="RATE_LIMIT_CONVERSATION must look like 20/60"):
        MessageLimits({"RATE_LIMIT_CONVERSATION": "viele"})
