"""Life situations named in a message ("Ich ziehe nach Stuttgart", "Meine Rente reicht nicht").

A situation is a need that spans several services (data/knowledge/situations.yml lists
them, in order). The patterns run over the folded words of the message (see
:func:`bot.nlu.folding.words`), so "Umzüg", "umzueg" and "umzug" are equal, and speech
transcripts ("rente reicht nicht") match as written text does. The first situation
whose pattern matches wins; more specific situations come first (a move abroad before a
move to Stuttgart). The keys are those of :data:`bot.kb.seed_extra.SITUATIONS`.
"""

from __future__ import annotations

import re

from bot.nlu.folding import folded_words

_MOVE = r"(?:zieh\w*|umzieh\w*|umzug\w*|umgezogen|gezogen|ziehn|moving|move|moved|relocat\w*)"
_MONEY = r"(?:rente|geld|einkommen|lohn|gehalt|pension|money|income|rent|miete)"
_NOT_ENOUGH = (r"(?:reicht\w* (?:\w+ ){0,3}nicht|reichen (?:\w+ ){0,3}nicht|langt (?:\w+ ){0,2}nicht|"
               r"zu wenig|zu klein|nicht genug|kaum|is not enough|isn t enough|not enough|too low)")

#: (situation key, pattern over the folded words joined by single spaces), most specific first.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("umzug_ins_ausland",
         (rf"\b(?:{_MOVE} (?:\w+ ){{0,4}}ins ausland|auswander\w*|ins ausland (?:\w+ ){{0,3}}{_MOVE}|"
          r"wander\w* (?:\w+ ){0,4}aus|wegzug ins ausland|moving abroad|move abroad|leave germany|leaving germany)\b")),
        ("aufenthaltstitel_laeuft_ab",
         (r"\b(?:aufenthaltserlaubnis|aufenthaltstitel|visum|visa|aufenthalt|niederlassungserlaubnis|"
          r"blaue karte|blue card|residence permit|permit) (?:\w+ ){0,5}(?:lauft|laufen|ablauf\w*|abgelaufen|"
          r"endet|expires?|expiring|expired|ungultig|gultig bis)\b")),
        ("kind_geboren",
         (r"\b(?:baby|kind|tochter|sohn|zwillinge|nachwuchs|child|son|daughter) (?:\w+ ){0,4}"
          r"(?:bekommen|geboren|zur welt|born|had a)\b|\b(?:geburt|had a baby|neugeboren\w*|entbunden)\b")),
        ("gewerbe_gegruendet",
         (r"\b(?:selbststandig|selbstandig|selbststaendig|self employed|freiberuf\w*|existenzgrund\w*|"
          r"(?:firma|gewerbe|unternehmen|laden|cafe|geschaft|business|company|start ?up) (?:\w+ ){0,3}"
          r"(?:grund\w*|eroffn\w*|aufmach\w*|start\w*|found\w*|open\w*))\b")),
        ("verloren_gefunden",
         (r"\b(?:verloren|verlora|liegen ?gelassen|liegen lassen|vergessen im|gefunden|lost my|lost (?:a|an|the)|"
          r"found (?:a|an|the)|abhanden)\b")),
        ("geld_reicht_nicht",
         (rf"\b{_MONEY} (?:\w+ ){{0,4}}{_NOT_ENOUGH}|\b(?:kann|konnen) (?:\w+ ){{0,3}}(?:miete|rechnungen|strom) "
          r"(?:\w+ ){0,2}nicht (?:mehr )?(?:zahlen|bezahlen)|\b(?:cannot|can t) (?:afford|pay) (?:the |my )?rent\b")),
        ("umzug_nach_stuttgart",
         (rf"\b(?:{_MOVE} (?:\w+ ){{0,4}}nach stuttgart|nach stuttgart (?:\w+ ){{0,3}}{_MOVE}|neu in stuttgart|"
          r"zuzug nach stuttgart|moving to stuttgart|move to stuttgart|moved to stuttgart|new in stuttgart|"
          r"neu nach stuttgart)\b")),
        ("umzug_innerhalb_stuttgart",
         (rf"\b(?:{_MOVE} (?:\w+ ){{0,4}}innerhalb|innerhalb (?:von )?stuttgart (?:\w+ ){{0,3}}{_MOVE}|"
          rf"{_MOVE} (?:\w+ ){{0,3}}in stuttgart|within stuttgart)\b")),
    )
)
#: A move "nach <Stadtbezirk>" (the caller knows a district was named): a move to Stuttgart.
_MOVE_TO_PLACE = re.compile(rf"\b{_MOVE} (?:\w+ ){{0,4}}nach \w+")


def situation_in(text: str, names_district: bool = False) -> str | None:
    """The life situation named in ``text``, or None.

    ``names_district``: the message names a Stuttgart district, so "Ich ziehe nach
    Vaihingen" is a move to (or within) Stuttgart; "nach Berlin" is none of ours.
    """
    folded = folded_words(text)
    for key, pattern in PATTERNS:
        if pattern.search(folded):
            return key
    if names_district and _MOVE_TO_PLACE.search(folded):
        return "umzug_nach_stuttgart"
    return None


__all__ = ["PATTERNS", "situation_in"]
