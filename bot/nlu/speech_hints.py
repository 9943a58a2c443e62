"""Speech-recognition hints for the phone, generated from the gazetteer's ``say`` lists.

At call start the phone channel sends the gateway ``sttContextPhrases`` (service and
office names, the 23 Stadtbezirke and their Stadtteile, "Bürgerbüro <Bezirk>") and an
``sttContextBoost``, so that the recogniser writes "Zuffenhausen" rather than
"zuffen hausen". The same file feeds the gazetteer, which is tested to understand
every hinted phrase.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.nlu.gazetteer import VOCABULARY_PATH

#: Google-style speech adaptation: at most this many phrases of at most this many characters.
MAX_PHRASES = 500
MAX_LENGTH = 100


def say_lists(path: Path = VOCABULARY_PATH) -> dict:
    """The ``say`` section: ``service`` and ``district`` (value -> phrases) and ``offices``."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["say"]


@lru_cache(maxsize=1)
def speech_phrases() -> tuple[str, ...]:
    """Distinct hint phrases in a stable order: offices, services, districts, Bürgerbüro <Bezirk>."""
    say = say_lists()
    phrases: list[str] = list(say.get("offices", []))
    for entity in ("service", "district"):
        for names in say[entity].values():
            phrases += names
    phrases += [f"Bürgerbüro {names[0].removeprefix('Stuttgart-')}" for names in say["district"].values()]
    unique = [p for p in dict.fromkeys(phrases) if len(p) <= MAX_LENGTH]
    return tuple(unique[:MAX_PHRASES])
