"""Store outages and repeated messages, without servers: which errors count as an outage,
and which answer a repeated message id gets from the tracker."""

from __future__ import annotations

from rasa.core.lock_store import LockError
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError

from bot.server.rasa_stores import earlier_answer
from channels import outage


def test_store_errors_are_told_apart_from_bugs() -> None:
    assert outage.store_of(OperationalError("SELECT 1", {}, OSError("refused"))) == "tracker"
    assert outage.store_of(RedisConnectionError("refused")) == "lock"
    assert outage.store_of(LockError("could not acquire")) == "lock"
    wrapped = RuntimeError("wrapped")
    wrapped.__cause__ = RedisConnectionError("refused")
    assert outage.store_of(wrapped) == "lock"
    assert outage.store_of(KeyError("a bug")) is None


def test_a_store_outage_is_counted_once_and_a_bug_not_at_all(caplog) -> None:
    from bot.metrics import DATABASE_ERRORS

    before = DATABASE_ERRORS.labels(database="lock")._value.get()
    assert outage.failed_store(RedisConnectionError("refused"), "rest") == "lock"
    assert DATABASE_ERRORS.labels(database="lock")._value.get() == before + 1
    assert "the lock store is unreachable" in caplog.text and "refused" not in caplog.text
    assert outage.failed_store(KeyError("a bug"), "rest") is None
    assert DATABASE_ERRORS.labels(database="lock")._value.get() == before + 1


def test_the_outage_answers_are_formal_german_and_the_spoken_one_has_no_link() -> None:
    for text in (outage.WRITTEN, outage.SPOKEN):
        words = set(text.replace(".", " ").replace(",", " ").lower().split())
        assert "sie" in words and not words & {"du", "dich", "dir", "dein", "deine"}
        assert all(len(sentence.split()) <= 12 for sentence in text.split(". "))  # short sentences
    assert "115" in outage.WRITTEN
    assert "http" not in outage.SPOKEN and "www" not in outage.SPOKEN


def test_a_repeated_message_id_gets_the_answer_of_its_first_copy() -> None:
    events = [
        SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("Was kostet ein Personalausweis?", message_id="m1"),
        ActionExecuted("action_fee"), BotUttered("37 Euro", {"buttons": [{"title": "Unterlagen", "payload": "/x"}]}),
        BotUttered("Quelle: stuttgart.de"), ActionExecuted("action_listen"),
        UserUttered("und welche Unterlagen?", message_id="m2"), BotUttered("Sie brauchen …"),
    ]
    first = earlier_answer(events, "m1")
    assert [m["text"] for m in first] == ["37 Euro", "Quelle: stuttgart.de"]
    assert first[0]["buttons"][0]["title"] == "Unterlagen"
    assert [m["text"] for m in earlier_answer(events, "m2")] == ["Sie brauchen …"]
    assert earlier_answer(events, "m3") is None and earlier_answer(events, None) is None
