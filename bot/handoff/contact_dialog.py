"""The web chat's callback / e-mail reply dialogue, as a pure state machine.

Steps: ``choose`` (Rückruf or E-Mail, after the offer) → ``phone`` (number, validated)
→ ``window`` (preferred time, from the hotline's callback windows) → ``consent``; or
``choose`` → ``email`` → ``consent``. Each step is a :class:`ContactStep`: an abstract
validation base in the style of financial-demo's ``CustomFormValidationAction`` — a step
asks, validates one answer into state updates, and names the next step. "Abbrechen",
"Nein" or no consent end the dialogue with nothing stored. The state is a JSON-friendly
dict, so it lives in the ``contact_data`` slot (``actions/contact_request.py``).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

from bot.german import WEEKDAY_NAMES, clock
from bot.handoff.contact import masked_phone, parse_email, parse_phone
from bot.nlu.folding import fold, words
from bot.telephony.hotline import Window
from bot.telephony.speech import choice_digit, is_cancel, parse_yes_no

#: Unclear answers tolerated per step before the dialogue gives up.
MAX_RETRIES = 3
CANCEL_INTENTS = frozenset({"deny", "cancel_handoff", "goodbye"})
_PHONE_WORDS = ("ruckruf", "zuruckruf", "anruf", "telefon", "rufen", "ruf")
_EMAIL_WORDS = ("mail", "email", "schreib", "schriftlich")
#: "die erste", "den zweiten", "das dritte" (folded, first five letters).
_ORDINALS = {"erste": 1, "zweit": 2, "dritt": 3}

NOTHING_STORED = "In Ordnung, dann speichere ich nichts. Wie kann ich Ihnen sonst helfen?"
GIVE_UP = "Das hat leider nicht geklappt. Ich habe nichts gespeichert. Wie kann ich Ihnen sonst helfen?"
UNAVAILABLE = "Einen Rückruf oder eine Antwort per E-Mail kann ich gerade leider nicht eintragen."
YES_NO = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}]
EMAIL_CHOICE = "Antwort per E-Mail"
CHOICE_BUTTONS = [
    {"title": "Rückruf", "payload": "/request_callback"},
    {"title": EMAIL_CHOICE, "payload": EMAIL_CHOICE},
    {"title": "Nein, danke", "payload": "/deny"},
]


@dataclass(frozen=True)
class Answer:
    """One message of the citizen: its text and NLU intent."""

    text: str = ""
    intent: Optional[str] = None


@dataclass(frozen=True)
class Message:
    """One bot message with optional buttons."""

    text: str
    buttons: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class ContactDraft:
    """What to store once the citizen consented: phone or e-mail, and when staff get in touch."""

    method: str
    phone: Optional[str]
    email: Optional[str]
    window: Window
    reason: str


@dataclass
class Turn:
    """What to say and the new state; ``state`` None means the dialogue is over.

    ``outcome`` (when over): stored, refused, cancelled, failed, unavailable.
    """

    messages: list[Message]
    state: Optional[dict]
    outcome: Optional[str] = None
    draft: Optional[ContactDraft] = None


def windows_of(state: dict) -> list[Window]:
    """The offered windows of a state."""
    return [Window.from_dict(w) for w in state.get("windows") or []]


def window_label(window: Window, today: date) -> str:
    """``"Morgen vormittags, 8:00 bis 12:00 Uhr"``."""
    said = window.said(today)
    return f"{said[0].upper()}{said[1:]}, {window.start.hour}:{window.start.minute:02d} bis {clock(window.end.time())}"


def day_said(day: date, today: date) -> str:
    """``"heute"``, ``"morgen"``, ``"am Montag, 30.11."``."""
    if day == today:
        return "heute"
    if day == today + timedelta(days=1):
        return "morgen"
    return f"am {WEEKDAY_NAMES[day.weekday()]}, {day.day:02d}.{day.month:02d}."


def email_window(windows: list[Window]) -> Window:
    """When staff answer an e-mail: the working hours of the first callback day."""
    first = windows[0]
    same_day = [w for w in windows if w.day == first.day]
    return Window("email", "per E-Mail", first.start, max(w.end for w in same_day))


class ContactStep(abc.ABC):
    """One step of the dialogue: a prompt, the validation of an answer, the next step.

    Abstract; subclasses implement :meth:`prompt` and :meth:`validate` and may override
    :attr:`error`. ``validate`` returns the state updates for a valid answer (they may
    include ``"step"`` to jump), or None when the answer does not fit the step.
    """

    key: str = ""
    #: Said before the prompt again when an answer did not fit.
    error: str = "Das habe ich leider nicht verstanden."

    @abc.abstractmethod
    def prompt(self, state: dict, today: date) -> Message:
        """The question of this step."""

    @abc.abstractmethod
    def validate(self, answer: Answer, state: dict) -> Optional[dict]:
        """State updates for a valid answer, else None."""

    def next_step(self, state: dict) -> str:
        """The step after this one (``"done"`` ends the dialogue)."""
        return "consent"


def _contact_updates(answer: Answer) -> Optional[dict]:
    """A phone number or e-mail address typed directly, as state updates."""
    email = parse_email(answer.text)
    if email:
        return {"method": "email", "email": email, "phone": None, "step": "consent"}
    phone = parse_phone(answer.text)
    if phone:
        return {"method": "phone", "phone": phone, "email": None, "step": "window"}
    return None


class ChooseStep(ContactStep):
    """Rückruf or E-Mail?"""

    key = "choose"

    def prompt(self, state: dict, today: date) -> Message:
        if state.get("retries"):
            return Message("Möchten Sie einen Rückruf oder eine Antwort per E-Mail?", CHOICE_BUTTONS)
        question = "Wir können Sie zurückrufen oder Ihnen per E-Mail antworten. Was ist Ihnen lieber?"
        lead = state.get("lead")
        return Message(f"{lead} {question}" if lead else question, CHOICE_BUTTONS)

    def validate(self, answer: Answer, state: dict) -> Optional[dict]:
        direct = _contact_updates(answer)
        if direct:
            return direct
        tokens = [w for w, _, _ in words(answer.text)]
        if any(t.startswith(_EMAIL_WORDS) for t in tokens):
            return {"method": "email", "step": "email"}
        if answer.intent == "request_callback" or any(t.startswith(_PHONE_WORDS) for t in tokens):
            return {"method": "phone", "step": "phone"}
        return None


class PhoneStep(ContactStep):
    """The phone number (German formats or international with +/00)."""

    key = "phone"
    error = "Das ist leider keine gültige Telefonnummer."

    def prompt(self, state: dict, today: date) -> Message:
        return Message(
            "Unter welcher Telefonnummer können wir Sie erreichen? Bitte mit Vorwahl, zum Beispiel 0711 123456. "
            "Lieber per E-Mail? Dann nennen Sie bitte Ihre E-Mail-Adresse."
        )

    def validate(self, answer: Answer, state: dict) -> Optional[dict]:
        email = parse_email(answer.text)
        if email:
            return {"method": "email", "email": email, "phone": None, "step": "consent"}
        phone = parse_phone(answer.text)
        if phone:
            return {"phone": phone, "step": "window"}
        if any(token.startswith(_EMAIL_WORDS) for token, _, _ in words(answer.text)):
            return {"method": "email", "phone": None, "step": "email"}  # "lieber per E-Mail"
        return None


class EmailStep(ContactStep):
    """The e-mail address."""

    key = "email"
    error = "Das ist leider keine gültige E-Mail-Adresse."

    def prompt(self, state: dict, today: date) -> Message:
        return Message("An welche E-Mail-Adresse dürfen wir Ihnen antworten? Zum Beispiel name@beispiel.de.")

    def validate(self, answer: Answer, state: dict) -> Optional[dict]:
        email = parse_email(answer.text)
        return {"email": email} if email else None


class WindowStep(ContactStep):
    """The preferred time for the callback (buttons of the offered windows)."""

    key = "window"
    error = "Bitte wählen Sie eine der angebotenen Zeiten."

    def prompt(self, state: dict, today: date) -> Message:
        labels = [window_label(w, date.fromisoformat(state["today"])) for w in windows_of(state)]
        return Message("Wann dürfen wir Sie anrufen?", [{"title": label, "payload": label} for label in labels])

    def validate(self, answer: Answer, state: dict) -> Optional[dict]:
        windows = windows_of(state)
        today = date.fromisoformat(state["today"])
        chosen = choose_window(answer, windows, today)
        return None if chosen is None else {"window": windows[chosen].as_dict()}


class ConsentStep(ContactStep):
    """Consent to storing the phone number or e-mail address, with the retention period."""

    key = "consent"
    error = "Bitte antworten Sie mit Ja oder Nein."

    def prompt(self, state: dict, today: date) -> Message:
        days = state.get("retention_days", 30)
        if state.get("method") == "email":
            text = (f"Wir speichern Ihre E-Mail-Adresse nur, um Ihnen zu antworten, und löschen sie nach {days} Tagen. "
                    "Sind Sie einverstanden?")
        else:
            text = (f"Wir speichern Ihre Telefonnummer nur, um Sie zurückzurufen, und löschen sie nach {days} Tagen. "
                    "Sind Sie einverstanden?")
        return Message(text, YES_NO)

    def validate(self, answer: Answer, state: dict) -> Optional[dict]:
        yes = True if answer.intent == "affirm" else parse_yes_no(answer.text)
        return {"consent": True} if yes else None

    def next_step(self, state: dict) -> str:
        return "done"


STEPS: dict[str, ContactStep] = {step.key: step for step in (ChooseStep(), PhoneStep(), EmailStep(), WindowStep(), ConsentStep())}


def choose_window(answer: Answer, windows: list[Window], today: date) -> Optional[int]:
    """Which offered window the answer names (button text, number, day or time of day), or None."""
    text = answer.text.strip().casefold()
    for index, window in enumerate(windows):
        if text == window_label(window, today).casefold():
            return index
    digit = choice_digit(answer.text, len(windows))
    if digit:
        return digit - 1
    tokens = {w for w, _, _ in words(answer.text)}
    ordinals = {_ORDINALS[t[:5]] for t in tokens if t[:5] in _ORDINALS and _ORDINALS[t[:5]] <= len(windows)}
    if len(ordinals) == 1:
        return ordinals.pop() - 1
    scores = []
    for window in windows:
        cues = {fold(window.key), fold(window.spoken), fold(WEEKDAY_NAMES[window.day.weekday()])}
        if window.day == today:
            cues.add("heute")
        if window.day == today + timedelta(days=1):
            cues.add("morgen")
        scores.append(len({t for t in tokens if any(t.startswith(c) or c.startswith(t) for c in cues if len(t) > 3)}))
    best = max(scores, default=0)
    if best and scores.count(best) == 1:
        return scores.index(best)
    if len(windows) == 1 and (answer.intent == "affirm" or parse_yes_no(answer.text)):
        return 0
    return None


def start(reason: str, windows: list[Window], today: date, retention_days: int,
          lead: Optional[str] = None, method: Optional[str] = None) -> Turn:
    """Begin: the choice (with ``lead`` first), or straight to the phone number for a callback."""
    if not windows:
        return Turn([Message(UNAVAILABLE)], None, outcome="unavailable")
    state = {
        "step": "phone" if method == "phone" else "email" if method == "email" else "choose",
        "method": method, "lead": lead, "reason": reason, "today": today.isoformat(),
        "windows": [w.as_dict() for w in windows], "retention_days": retention_days, "retries": 0,
    }
    return Turn([STEPS[state["step"]].prompt(state, today)], state)


def is_cancelled(answer: Answer) -> bool:
    """"Abbrechen", "Nein", "Tschüss" end the dialogue (at the consent step "Nein" is a refusal)."""
    return answer.intent in CANCEL_INTENTS or is_cancel(answer.text)


def fits(state: dict, answer: Answer) -> bool:
    """Whether the answer is a valid value for the current step (a new question is not)."""
    step = STEPS.get(state.get("step") or "")
    return step is not None and step.validate(answer, state) is not None


def advance(state: dict, answer: Answer, today: date) -> Turn:
    """Handle one answer in the current step."""
    state = dict(state)
    step = STEPS.get(state.get("step") or "")
    if step is None:
        return Turn([Message(GIVE_UP)], None, outcome="failed")
    updates = step.validate(answer, state)
    if updates is None:
        if is_cancelled(answer) or (step.key == "consent" and parse_yes_no(answer.text) is False):
            return Turn([Message(NOTHING_STORED)], None, outcome="refused" if step.key == "consent" else "cancelled")
        state["retries"] = state.get("retries", 0) + 1
        if state["retries"] >= MAX_RETRIES:
            return Turn([Message(GIVE_UP)], None, outcome="failed")
        prompt = step.prompt(state, today)
        return Turn([Message(f"{step.error} {prompt.text}", prompt.buttons)], state)
    jump = updates.pop("step", None)
    state.update(updates)
    state["step"] = jump or step.next_step(state)
    state["retries"] = 0
    if state["step"] == "done":
        return _done(state, today)
    return Turn([STEPS[state["step"]].prompt(state, today)], state)


def _done(state: dict, today: date) -> Turn:
    windows = windows_of(state)
    if state.get("method") == "email":
        window = email_window(windows)
        text = (f"Vielen Dank. Wir antworten Ihnen per E-Mail, voraussichtlich {day_said(window.day, today)}. "
                "Wie kann ich Ihnen sonst helfen?")
        draft = ContactDraft("email", None, state["email"], window, state["reason"])
    else:
        window = Window.from_dict(state["window"])
        text = (f"Vielen Dank. Wir rufen Sie {window.said(today)} zwischen {window.start.hour}:{window.start.minute:02d} "
                f"und {clock(window.end.time())} an, unter der Nummer mit den Endziffern {masked_phone(state['phone'])}. "
                "Wie kann ich Ihnen sonst helfen?")
        draft = ContactDraft("phone", state["phone"], None, window, state["reason"])
    return Turn([Message(text)], None, outcome="stored", draft=draft)
