"""The callback dialogue on the phone, as a pure state machine.

Steps: ``offer`` (optional: "Möchten Sie einen Rückruf?") → ``number`` (confirm the
caller ID or a typed number) → ``enter`` (type a number, ending with #) → ``window``
(preferred time). Answers come by voice or keypad. The state is a JSON-friendly dict,
so it can live in a Rasa slot (admitted calls, ``actions/phone.py``) or in the call
store (overflow calls, handled in the channel without NLU).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

from bot.nlu.folding import words
from bot.telephony.hotline import Window
from bot.telephony.speech import choice_digit, digits_spoken, is_cancel, parse_yes_no

YES_INTENTS = frozenset({"affirm", "request_callback"})
NO_INTENTS = frozenset({"deny"})
#: Unclear answers and silences tolerated per step before the dialogue gives up.
MAX_RETRIES = 2

YES_OR_ONE = "Sagen Sie Ja oder drücken Sie die 1."
UNAVAILABLE = "Einen Rückruf kann ich gerade leider nicht eintragen."
NOT_UNDERSTOOD = "Das habe ich leider nicht verstanden."
STILL_THERE = "Sind Sie noch da?"
SILENT_GOODBYE = "Ich höre Sie leider nicht. Bitte rufen Sie gern noch einmal an. Auf Wiederhören!"
#: Placeholders for phone numbers in prompts, filled in by the channel just before the
#: gateway speaks them, so that numbers never enter the conversation history.
_NUMBER_SLOT = re.compile(r"\[\[(number|number_end):(caller|entered)\]\]")


@dataclass(frozen=True)
class Answer:
    """One caller input: keypad digits, speech (with its NLU intent if known), or silence.

    ``number_entered`` means the caller typed or said a whole phone number, which the
    channel kept in the call store (never in the conversation history).
    """

    dtmf: Optional[str] = None
    text: Optional[str] = None
    intent: Optional[str] = None
    no_input: bool = False
    number_entered: bool = False


@dataclass(frozen=True)
class Numbers:
    """The caller ID (from the start event) and a number the caller typed, if any."""

    caller: Optional[str] = None
    entered: Optional[str] = None


def fill_numbers(text: str, numbers: Numbers) -> str:
    """Replace ``[[number:caller]]`` / ``[[number_end:entered]]`` with the spoken digits."""

    def spoken(match: "re.Match[str]") -> str:
        number = numbers.caller if match.group(2) == "caller" else numbers.entered
        if not number:
            return ""
        return digits_spoken(number) if match.group(1) == "number" else " ".join(number[-3:])

    return _NUMBER_SLOT.sub(spoken, text)


def has_numbers(text: str) -> bool:
    """Whether ``text`` has number placeholders to fill."""
    return bool(_NUMBER_SLOT.search(text))


@dataclass(frozen=True)
class CallbackDraft:
    """What to store when the caller has confirmed a number and a window."""

    phone: str
    window: Window


@dataclass
class Turn:
    """What to say next and the new state; ``state`` None means the dialogue is over.

    ``outcome`` (when over): stored, declined, cancelled, failed, no_input, unavailable.
    """

    say: list[str]
    state: Optional[dict]
    outcome: Optional[str] = None
    draft: Optional[CallbackDraft] = None
    collect_digits: bool = False
    hangup: bool = False


def start(windows: list[Window], numbers: Numbers, today: date, offer: Optional[str] = None) -> Turn:
    """Begin: ask ``offer`` first if given, else go straight to the number."""
    if not windows:
        return Turn([UNAVAILABLE], None, outcome="unavailable")
    state = {
        "step": "offer" if offer else "number",
        "offer": offer,
        "windows": [w.as_dict() for w in windows],
        "number": "caller" if numbers.caller else None,
        "retries": 0,
    }
    if state["step"] == "number" and not numbers.caller:
        state["step"] = "enter"
    return _prompt(state, today)


def advance(state: dict, answer: Answer, numbers: Numbers, today: date) -> Turn:
    """Handle one answer in the current step."""
    state = dict(state)
    if answer.no_input:
        state["retries"] = state.get("retries", 0) + 1
        if state["retries"] >= MAX_RETRIES:
            return Turn([SILENT_GOODBYE], None, outcome="no_input", hangup=True)
        return _prompt(state, today, prefix=STILL_THERE)
    if answer.dtmf == "*" or is_cancel(answer.text):
        return Turn(["In Ordnung, dann trage ich keinen Rückruf ein."], None, outcome="cancelled")
    step = state["step"]
    if step == "offer":
        yes = _yes_no(answer)
        if yes is False:
            return Turn(["In Ordnung."], None, outcome="declined")
        if yes:
            return _goto(state, "number" if _number(state, numbers) else "enter", today)
    elif step == "number":
        yes = _yes_no(answer)
        if yes and _number(state, numbers):
            return _goto(state, "window", today)
        if yes is False:
            state["number"] = None
            return _goto(state, "enter", today)
    elif step == "enter":
        if answer.number_entered and numbers.entered:
            state["number"] = "entered"
            return _goto(state, "number", today)
    elif step == "window":
        windows = [Window.from_dict(w) for w in state["windows"]]
        chosen = _window_choice(answer, windows)
        phone = _number(state, numbers)
        if chosen is not None and phone:
            window = windows[chosen]
            return Turn(
                [f"Vielen Dank. Wir rufen Sie {window.said(today)} an, unter der Nummer mit den Endziffern "
                 f"[[number_end:{state['number']}]]. Auf Wiederhören!"],
                None, outcome="stored", draft=CallbackDraft(phone, window), hangup=True,
            )
    state["retries"] = state.get("retries", 0) + 1
    if state["retries"] >= MAX_RETRIES:
        return Turn([f"{NOT_UNDERSTOOD} Ich trage deshalb keinen Rückruf ein."], None, outcome="failed")
    return _prompt(state, today, prefix=NOT_UNDERSTOOD)


def _goto(state: dict, step: str, today: date) -> Turn:
    state["step"] = step
    state["retries"] = 0
    return _prompt(state, today)


def _number(state: dict, numbers: Numbers) -> Optional[str]:
    return {"caller": numbers.caller, "entered": numbers.entered}.get(state.get("number") or "")


def _yes_no(answer: Answer) -> Optional[bool]:
    if answer.dtmf in ("1", "2"):
        return answer.dtmf == "1"
    if answer.intent in YES_INTENTS:
        return True
    if answer.intent in NO_INTENTS:
        return False
    return parse_yes_no(answer.text)


def _window_choice(answer: Answer, windows: list[Window]) -> Optional[int]:
    if answer.dtmf and answer.dtmf.isdigit() and 1 <= int(answer.dtmf) <= len(windows):
        return int(answer.dtmf) - 1
    tokens = {w for w, _, _ in words(answer.text or "")}
    named = [i for i, w in enumerate(windows) if tokens & {w.key, w.spoken} or any(t.startswith(w.key) for t in tokens)]
    if len(named) == 1:
        return named[0]
    if tokens & {"egal", "beides", "immer", "irgendwann"}:
        return 0
    number = choice_digit(answer.text, len(windows))
    if number:
        return number - 1
    if len(windows) == 1 and _yes_no(answer):
        return 0
    return None


def _prompt(state: dict, today: date, prefix: str = "") -> Turn:
    step = state["step"]
    collect = False
    if step == "offer":
        text = f"{state['offer']} {YES_OR_ONE} Wenn nicht, drücken Sie die 2."
    elif step == "number":
        text = (f"Sollen wir Sie unter der Nummer [[number:{state['number']}]] zurückrufen? "
                f"{YES_OR_ONE} Für eine andere Nummer drücken Sie die 2.")
    elif step == "enter":
        text = ("Bitte tippen Sie die Nummer für den Rückruf über die Telefontastatur ein "
                "und drücken Sie danach die Rautetaste.")
        collect = True
    else:
        windows = [Window.from_dict(w) for w in state["windows"]]
        if len(windows) == 1:
            text = f"Wir können Sie {windows[0].said(today)} zurückrufen. Passt Ihnen das? {YES_OR_ONE}"
        else:
            text = (f"Wann passt es Ihnen: {windows[0].said(today)}, dann drücken Sie die 1, "
                    f"oder {windows[1].said(today)}, dann drücken Sie die 2?")
    return Turn([f"{prefix} {text}".strip()], state, collect_digits=collect)
