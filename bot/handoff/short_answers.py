"""Plain-word understanding of the short answers inside a handoff step, for both channels.

"ja", "nein", "abbrechen", "die Zwei": understood here without NLU, so that the same
code serves the web chat, admitted phone calls (actions) and overflow calls (channel,
no NLU at all).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.nlu.folding import words

CANCEL_INTENTS = frozenset({"deny", "cancel_handoff", "goodbye"})


@dataclass(frozen=True)
class Answer:
    """One input of the citizen inside a step: text (typed or recognised speech) with its NLU
    intent if known, keypad digits, or silence.

    ``number_entered`` means the caller typed or said a whole phone number, which the
    phone channel kept in the call store (never in the conversation history).
    """

    text: str | None = ""
    intent: str | None = None
    dtmf: str | None = None
    no_input: bool = False
    number_entered: bool = False


_YES = {"ja", "jawohl", "jo", "jep", "genau", "richtig", "stimmt", "korrekt", "gerne", "gern", "okay", "ok",
        "einverstanden", "bitte", "passt", "yes", "yeah", "freilich", "sicher"}
_STRONG_YES = {"ja", "jawohl", "jo", "jep", "genau", "yes", "yeah"}
_STRONG_NO = {"nein", "ne", "nee", "noe", "no", "falsch", "nix"}
_OTHER = {"andere", "anderen", "anderer", "anders"}
_CANCEL = {"abbrechen", "abbruch", "stopp", "stop", "vergessen"}
#: Spoken digits (folded): "null" … "neun".
DIGIT_WORDS = {
    "null": "0", "eins": "1", "ein": "1", "zwei": "2", "zwo": "2", "drei": "3", "vier": "4",
    "funf": "5", "sechs": "6", "sieben": "7", "acht": "8", "neun": "9",
}


def parse_yes_no(text: str | None) -> bool | None:
    """True for "ja"-like, False for "nein"-like answers, None if unclear.

    "Das stimmt nicht" and "ja, eine andere Nummer" count as no.
    """
    tokens = {w for w, _, _ in words(text or "")}
    if tokens & _OTHER:
        return False
    if tokens & _STRONG_NO:
        return None if tokens & _STRONG_YES else False
    if tokens & _STRONG_YES:
        return True
    if "nicht" in tokens:
        return False
    return True if tokens & _YES else None


def is_cancel(text: str | None) -> bool:
    """The citizen wants to leave the current step ("abbrechen", "vergessen Sie's")."""
    return bool({w for w, _, _ in words(text or "")} & _CANCEL)


def yes_no(answer: Answer) -> bool | None:
    """Yes or no by key (1 / 2), intent or words; None if unclear."""
    if answer.dtmf in ("1", "2"):
        return answer.dtmf == "1"
    if answer.intent in ("affirm", "request_callback"):
        return True
    if answer.intent == "deny":
        return False
    return parse_yes_no(answer.text)


def choice_digit(text: str | None, options: int) -> int | None:
    """A spoken or typed menu choice ("die Eins", "zwei", "1") between 0 and ``options``, or None."""
    found = set()
    for token, _, _ in words(text or ""):
        digit = DIGIT_WORDS.get(token, token)
        if len(digit) == 1 and digit.isdigit() and int(digit) <= options:
            found.add(int(digit))
    return found.pop() if len(found) == 1 else None
