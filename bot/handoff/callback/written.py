"""The callback dialogue written for the web chat: prompts with buttons, errors, endings."""

from __future__ import annotations

from datetime import date

from bot.german import clock, day_relative
from bot.handoff.callback.turns import Message
from bot.handoff.callback.windows import Window
from bot.handoff.phone_numbers import masked

NOTHING_STORED = "In Ordnung, dann speichere ich nichts. Wie kann ich Ihnen sonst helfen?"
ENDINGS = {
    "cancelled": NOTHING_STORED,
    "declined": NOTHING_STORED,
    "refused": NOTHING_STORED,
    "failed": "Das hat leider nicht geklappt. Ich habe nichts gespeichert. Wie kann ich Ihnen sonst helfen?",
    "unavailable": "Einen Rückruf oder eine Antwort per E-Mail kann ich gerade leider nicht eintragen.",
}
YES_NO = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}]
EMAIL_CHOICE = "Antwort per E-Mail"
CHOICE_BUTTONS = [
    {"title": "Rückruf", "payload": "/request_callback"},
    {"title": EMAIL_CHOICE, "payload": EMAIL_CHOICE},
    {"title": "Nein, danke", "payload": "/deny"},
]
ERRORS = {
    "phone": "Das ist leider keine gültige Telefonnummer.",
    "email": "Das ist leider keine gültige E-Mail-Adresse.",
    "window": "Bitte wählen Sie eine der angebotenen Zeiten.",
    "consent": "Bitte antworten Sie mit Ja oder Nein.",
}
NOT_UNDERSTOOD = "Das habe ich leider nicht verstanden."


def _windows(state: dict) -> list[Window]:
    return [Window.from_dict(w) for w in state.get("windows") or []]


def prompt(state: dict, today: date) -> Message:
    """The question of the current step."""
    step = state["step"]
    if step == "choose":
        if state.get("retries"):
            return Message("Möchten Sie einen Rückruf oder eine Antwort per E-Mail?", CHOICE_BUTTONS)
        question = "Wir können Sie zurückrufen oder Ihnen per E-Mail antworten. Was ist Ihnen lieber?"
        lead = state.get("lead")
        return Message(f"{lead} {question}" if lead else question, CHOICE_BUTTONS)
    if step == "phone":
        return Message("Unter welcher Telefonnummer können wir Sie erreichen? Bitte mit Vorwahl, zum Beispiel "
                       "0711 123456. Lieber per E-Mail? Dann nennen Sie bitte Ihre E-Mail-Adresse.")
    if step == "email":
        return Message("An welche E-Mail-Adresse dürfen wir Ihnen antworten? Zum Beispiel name@beispiel.de.")
    if step == "window":
        labels = [w.label(date.fromisoformat(state["today"])) for w in _windows(state)]
        return Message("Wann dürfen wir Sie anrufen?", [{"title": label, "payload": label} for label in labels])
    days = state.get("retention_days", 30)
    if state.get("method") == "email":
        text = f"Wir speichern Ihre E-Mail-Adresse nur, um Ihnen zu antworten, und löschen sie nach {days} Tagen."
    else:
        text = f"Wir speichern Ihre Telefonnummer nur, um Sie zurückzurufen, und löschen sie nach {days} Tagen."
    return Message(f"{text} Sind Sie einverstanden?", YES_NO)


def again(state: dict, today: date, silent: bool) -> Message:
    """The question once more, after an answer that did not fit the step."""
    question = prompt(state, today)
    return Message(f"{ERRORS.get(state['step'], NOT_UNDERSTOOD)} {question.text}", question.buttons)


def ended(outcome: str) -> Message:
    """The last message of a dialogue that stored nothing."""
    return Message(ENDINGS[outcome])


def email_window(windows: list[Window]) -> Window:
    """When staff answer an e-mail: the working hours of the first callback day."""
    first = windows[0]
    same_day = [w for w in windows if w.day == first.day]
    return Window("email", "per E-Mail", first.start, max(w.end for w in same_day))


def stored(method: str, window: Window, phone: str | None, number: str | None, today: date) -> Message:
    """The confirmation once the request is stored."""
    if method == "email":
        when = day_relative(window.day, today)
        return Message(f"Vielen Dank. Wir antworten Ihnen per E-Mail, voraussichtlich {when}. "
                       "Wie kann ich Ihnen sonst helfen?")
    return Message(f"Vielen Dank. Wir rufen Sie {window.said(today)} zwischen "
                   f"{window.start.hour}:{window.start.minute:02d} "
                   f"und {clock(window.end.time())} an, unter der Nummer mit den Endziffern {masked(phone or '')}. "
                   "Wie kann ich Ihnen sonst helfen?")
