"""Bot-side activities for the gateway."""

from __future__ import annotations

from bot.telephony.activities import (
    collect_digits_params,
    config_event,
    hangup_event,
    is_bot_activity,
    message,
    transfer_event,
)


def test_transfer_carries_the_context_in_sip_headers() -> None:
    event = transfer_event("sip:agents@pbx", "caller wants a person", {
        "X-Conversation-Id": "abc-1", "X-Intent": "ask_fees", "X-Service": None,
        "X-District": "bad cannstatt\r\nX-Evil: 1",
    })
    params = event["activityParams"]
    assert event["name"] == "transfer" and params["transferTarget"] == "sip:agents@pbx"
    headers = {h["name"]: h["value"] for h in params["transferSipHeaders"]}
    assert headers == {"X-Conversation-Id": "abc-1", "X-Intent": "ask_fees",
                       "X-District": "bad_cannstatt__X-Evil:_1"}  # no header injection


def test_other_activities() -> None:
    assert message("Hallo") == {"type": "message", "text": "Hallo"}
    assert message("Nummer?", collect_digits_params())["activityParams"]["dtmfCollectSubmitDigit"] == "#"
    assert config_event({"language": "de-DE"})["sessionParams"] == {"language": "de-DE"}
    assert hangup_event("done")["activityParams"]["hangupReason"] == "done"


def test_only_gateway_activities_pass() -> None:
    assert is_bot_activity(message("x")) and is_bot_activity(hangup_event())
    assert not is_bot_activity({"type": "event", "name": "playUrl"})
    assert not is_bot_activity({"type": "message"}) and not is_bot_activity("hangup")
