"""The callback dialogue of both channels, as one pure state machine.

Written (web chat): ``choose`` (Rückruf or E-Mail) → ``phone`` (typed number) →
``window`` → ``consent``; or ``choose`` → ``email`` → ``consent``.
Spoken (phone, keys or voice): ``choose`` (optional offer: "Möchten Sie einen Rückruf?")
→ ``confirm`` (the caller ID or a typed number) or ``phone`` (type a number, ending
with #) → ``window``. The phone needs no consent question: the caller asked for the
call and hears the last digits of the number.

Each step is a :class:`Step` (in the style of financial-demo's
``CustomFormValidationAction``): it validates one answer into state updates and names
the next step; the wording is the channel's (``written.py``, ``spoken.py``). "Abbrechen"
(or * on the phone) ends the dialogue with nothing stored, as does "Nein" on the web.
The state is a JSON-friendly dict, so it lives in a Rasa slot or, for overflow calls,
in the call store.
"""

from __future__ import annotations

import abc
from datetime import date
from types import ModuleType

from bot.handoff.callback import spoken, written
from bot.handoff.callback.turns import CallbackDraft, Message, Numbers, Turn
from bot.handoff.callback.windows import Window, choose_window
from bot.handoff.contact import parse_email
from bot.handoff.phone_numbers import parse_phone
from bot.handoff.short_answers import CANCEL_INTENTS, Answer, is_cancel, parse_yes_no, yes_no
from bot.nlu.folding import words

#: Unclear answers (and on the phone silences) tolerated per step: the second one ends the
#: dialogue, as two misunderstood messages lead to a person and two silences to goodbye.
MAX_RETRIES = 2
WORDING: dict[str, ModuleType] = {"written": written, "spoken": spoken}
_PHONE_WORDS = ("ruckruf", "zuruckruf", "anruf", "telefon", "rufen", "ruf")
_EMAIL_WORDS = ("mail", "email", "schreib", "schriftlich")


def _wants_email(answer: Answer) -> bool:
    return any(token.startswith(_EMAIL_WORDS) for token, _, _ in words(answer.text or ""))


class Step(abc.ABC):
    """One step: validates an answer into state updates (``"step"`` to jump, ``"end"`` to
    finish with that outcome), or None when the answer does not fit."""

    key: str = ""

    @abc.abstractmethod
    def validate(self, answer: Answer, state: dict, numbers: Numbers) -> dict | None:
        """State updates for a valid answer, else None."""

    def next_step(self, state: dict) -> str:
        """The step after this one (``"done"`` stores the request)."""
        return "consent" if state["channel"] == "written" else "done"


class ChooseStep(Step):
    """Web: Rückruf or E-Mail (or the number or address right away). Phone: a callback, yes or no."""

    key = "choose"

    def validate(self, answer: Answer, state: dict, numbers: Numbers) -> dict | None:
        if state["channel"] == "spoken":
            yes = yes_no(answer)
            if yes is False:
                return {"end": "declined"}
            return None if yes is None else {"step": "confirm" if numbers.get(state.get("number")) else "phone"}
        email = parse_email(answer.text)
        if email:
            return {"method": "email", "email": email, "phone": None, "step": "consent"}
        phone = parse_phone(answer.text)
        if phone:
            return {"method": "phone", "phone": phone, "email": None, "step": "window"}
        if _wants_email(answer):
            return {"method": "email", "step": "email"}
        tokens = [w for w, _, _ in words(answer.text or "")]
        if answer.intent == "request_callback" or any(t.startswith(_PHONE_WORDS) for t in tokens):
            return {"method": "phone", "step": "phone"}
        return None


class PhoneStep(Step):
    """The number: typed in the web chat (or an e-mail address instead), typed on the keypad on the phone."""

    key = "phone"

    def validate(self, answer: Answer, state: dict, numbers: Numbers) -> dict | None:
        if state["channel"] == "spoken":
            return {"number": "entered", "step": "confirm"} if answer.number_entered and numbers.entered else None
        email = parse_email(answer.text)
        if email:
            return {"method": "email", "email": email, "phone": None, "step": "consent"}
        phone = parse_phone(answer.text)
        if phone:
            return {"phone": phone, "step": "window"}
        if _wants_email(answer):
            return {"method": "email", "phone": None, "step": "email"}  # "lieber per E-Mail"
        return None


class ConfirmStep(Step):
    """Phone: call back on this number (the caller ID or the typed one)? No: type another."""

    key = "confirm"

    def validate(self, answer: Answer, state: dict, numbers: Numbers) -> dict | None:
        yes = yes_no(answer)
        if yes and numbers.get(state.get("number")):
            return {"step": "window"}
        return {"number": None, "step": "phone"} if yes is False else None


class EmailStep(Step):
    """Web: the e-mail address."""

    key = "email"

    def validate(self, answer: Answer, state: dict, numbers: Numbers) -> dict | None:
        email = parse_email(answer.text)
        return {"email": email} if email else None


class WindowStep(Step):
    """The preferred time for the callback (web: buttons; phone: keys or words)."""

    key = "window"

    def validate(self, answer: Answer, state: dict, numbers: Numbers) -> dict | None:
        windows = [Window.from_dict(w) for w in state["windows"]]
        chosen = choose_window(answer, windows, date.fromisoformat(state["today"]))
        return None if chosen is None else {"window": windows[chosen].as_dict()}


class ConsentStep(Step):
    """Web: consent to storing the number or address, with the retention period."""

    key = "consent"

    def validate(self, answer: Answer, state: dict, numbers: Numbers) -> dict | None:
        yes = True if answer.intent == "affirm" else parse_yes_no(answer.text)
        return {"consent": True} if yes else None

    def next_step(self, state: dict) -> str:
        return "done"


#: No caller ID and no typed number yet (the default of the entry points).
NO_NUMBERS = Numbers()

STEPS: dict[str, Step] = {step.key: step for step in
                          (ChooseStep(), PhoneStep(), ConfirmStep(), EmailStep(), WindowStep(), ConsentStep())}


def start(channel: str, windows: list[Window], today: date, *, reason: str | None = None,
          lead: str | None = None, method: str | None = None, numbers: Numbers = NO_NUMBERS,
          retention_days: int = 30) -> Turn:
    """Begin: the choice or offer (``lead`` first), else straight to the number (``method="phone"``
    on the web; the caller ID or the keypad on the phone)."""
    if not windows:
        return Turn([WORDING[channel].ended("unavailable")], None, outcome="unavailable")
    if channel == "spoken":
        step = "choose" if lead else "confirm" if numbers.caller else "phone"
    else:
        step = "phone" if method == "phone" else "email" if method == "email" else "choose"
    state = {
        "channel": channel, "step": step, "method": method or ("phone" if channel == "spoken" else None),
        "lead": lead, "reason": reason, "today": today.isoformat(), "windows": [w.as_dict() for w in windows],
        "number": "caller" if numbers.caller else None, "retention_days": retention_days, "retries": 0,
    }
    return Turn([WORDING[channel].prompt(state, today)], state)


def is_cancelled(answer: Answer, channel: str) -> bool:
    """"Abbrechen", * on the phone; on the web also "Nein" and "Tschüss" (at the consent step: a refusal)."""
    return answer.dtmf == "*" or is_cancel(answer.text) or (channel == "written" and answer.intent in CANCEL_INTENTS)


def fits(state: dict, answer: Answer, numbers: Numbers = NO_NUMBERS) -> bool:
    """Whether the answer is a valid value for the current step (a new question is not)."""
    step = STEPS.get(state.get("step") or "")
    return step is not None and step.validate(answer, state, numbers) is not None


def advance(state: dict, answer: Answer, today: date, numbers: Numbers = NO_NUMBERS) -> Turn:
    """Handle one answer in the current step."""
    state = dict(state)
    channel = state.get("channel") or "written"
    wording = WORDING[channel]
    step = STEPS.get(state.get("step") or "")
    if step is None:
        return _end(wording, "failed")
    updates = None if answer.no_input else step.validate(answer, state, numbers)
    if updates is None:
        if not answer.no_input and (is_cancelled(answer, channel)
                                    or (step.key == "consent" and parse_yes_no(answer.text) is False)):
            return _end(wording, "refused" if step.key == "consent" else "cancelled")
        state["retries"] = state.get("retries", 0) + 1
        if state["retries"] >= MAX_RETRIES:
            return _end(wording, "no_input" if answer.no_input else "failed")
        return Turn([wording.again(state, today, silent=answer.no_input)], state)
    end = updates.pop("end", None)
    if end:
        return _end(wording, end)
    jump = updates.pop("step", None)
    state.update(updates)
    state["step"] = jump or step.next_step(state)
    state["retries"] = 0
    if state["step"] == "done":
        return _done(state, wording, today, numbers)
    return Turn([wording.prompt(state, today)], state)


def _end(wording: ModuleType, outcome: str) -> Turn:
    return Turn([wording.ended(outcome)], None, outcome=outcome,
                hangup=outcome in spoken.HANGS_UP and wording is spoken)


def _done(state: dict, wording: ModuleType, today: date, numbers: Numbers) -> Turn:
    windows = [Window.from_dict(w) for w in state["windows"]]
    method = state.get("method") or "phone"
    if method == "email":
        window = written.email_window(windows)
        draft = CallbackDraft("email", None, state["email"], window, state.get("reason"))
    else:
        window = Window.from_dict(state["window"])
        phone = numbers.get(state.get("number")) if state["channel"] == "spoken" else state.get("phone")
        draft = CallbackDraft("phone", phone, None, window, state.get("reason"))
    message: Message = wording.stored(method, window, draft.phone, state.get("number"), today)
    return Turn([message], None, outcome="stored", draft=draft, hangup=wording is spoken)
