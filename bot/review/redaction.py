"""Redaction of personal data in citizens' text before it is stored for review or export.

:func:`redact` replaces phone numbers, e-mail addresses, IBANs, tax IDs, dates (of
birth) and street addresses with house numbers by placeholders (``[TELEFON]``,
``[E-MAIL]``, ``[IBAN]``, ``[STEUER-ID]``, ``[DATUM]``, ``[ADRESSE]``). Ordinary
content stays: fees ("37,00 Euro"), times ("8 bis 12 Uhr", "08:30"), counts, postcodes,
years, office and service names.

Every pattern is linear in the length of the text: each repetition is separated by a
character class disjoint from what it repeats, and candidates start only at a word
boundary (no catastrophic backtracking on long inputs). Candidates a pattern finds
are checked by small functions (digit counts, the IBAN checksum, stop words), so the
patterns themselves stay simple.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PHONE = "[TELEFON]"
EMAIL = "[E-MAIL]"
IBAN = "[IBAN]"
TAX_ID = "[STEUER-ID]"
DATE = "[DATUM]"
ADDRESS = "[ADRESSE]"

_FLAGS = re.IGNORECASE | re.UNICODE

# -- e-mail ------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.+\-])[\w.+\-]+\s?(?:@|\(at\)|\[at\])\s?[\w\-]+(?:\.[\w\-]+)*\.[a-z]{2,24}\b", _FLAGS
)

# -- IBAN --------------------------------------------------------------------------

_IBAN_RE = re.compile(r"\b[a-z]{2}\d{2}(?:\s?[a-z0-9]{4}){2,7}(?:\s?[a-z0-9]{1,3})?\b", _FLAGS)


def _iban_checksum_ok(compact: str) -> bool:
    """ISO 13616 check (mod 97 == 1)."""
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


def _is_iban(candidate: str) -> bool:
    compact = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(compact) <= 34:
        return False
    if _iban_checksum_ok(compact):
        return True
    # A mistyped German IBAN is still an IBAN: DE + 20 digits.
    return compact.startswith("DE") and len(compact) == 22 and compact[2:].isdigit()


# -- dates -------------------------------------------------------------------------

_MONTHS = (
    r"(?:januar|jan|j[aä]nner|februar|feb|m[aä]rz|maerz|mrz|april|apr|mai|juni|jun|juli|jul|"
    r"august|aug|september|sept|sep|oktober|okt|november|nov|dezember|dez)"
)
_YEAR = r"(?:\d{4}|\d{2})"
_NUMERIC_DATE = r"\d{1,2}\s?[./]\s?\d{1,2}\s?[./]\s?" + _YEAR
_WRITTEN_DATE = r"\d{1,2}\.?\s?" + _MONTHS + r"\.?\s" + r"\d{4}"
_ISO_DATE = r"\d{4}-\d{1,2}-\d{1,2}"
_DATE_RE = re.compile(
    r"(?<![\d.,/])\b(?:" + _ISO_DATE + "|" + _NUMERIC_DATE + "|" + _WRITTEN_DATE + r")\b(?![.,/]?\d)", _FLAGS
)
# "geboren am 3. Mai", "geb. 01.02." — a date after these words is a birth date even without a year.
_BIRTH_RE = re.compile(
    r"\b(geboren(?:\s(?:am|im|den))?|geb\.(?:\s?am)?|geburtsdatum:?|geburtstag:?)\s?"
    r"(\d{1,2}\s?\.\s?(?:\d{1,2}\s?\.|" + _MONTHS + r"\b\.?)(?:\s?" + _YEAR + r"\b)?)",
    _FLAGS,
)

# -- tax IDs -----------------------------------------------------------------------

# Steuer-ID: 11 digits, first not 0, written with or without single spaces.
_STEUER_ID_RE = re.compile(r"(?<![\d.,/\-+])\b[1-9](?:\s?\d){10}\b(?![.,/\-]?\d)")
# Steuernummer: 93815/08152 (BW), 21/815/08150, 181/815/08155, or 13 digits (ELSTER).
_STEUERNUMMER_RE = re.compile(
    r"(?<![\d.,/\-])\b(?:\d{5}/\d{5}|\d{2,3}/\d{3,4}/\d{4,5}|\d{13})\b(?![.,/\-]?\d)"
)

# -- phone numbers -----------------------------------------------------------------

_SEP = r"(?:\s?[\-/]\s?|\s)"
_PHONE_RE = re.compile(
    r"(?<![\w+.,/\-])"
    r"(?:"
    r"(?:\+|00)\d{1,3}(?:\s?\(0\))?" + _SEP + r"?\d+(?:" + _SEP + r"\d+){0,5}"  # +49 711 216-0, 0049 (0)711 2160
    r"|\(?0\d+\)?(?:" + _SEP + r"\d+){0,5}"  # 0711/2160, (0711) 216-0, 0176 12345678
    r")\b(?![.,:]\d)"
)


def _phone_digits_ok(candidate: str) -> bool:
    digits = sum(char.isdigit() for char in candidate)
    if candidate.startswith(("+", "00")):
        return 8 <= digits <= 17
    return 6 <= digits <= 15


# -- street addresses --------------------------------------------------------------

_STREET_SUFFIX = (
    r"(?:stra(?:ß|ss)e|str\.?|weg|platz|allee|gasse|g[aä]ssle|ring|damm|steige|steig|staffel|"
    r"st[aä]ffele|ufer|markt|pfad|hof|graben|wall|halde|h[oö]he|hoehe|chaussee|promenade|kai)"
)
_HOUSE_NUMBER = r"\d{1,4}(?:[a-z]\b)?(?:\s?[\-–/]\s?\d{1,4}(?:[a-z]\b)?)?"
# "Königstraße 12", "Eberhardstraße 33-35", "Kirchweg 4/1", "Am Wallgraben 3".
_COMPOUND_STREET_RE = re.compile(
    r"(?<![\w\-])[a-zäöüß][\w\-]*?" + _STREET_SUFFIX + r"\s?" + _HOUSE_NUMBER + r"(?![\d,.:]\d)", _FLAGS
)
# "Hauptstätter Str. 66a", "Tübinger Straße 5", "Neue Weg 3".
_TWO_WORD_STREET_RE = re.compile(
    r"(?<![\w\-])([a-zäöüß][\w\-]*)\s(?:stra(?:ß|ss)e|str\.?|weg|allee|gasse|steige)\s?"
    + _HOUSE_NUMBER + r"(?![\d,.:]\d)",
    _FLAGS,
)
#: Words before "Straße"/"Weg" that do not name a street ("in der Straße 5" is no address).
_NOT_STREET_WORDS = frozenset({
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem", "einen",
    "am", "an", "auf", "aus", "bei", "beim", "im", "in", "zum", "zur", "vom", "von", "mit",
    "nach", "über", "ueber", "unter", "vor", "hinter", "neben", "zwischen", "durch", "für", "fuer",
    "meine", "meiner", "meinem", "ihre", "ihrer", "ihrem", "unsere", "unserer", "diese", "dieser",
    "jede", "jeder", "welche", "welcher", "keine", "keiner", "gleiche", "gleicher", "selbe", "selben",
    "und", "oder", "aber", "wieder", "immer", "hier", "dort", "da", "wo", "ohne", "gegen", "bis",
})


def _two_word_street(match: re.Match[str]) -> str:
    if match.group(1).lower() in _NOT_STREET_WORDS:
        return match.group(0)
    return ADDRESS


# -- the pipeline ------------------------------------------------------------------


def _checked(predicate: Callable[[str], bool], placeholder: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        return placeholder if predicate(match.group(0)) else match.group(0)

    return replace


def _birth(match: re.Match[str]) -> str:
    return f"{match.group(1)} {DATE}"


def redact(text: str) -> str:
    """``text`` with personal data replaced by placeholders (see the module docstring).

    Non-strings and empty text give ``""``.
    """
    if not isinstance(text, str) or not text:
        return ""
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _IBAN_RE.sub(_checked(_is_iban, IBAN), text)
    text = _BIRTH_RE.sub(_birth, text)
    text = _DATE_RE.sub(DATE, text)
    text = _PHONE_RE.sub(_checked(_phone_digits_ok, PHONE), text)
    text = _STEUERNUMMER_RE.sub(TAX_ID, text)
    text = _STEUER_ID_RE.sub(TAX_ID, text)
    text = _COMPOUND_STREET_RE.sub(ADDRESS, text)
    text = _TWO_WORD_STREET_RE.sub(_two_word_street, text)
    return text
