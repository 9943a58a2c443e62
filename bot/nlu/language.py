"""Whether a message is written (mostly) in English.

The assistant understands English and mixed messages but answers in German; an
English message gets a short German notice that English answers are not offered yet.
A message counts as English when at least two English function words appear and
they outnumber the German ones ("How much is a Reisepass?" is English; "Ich brauche
ein appointment für den Pass" is German).
"""

from __future__ import annotations

from bot.nlu.folding import words

ENGLISH = frozenset(
    ["the", "is", "are", "my", "i", "i", "m", "how", "what", "where", "when", "which", "who", "can", "could", "do",
     "does", "need", "much", "many", "to", "for", "get", "have", "has", "you", "your", "please", "this", "that", "with",
     "me", "an", "of", "it", "its", "there", "their", "our", "we", "would", "like", "want", "should", "must", "long",
     "open", "opening", "hours", "cost", "costs", "fee", "fees", "documents", "apply", "application", "appointment",
     "hello", "hi", "thanks", "thank", "help", "lost", "found", "moving", "permit", "passport"]
)
GERMAN = frozenset(
    ["ich", "der", "die", "das", "und", "ist", "wie", "was", "wo", "wann", "mein", "meine", "meinen", "ein", "eine",
     "einen", "fur", "brauche", "kann", "muss", "bitte", "mit", "zu", "im", "am", "den", "dem", "nicht", "sie", "es",
     "auf", "wir", "hat", "habe", "haben", "gibt", "welche", "welcher", "kostet", "wieviel", "lange", "offen", "termin",
     "unterlagen", "hallo", "danke", "noch", "auch", "oder", "bei", "vom", "zum", "zur"]
)


def is_english(text: str) -> bool:
    """Whether ``text`` is (mostly) English."""
    tokens = [word for word, _, _ in words(text)]
    english = sum(1 for t in tokens if t in ENGLISH)
    german = sum(1 for t in tokens if t in GERMAN)
    return english >= 2 and english > german


__all__ = ["is_english"]
