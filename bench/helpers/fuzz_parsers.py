"""Hypothesis properties of the channel parsers, shared by ``tests/fuzz`` and ``bench/fuzz.py``.

Each property is a ``(strategy, check)`` pair in :data:`PROPERTIES`: ``check`` gets one
drawn value and either returns or raises ``AssertionError`` (a broken property) — any
other exception is a crash. The parsers must return a valid result or raise their own
documented validation error (:class:`channels.validation.InvalidRequest`, Rasa's
``InvalidConfigException`` for the socket.io credentials), never anything else.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.handoff.contact import parse_email, protect_contact
from bot.handoff.phone_numbers import parse_phone
from channels import audiocodes_api as api
from channels.session_credentials import CREDENTIAL_PATTERN, SessionCredentials
from channels.validation import (
    MAX_BODY_BYTES,
    MAX_TEXT_LENGTH,
    SENDER_PATTERN,
    IncomingMessage,
    InvalidRequest,
    clean_text,
    parse_body,
    safe_payload,
    validate_message,
)

Check = Callable[[Any], None]

# ----------------------------------------------------------------------------- strategies

#: Any text, lone surrogates and control characters included (what a JSON body can carry).
any_text = st.text(st.characters(codec=None), max_size=300)
#: Text with the characters that break parsers: controls, combining marks, emoji, RTL, BOM.
nasty_text = st.text(
    st.one_of(st.sampled_from("\x00\x01\x07\x08\x0b\x0c\x1b\x7f\r\n\t /{}\"\\@+#*:;"),
              st.sampled_from("\u0301\u200b\u200e\u202e\ufeff\u00a0ä€😀👩‍👩‍👧\U0010ffff\ud800\udfff"),
              st.characters()),
    max_size=200)
#: Very long strings (beyond every limit of the parsers).
huge_text = st.builds(lambda chunk, times: chunk * times, st.text(min_size=1, max_size=8), st.integers(250, 12_000))
texts = st.one_of(any_text, nasty_text, huge_text)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts)
#: Arbitrary JSON values, nested.
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=6), st.dictionaries(st.text(max_size=12), inner, max_size=6)), max_leaves=25)

senders = st.one_of(st.from_regex(SENDER_PATTERN, fullmatch=True), texts, json_values)
message_shapes = st.fixed_dictionaries(
    {}, optional={"sender": senders, "message": st.one_of(texts, json_values), "metadata": json_values})
payload_texts = st.builds(
    lambda name, entities: f"/{name}{entities}",
    st.one_of(st.sampled_from(["greet", "ask_fee", "phone_start", "phone_dtmf", "request_callback"]),
              st.text(max_size=20)),
    st.one_of(st.just(""), st.builds(json.dumps, st.dictionaries(
        st.sampled_from(["service", "district", "phone", "dtmf", "name"]),
        st.one_of(st.sampled_from(["reisepass", "personalausweis", "mitte", "x"]), json_values), max_size=3)),
        st.text(max_size=30)))

_events = ["start", "noUserInput", "DTMF", "transferStatus", "hangup", "", "unknown"]
activities_items = st.one_of(json_values, st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(["message", "event"]), json_values)},
    optional={
        "id": st.one_of(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e), min_size=1, max_size=10),
                        json_values),
        "name": st.one_of(st.sampled_from(_events), json_values),
        "text": st.one_of(texts, st.from_regex(r"(null|eins|zwei|sieben|\d| )+", fullmatch=True), json_values),
        "value": st.one_of(st.from_regex(r"[0-9*#A-Da-d]{1,40}", fullmatch=True), st.integers(),
                           st.fixed_dictionaries({}, optional={"status": json_values, "reasonCode": json_values}),
                           json_values),
        "parameters": st.one_of(st.fixed_dictionaries({}, optional={
            "caller": st.one_of(st.from_regex(r"(tel:|sip:)?\+?[0-9 /-]{0,20}(@host)?", fullmatch=True), json_values),
            "callee": json_values, "confidence": json_values}), json_values),
    }))
activities_requests = st.tuples(
    st.from_regex(SENDER_PATTERN, fullmatch=True),
    st.one_of(json_values, st.fixed_dictionaries(
        {"activities": st.one_of(st.lists(activities_items, max_size=api.MAX_ACTIVITIES + 2), json_values)},
        optional={"conversation": json_values}))).map(
    lambda pair: (pair[0], {**pair[1], "conversation": pair[0]})
    if isinstance(pair[1], dict) and "conversation" not in pair[1] and len(pair[0]) % 2 else pair)

# Contact details as citizens type them, and text around them without digits or "@".
_area = st.from_regex(r"[1-9][0-9]{1,3}", fullmatch=True)
_subscriber = st.from_regex(r"[1-9][0-9]{3,7}", fullmatch=True)
phones = st.builds(lambda prefix, area, sep, sub: f"{prefix}{area}{sep}{sub}",
                   st.sampled_from(["0", "+49 ", "+49 (0)", "0049 ", "+49"]), _area,
                   st.sampled_from([" ", "/", "-", " / ", ""]), _subscriber)
emails = st.builds(lambda local, domain, tld: f"{local}@{domain}.{tld}",
                   st.from_regex(r"[A-Za-z0-9_+-]{1,12}(\.[A-Za-z0-9_-]{1,8})?", fullmatch=True),
                   st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True),
                   st.sampled_from(["de", "com", "stuttgart"]))
_filler = st.text(st.characters(blacklist_categories=("Nd", "Cs"), blacklist_characters="@+(/-\u00b2\u00b3\u00b9"),
                  min_size=1, max_size=30).filter(lambda word: not any(ch.isdigit() for ch in word))
contact_messages = st.lists(st.one_of(
    st.tuples(st.just("phone"), phones), st.tuples(st.just("email"), emails), st.tuples(st.just("text"), _filler)),
    min_size=1, max_size=12)

# ----------------------------------------------------------------------------- checks


def _valid_message(result: IncomingMessage) -> None:
    assert isinstance(result, IncomingMessage)
    assert SENDER_PATTERN.match(result.sender)
    assert isinstance(result.metadata, dict)
    assert len(result.text) <= MAX_TEXT_LENGTH
    assert (result.answer is None) == bool(result.text)
    result.text.encode("utf-8")  # no lone surrogates
    assert result.text == clean_text(result.text)


def check_parse_body(body: bytes) -> None:
    """Bytes → a JSON value or InvalidRequest; then the message validation on top."""
    try:
        payload = parse_body(body)
    except InvalidRequest:
        return
    assert len(body) <= MAX_BODY_BYTES
    check_validate_message(payload)


def check_validate_message(payload: Any) -> None:
    try:
        result = validate_message(payload)
    except InvalidRequest:
        return
    _valid_message(result)


def check_clean_text(text: str) -> None:
    cleaned = clean_text(text)
    cleaned.encode("utf-8")
    assert not any((ord(ch) < 32 and ch not in "\t\n\r") or ord(ch) == 127 for ch in cleaned)
    assert cleaned == cleaned.strip()


def check_safe_payload(text: str) -> None:
    """A payload that keeps its ``/`` carries only known service/district values, never a phone event."""
    result = safe_payload(text)
    assert result in (text, text.lstrip("/"))
    if result.startswith("/"):
        assert not result.startswith("/phone_")
        if "{" in result:
            entities = json.loads(result[result.index("{"):])
            assert isinstance(entities, dict) and set(entities) <= {"service", "district"}
            assert all(isinstance(value, str) for value in entities.values())


def check_conversation_id(payload: Any) -> None:
    try:
        cid = api.conversation_id(payload)
    except InvalidRequest:
        return
    assert SENDER_PATTERN.match(cid)


def check_path_id(cid: str) -> None:
    with contextlib.suppress(InvalidRequest):
        assert api.check_path_id(cid) == cid and SENDER_PATTERN.match(cid)


def check_activities(request: tuple[str, Any]) -> None:
    """Activities → validated list → interpretation → the Rasa message (an intent or clean text)."""
    cid, payload = request
    try:
        activities = api.parse_activities(payload, cid)
    except InvalidRequest:
        return
    assert 1 <= len(activities) <= api.MAX_ACTIVITIES
    for activity in activities:
        assert activity.type in ("message", "event")
        caller_input = api.interpret(activity)
        if caller_input is None:
            continue
        rasa = api.to_rasa(caller_input)
        assert isinstance(rasa.text, str) and isinstance(rasa.metadata, dict)
        if rasa.text.startswith("/"):
            assert rasa.text.startswith("/phone_")
            entities = rasa.text.partition("{")[2]
            if entities:
                json.loads("{" + entities)
        else:
            assert caller_input.kind == "speech" and len(rasa.text) <= MAX_TEXT_LENGTH
            rasa.text.encode("utf-8")
        if caller_input.kind == "number":
            assert caller_input.number and caller_input.number not in rasa.text


def check_disconnect(payload: Any) -> None:
    try:
        reason = api.disconnect_reason(payload, "call-1")
    except InvalidRequest:
        return
    assert reason is None or (isinstance(reason, str) and len(reason) <= 200)


def check_protect_contact(parts: list[tuple[str, str]]) -> None:
    """The protected text contains none of the numbers and addresses it was given."""
    # Two numbers with only white space between them can read as one longer number
    # ("010 100000 010 …"): a comma or a word separates them, as citizens write.
    text = "".join((", " if kind == "phone" and previous == "phone" else " ") + value
                   for (previous, _), (kind, value) in zip([("", ""), *parts], parts, strict=False)).lstrip()
    protected, phone, email = protect_contact(text)
    given_phones = [value for kind, value in parts if kind == "phone"]
    given_emails = [value for kind, value in parts if kind == "email"]
    for value in given_phones + given_emails:
        assert value not in protected, (value, protected)
    assert parse_phone(protected) is None and parse_email(protected) is None, protected
    assert (phone is not None) == bool(given_phones)
    assert email is None or email.lower() in {value.lower() for value in given_emails}


def check_protect_any_text(text: str) -> None:
    """Any text (huge, control characters, surrogates): no exception, nothing left to find."""
    protected, _, _ = protect_contact(text)
    assert isinstance(protected, str)
    if len(text) <= MAX_TEXT_LENGTH:
        assert parse_phone(protected) is None, protected


_KEY = secrets.token_bytes(32)
_CREDENTIALS = SessionCredentials(_KEY)
_OTHER = SessionCredentials(secrets.token_bytes(32))


def check_forged_credential(credential: Any) -> None:
    """Anything not issued by the server never yields a sender id."""
    assert _CREDENTIALS.sender_of(credential) is None


def check_tampered_credential(change: tuple[int, str]) -> None:
    """An issued credential verifies; any one changed character, or another key, does not."""
    credential, sender = _CREDENTIALS.issue()
    assert CREDENTIAL_PATTERN.match(credential) and _CREDENTIALS.sender_of(credential) == sender
    assert _OTHER.sender_of(credential) is None
    position, char = change
    position %= len(credential)
    if credential[position] != char:
        forged = credential[:position] + char + credential[position + 1:]
        assert _CREDENTIALS.sender_of(forged) is None


def _socketio_checks() -> dict[str, tuple[st.SearchStrategy, Check]]:
    """The socket.io payload and credential checks (imports Rasa: ~2 s, so only on demand)."""
    from rasa.shared.exceptions import InvalidConfigException

    from channels.chat_history import MAX_DISPLAY_TEXT
    from channels.socketio_input import ORIGIN_PATTERN, _metadata, parse_origins, parse_redis_url

    def metadata(value: Any) -> None:
        result = _metadata(value)
        assert isinstance(result, dict)
        shown = result.get("display_text")
        assert shown is None or (isinstance(shown, str) and len(shown) <= MAX_DISPLAY_TEXT)

    def origins(value: Any) -> None:
        try:
            result = parse_origins(value)
        except InvalidConfigException:
            return
        assert result is None or all(ORIGIN_PATTERN.match(origin) for origin in result)

    def redis_url(value: Any) -> None:
        try:
            result = parse_redis_url(value)
        except InvalidConfigException:
            return
        assert result is None or "://" in result

    socket_metadata = st.one_of(json_values, st.builds(json.dumps, json_values), st.fixed_dictionaries(
        {"display_text": st.one_of(texts, json_values)}, optional={"x": json_values}))
    origin_values = st.one_of(json_values, st.lists(st.one_of(
        st.from_regex(r"https?://[a-z0-9.-]{1,20}(:[0-9]{1,5})?/?", fullmatch=True), texts)), texts)
    return {
        "socketio_metadata": (socket_metadata, metadata),
        "socketio_origins": (origin_values, origins),
        "socketio_redis_url": (st.one_of(json_values, st.from_regex(r"(rediss?|unix|http)://\S*", fullmatch=True)),
                               redis_url),
    }


def properties(with_socketio: bool = True) -> dict[str, tuple[st.SearchStrategy, Check]]:
    """Name → (strategy, check) of every parser property."""
    found: dict[str, tuple[st.SearchStrategy, Check]] = {
        "rest_parse_body": (st.one_of(st.binary(max_size=400), json_values.map(
            lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass")),
            message_shapes.map(lambda v: json.dumps(v).encode())), check_parse_body),
        "rest_validate_message": (st.one_of(message_shapes, json_values), check_validate_message),
        "clean_text": (texts, check_clean_text),
        "safe_payload": (st.one_of(payload_texts, texts), check_safe_payload),
        "audiocodes_conversation_id": (st.one_of(json_values, st.fixed_dictionaries({"conversation": senders})),
                                       check_conversation_id),
        "audiocodes_path_id": (texts, check_path_id),
        "audiocodes_activities": (activities_requests, check_activities),
        "audiocodes_disconnect": (st.one_of(json_values, st.fixed_dictionaries(
            {}, optional={"conversation": st.sampled_from(["call-1", "call-2"]), "reason": json_values})),
            check_disconnect),
        "contact_redaction": (contact_messages, check_protect_contact),
        "contact_redaction_any_text": (texts, check_protect_any_text),
        "session_forged_credential": (st.one_of(json_values, st.from_regex(CREDENTIAL_PATTERN, fullmatch=True)),
                                      check_forged_credential),
        "session_tampered_credential": (st.tuples(st.integers(0, 63), st.sampled_from("0123456789abcdef")),
                                        check_tampered_credential),
    }
    if with_socketio:
        found.update(_socketio_checks())
    return found


def run_property(strategy: st.SearchStrategy, check: Check, max_examples: int, derandomize: bool = True) -> int:
    """Run ``check`` on ``max_examples`` drawn values (hypothesis shrinks a failure and re-raises it).

    Returns how many cases ran.
    """
    calls = 0

    @settings(max_examples=max_examples, derandomize=derandomize, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(value: Any) -> None:
        nonlocal calls
        calls += 1
        check(value)

    run()
    return calls
