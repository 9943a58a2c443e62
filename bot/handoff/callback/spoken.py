"""The callback dialogue spoken on the phone: prompts that say which key to press, endings,
and the number placeholders the channel fills in just before the gateway speaks them."""

from __future__ import annotations

import re
from datetime import date

from bot.handoff.callback.turns import Message, Numbers
from bot.handoff.callback.windows import Window
from bot.handoff.phone_numbers import spoken as spoken_number

YES_OR_ONE = "Sagen Sie Ja oder drücken Sie die 1."
NOT_UNDERSTOOD = "Das habe ich leider nicht verstanden."
STILL_THERE = "Sind Sie noch da?"
SILENT_GOODBYE = "Ich höre Sie leider nicht. Bitte rufen Sie gern noch einmal an. Auf Wiederhören!"
ENDINGS = {
    "cancelled": "In Ordnung, dann trage ich keinen Rückruf ein.",
    "declined": "In Ordnung.",
    "refused": "In Ordnung, dann trage ich keinen Rückruf ein.",
    "failed": f"{NOT_UNDERSTOOD} Ich trage deshalb keinen Rückruf ein.",
    "no_input": SILENT_GOODBYE,
    "unavailable": "Einen Rückruf kann ich gerade leider nicht eintragen.",
}
#: Endings after which the bot hangs up.
HANGS_UP = frozenset({"stored", "no_input"})
#: Placeholders for phone numbers in prompts, filled in by the channel just before the
#: gateway speaks them, so that numbers never enter the conversation history.
_NUMBER_SLOT = re.compile(r"\[\[(number|number_end):(caller|entered)\]\]")


def fill_numbers(text: str, numbers: Numbers) -> str:
    """Replace ``[[number:caller]]`` / ``[[number_end:entered]]`` with the spoken digits."""

    def said(match: re.Match[str]) -> str:
        number = numbers.get(match.group(2))
        if not number:
            return ""
        return spoken_number(number) if match.group(1) == "number" else " ".join(number[-3:])

    return _NUMBER_SLOT.sub(said, text)


def has_numbers(text: str) -> bool:
    """Whether ``text`` has number placeholders to fill."""
    return bool(_NUMBER_SLOT.search(text))


def prompt(state: dict, today: date) -> Message:
    """The question of the current step."""
    step = state["step"]
    if step == "choose":
        return Message(f"{state['lead']} {YES_OR_ONE} Wenn nicht, drücken Sie die 2.")
    if step == "confirm":
        return Message(f"Sollen wir Sie unter der Nummer [[number:{state['number']}]] zurückrufen? "
                       f"{YES_OR_ONE} Für eine andere Nummer drücken Sie die 2.")
    if step == "phone":
        return Message("Bitte tippen Sie die Nummer für den Rückruf über die Telefontastatur ein "
                       "und drücken Sie danach die Rautetaste.", collect_digits=True)
    windows = [Window.from_dict(w) for w in state["windows"]]
    if len(windows) == 1:
        return Message(f"Wir können Sie {windows[0].said(today)} zurückrufen. Passt Ihnen das? {YES_OR_ONE}")
    return Message(f"Wann passt es Ihnen: {windows[0].said(today)}, dann drücken Sie die 1, "
                   f"oder {windows[1].said(today)}, dann drücken Sie die 2?")


def again(state: dict, today: date, silent: bool) -> Message:
    """The question once more, after silence or an answer that did not fit the step."""
    question = prompt(state, today)
    return Message(f"{STILL_THERE if silent else NOT_UNDERSTOOD} {question.text}",
                   collect_digits=question.collect_digits)


def ended(outcome: str) -> Message:
    """The last message of a dialogue that stored nothing."""
    return Message(ENDINGS[outcome])


def stored(method: str, window: Window, phone: str | None, number: str | None, today: date) -> Message:
    """The confirmation once the request is stored (the caller hears the last digits, then goodbye)."""
    return Message(f"Vielen Dank. Wir rufen Sie {window.said(today)} an, unter der Nummer mit den Endziffern "
                   f"[[number_end:{number}]]. Auf Wiederhören!")
