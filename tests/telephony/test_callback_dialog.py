"""The callback dialogue state machine, step by step."""

from __future__ import annotations

import json
from datetime import date, datetime

from bot.config import TIMEZONE
from bot.telephony.callback_dialog import Answer, Numbers, advance, fill_numbers, has_numbers, start
from bot.telephony.hotline import Window

TODAY = date(2026, 3, 4)
WINDOWS = [
    Window("vormittag", "vormittags", datetime(2026, 3, 5, 8, tzinfo=TIMEZONE), datetime(2026, 3, 5, 12, tzinfo=TIMEZONE)),
    Window("nachmittag", "nachmittags", datetime(2026, 3, 5, 12, tzinfo=TIMEZONE), datetime(2026, 3, 5, 18, tzinfo=TIMEZONE)),
]
CALLER = Numbers(caller="+49711123456")


def test_offer_number_window_stored() -> None:
    turn = start(WINDOWS, CALLER, TODAY, offer="Möchten Sie einen Rückruf?")
    assert turn.state["step"] == "offer" and "drücken Sie die 1" in turn.say[0]
    json.dumps(turn.state)  # storable in a slot or the call store
    turn = advance(turn.state, Answer(dtmf="1"), CALLER, TODAY)
    assert turn.state["step"] == "number" and "[[number:caller]]" in turn.say[0]
    assert fill_numbers(turn.say[0], CALLER).count("0 7 1 1, 1 2 3, 4 5 6") == 1
    turn = advance(turn.state, Answer(text="ja, stimmt", intent="affirm"), CALLER, TODAY)
    assert "morgen vormittags" in turn.say[0] and "morgen nachmittags" in turn.say[0]
    turn = advance(turn.state, Answer(dtmf="2"), CALLER, TODAY)
    assert turn.state is None and turn.outcome == "stored" and turn.hangup
    assert turn.draft.phone == "+49711123456" and turn.draft.window.key == "nachmittag"
    assert fill_numbers(turn.say[0], CALLER).endswith("Endziffern 4 5 6. Auf Wiederhören!")


def test_without_caller_id_the_number_is_typed() -> None:
    turn = start(WINDOWS, Numbers(), TODAY)
    assert turn.state["step"] == "enter" and turn.collect_digits
    turn = advance(turn.state, Answer(dtmf="12"), Numbers(), TODAY)  # too short: not a number
    assert turn.state["step"] == "enter" and turn.say[0].startswith("Das habe ich leider nicht verstanden")
    typed = Numbers(entered="0711987654")
    turn = advance(turn.state, Answer(number_entered=True), typed, TODAY)
    assert turn.state["step"] == "number" and fill_numbers(turn.say[0], typed).count("0 7 1 1, 9 8 7, 6 5 4") == 1


def test_another_number_instead_of_the_caller_id() -> None:
    state = start(WINDOWS, CALLER, TODAY).state
    turn = advance(state, Answer(text="nein, eine andere Nummer"), CALLER, TODAY)
    assert turn.state["step"] == "enter" and turn.state["number"] is None
    both = Numbers(caller=CALLER.caller, entered="0711987654")
    turn = advance(turn.state, Answer(number_entered=True), both, TODAY)
    turn = advance(turn.state, Answer(dtmf="1"), both, TODAY)
    turn = advance(turn.state, Answer(text="vormittags"), both, TODAY)
    assert turn.draft.phone == "0711987654" and turn.draft.window.key == "vormittag"


def test_declined_cancelled_failed() -> None:
    offer = start(WINDOWS, CALLER, TODAY, offer="Möchten Sie einen Rückruf?").state
    assert advance(offer, Answer(text="nein danke", intent="deny"), CALLER, TODAY).outcome == "declined"
    assert advance(offer, Answer(dtmf="*"), CALLER, TODAY).outcome == "cancelled"
    unclear = advance(offer, Answer(text="Was kostet ein Pass?", intent="ask_fees"), CALLER, TODAY)
    assert unclear.state is not None and unclear.state["retries"] == 1
    failed = advance(unclear.state, Answer(text="Blumenkohl"), CALLER, TODAY)
    assert failed.state is None and failed.outcome == "failed" and not failed.hangup


def test_silence_reprompts_once_then_hangs_up() -> None:
    state = start(WINDOWS, CALLER, TODAY).state
    again = advance(state, Answer(no_input=True), CALLER, TODAY)
    assert again.say[0].startswith("Sind Sie noch da?") and again.state is not None
    bye = advance(again.state, Answer(no_input=True), CALLER, TODAY)
    assert bye.outcome == "no_input" and bye.hangup


def test_single_window_is_confirmed_with_yes() -> None:
    state = advance(start(WINDOWS[:1], CALLER, TODAY).state, Answer(dtmf="1"), CALLER, TODAY).state
    assert state["step"] == "window"
    assert advance(state, Answer(text="ja"), CALLER, TODAY).draft.window.key == "vormittag"


def test_no_windows_no_callback() -> None:
    turn = start([], CALLER, TODAY, offer="Rückruf?")
    assert turn.state is None and turn.outcome == "unavailable"


def test_placeholders() -> None:
    assert has_numbers("Nummer [[number:entered]]") and not has_numbers("Nummer 0711")
    assert fill_numbers("Endziffern [[number_end:entered]]", Numbers(entered="0711987654")) == "Endziffern 6 5 4"
    assert fill_numbers("[[number:caller]]", Numbers()) == ""
