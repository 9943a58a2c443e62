"""Gazetteer matching of `service` and `district` mentions with normalised values.

Pure Python so it can be unit-tested without Rasa; the Rasa component in
``bot.nlu.entity_extractor`` wraps it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

from bot.nlu.folding import edit_distance, fold, words

VOCABULARY_PATH = Path(__file__).with_name("gazetteer.yml")
#: Citizen messages are short; longer texts are only scanned this far.
MAX_WORDS = 120
MAX_PHRASE = 5
#: Speech recognisers split compounds and names ("personal aus weis", "zuffen hausen",
#: "bad kann statt"): spans of up to this many words are also looked up joined.
MAX_JOINED = 4
#: Joined spans of more words are only looked up exactly, not with typos.
MAX_JOINED_FUZZY = 3
#: Joined spans shorter than this are not looked up (too many accidental matches).
MIN_JOINED = 7
NEGATIONS = frozenset({"nicht", "kein", "keinen", "keine", "keinem", "not", "no"})
#: Words that may stand between a negation and the negated name ("nicht um die …").
NEGATION_FILLERS = frozenset(
    ["den", "die", "das", "dem", "der", "des", "ein", "einen", "eine", "einem", "um", "fur", "furs", "zum", "zur",
     "mein", "meinen", "meine", "the", "a", "an"]
)
#: Function words that never begin or end a split name read with typos ("… ausweis in").
SPAN_EDGE_WORDS = frozenset(
    ["in", "im", "am", "an", "auf", "aus", "bei", "mit", "nach", "von", "vom", "zu", "zum", "zur", "fur", "furs", "und",
     "oder", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "ich", "mein", "meine",
     "meinen", "sie", "wir", "er", "es", "ist", "bin", "hat", "was", "wie", "wo", "wann", "wer", "welche", "welcher",
     "welches", "warum", "muss", "kann", "auch", "noch", "schon", "nur", "and", "or", "the", "to", "for", "my", "is"]
)
IGNORE = "ignore"
VEHICLE = "vehicle"
#: Weak address forms that a vehicle word in the same message turns into kfz_zulassung.
VEHICLE_VERBS = frozenset({"wohnsitz_anmeldung", "wohnsitz_abmeldung"})
#: Move verbs that, with "nach <Bezirk>", name a change of address.
MOVE_VERBS = frozenset(["ziehe", "ziehen", "zieh", "ziehst", "zieht", "ziehn", "umziehen", "moving", "move"])
#: Folded word beginnings of registration verbs ("anzumelden", "umgemeldet", "zulassen" …).
REGISTRATION_STEMS = (
    "anmeld", "anzumeld", "angemeld", "ummeld", "umzumeld", "umgemeld", "abmeld", "abzumeld",
    "abgemeld", "zulass", "zugelass", "zuzulass", "umschreib", "umzuschreib", "umgeschrieb",
    "register", "anmelda", "ummelda",
)
#: Frequent words that must never be read as a typo of a vocabulary word.
COMMON_WORDS = frozenset(
    ["bitte", "wagen", "wegen", "sagen", "fragen", "haben", "morgen", "hallo", "danke", "schon", "mitten", "antrag",
     "antrage", "person", "personen", "personal", "passt", "passen", "wohnung", "wohnen", "gelten", "gilt", "gehen",
     "geht", "machen", "kosten", "kostet", "erlaubnis", "bescheinigung"]
)


@dataclass(frozen=True)
class Form:
    """One surface form of an entity value."""

    entity: str
    value: str
    words: tuple[str, ...]
    weak: bool
    exact: bool
    cased: str | None  # original spelling when the form is case-sensitive


@dataclass(frozen=True)
class Match:
    """A recognised mention, with character offsets into the original text."""

    entity: str
    value: str
    start: int
    end: int
    text: str
    weak: bool


def _max_typos(word: str) -> int:
    if len(word) >= 10:
        return 2
    if len(word) >= 7:
        return 1
    return 0


class Gazetteer:
    """Finds service and district mentions; tolerant of case, umlauts, typos, compounds."""

    def __init__(self, forms: list[Form],
                 elsewhere: tuple[frozenset[str], tuple[str, ...]] = (frozenset(), ())) -> None:
        self.elsewhere_words, self.elsewhere_suffixes = elsewhere
        self._by_words: dict[tuple[str, ...], Form] = {}
        for form in sorted(forms, key=lambda f: f.weak):  # strong forms win duplicates
            self._by_words.setdefault(form.words, form)
        self._fuzzy_forms = [f for f in self._by_words.values() if not f.exact]
        # Candidates by (number of words, length of the first word): a typo changes the
        # length by at most two, so only five buckets need comparing.
        self._fuzzy_buckets: dict[tuple[int, int], list[tuple[int, Form]]] = {}
        for index, form in enumerate(self._fuzzy_forms):
            self._fuzzy_buckets.setdefault((len(form.words), len(form.words[0])), []).append((index, form))
        self._joined: dict[str, Form] = {}
        for form in sorted(self._by_words.values(), key=lambda f: (f.weak, len(f.words))):
            joined = "".join(form.words)
            if len(joined) >= MIN_JOINED and form.cased is None:
                self._joined.setdefault(joined, form)
        self._joined_fuzzy: dict[int, list[tuple[str, Form]]] = {}
        for joined, form in self._joined.items():
            if not form.exact:
                self._joined_fuzzy.setdefault(len(joined), []).append((joined, form))
        self._compound_forms = sorted(
            (f for f in self._by_words.values() if len(f.words) == 1 and len(f.words[0]) >= 6 and not f.exact),
            key=lambda f: -len(f.words[0]),
        )

    @classmethod
    def from_yaml(cls, path: Path = VOCABULARY_PATH) -> Gazetteer:
        """Load the vocabulary file (``entity -> value -> strong/weak/exact`` lists)."""
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        forms: list[Form] = []
        data.pop("say", None)  # speech hints, see bot/nlu/speech_hints.py
        elsewhere_words = frozenset(" ".join(w for w, _, _ in words(t)) for t in data.pop("elsewhere", []))
        elsewhere_suffixes = tuple(fold(t) for t in data.pop("elsewhere_suffixes", []))
        for marker in (IGNORE, VEHICLE):
            for text in data.pop(marker, []):
                tokens = tuple(w for w, _, _ in words(text))
                forms.append(Form(marker, "", tokens, weak=False, exact=True, cased=None))
        for entity, values in data.items():
            for value, spec in values.items():
                exact = {fold(e) for e in spec.get("exact", [])}
                cased = {fold(e): e for e in spec.get("exact", []) if e != e.lower()}
                for kind in ("strong", "weak"):
                    for text in spec.get(kind, []):
                        tokens = tuple(w for w, _, _ in words(text))
                        key = " ".join(tokens)
                        forms.append(
                            Form(entity, value, tokens, kind == "weak", key in exact, cased.get(key))
                        )
        return cls(forms, (elsewhere_words, elsewhere_suffixes))

    def is_elsewhere(self, word: str, following: str = "") -> bool:
        """Whether a folded word (or it with the next one) names another organisation."""
        if word in self.elsewhere_words or f"{word} {following}" in self.elsewhere_words:
            return True
        return len(word) > 6 and word.endswith(self.elsewhere_suffixes)

    def _lookup(self, tokens: tuple[str, ...], original: str) -> Form | None:
        form = self._by_words.get(tokens)
        if form is not None and (form.cased is None or form.cased == original):
            return form
        if form is not None:
            return None
        return self._fuzzy(tokens)

    @lru_cache(maxsize=65536)  # noqa: B019 - the one gazetteer (load_gazetteer) lives as long as the process
    def _fuzzy(self, tokens: tuple[str, ...]) -> Form | None:
        if any(t in COMMON_WORDS for t in tokens) or all(len(t) < 7 for t in tokens):
            return None
        best: Form | None = None
        best_cost = 99
        first = len(tokens[0])
        candidates = sorted(
            pair for size in range(first - 2, first + 3) for pair in self._fuzzy_buckets.get((len(tokens), size), ())
        )
        head = tokens[0][:2]
        for _, form in candidates:
            # A typo seldom hits both of the first two letters: skip those candidates cheaply.
            theirs_head = form.words[0][:2]
            if head[:1] != theirs_head[:1] and head[1:2] != theirs_head[1:2]:
                continue
            cost = 0
            for mine, theirs in zip(tokens, form.words, strict=True):
                limit = _max_typos(theirs)
                distance = 0 if mine == theirs else edit_distance(mine, theirs, limit)
                if distance > limit:
                    break
                cost += distance
            else:
                if cost < best_cost:
                    best, best_cost = form, cost
        return best

    @lru_cache(maxsize=65536)  # noqa: B019 - the one gazetteer (load_gazetteer) lives as long as the process
    def _joined_lookup(self, tokens: tuple[str, ...]) -> Form | None:
        """A split name or compound ("wohn geld", "mö ringen") looked up with its parts joined."""
        if not all(t.isalpha() for t in tokens):
            return None
        joined = "".join(tokens)
        if len(joined) < MIN_JOINED:
            return None
        form = self._joined.get(joined)
        if form is not None:
            return form
        if len(tokens) > MAX_JOINED_FUZZY or any(t in COMMON_WORDS for t in tokens):
            return None
        if tokens[0] in SPAN_EDGE_WORDS or tokens[-1] in SPAN_EDGE_WORDS:
            return None
        best: Form | None = None
        best_cost = 99
        for length in range(len(joined) - 2, len(joined) + 3):
            for theirs, candidate in self._joined_fuzzy.get(length, ()):
                limit = _max_typos(theirs)
                if limit == 0 or theirs[0] != joined[0]:
                    continue
                cost = edit_distance(joined, theirs, limit)
                if cost <= limit and cost < best_cost:
                    best, best_cost = candidate, cost
        return best

    @lru_cache(maxsize=65536)  # noqa: B019 - the one gazetteer (load_gazetteer) lives as long as the process
    def _compound(self, token: str) -> Form | None:
        for form in self._compound_forms:
            word = form.words[0]
            if len(token) > len(word) and (token.startswith(word) or token.endswith(word)):
                return form
        return None

    def find(self, text: str) -> list[Match]:
        """All mentions in ``text``, weak and negated ones resolved."""
        return list(self._find(text))

    @lru_cache(maxsize=1024)  # noqa: B019 - the one gazetteer (load_gazetteer) lives as long as the process
    def _find(self, text: str) -> tuple[Match, ...]:
        """``find`` cached: the extractor and the classifier read the same message."""
        return tuple(self._scan(text))

    def _scan(self, text: str) -> list[Match]:
        tokens = words(text)[:MAX_WORDS]
        matches: list[tuple[Match, int]] = []
        i = 0
        while i < len(tokens):
            found = None
            for n in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
                span = tokens[i : i + n]
                original = text[span[0][1] : span[-1][2]]
                key = tuple(w for w, _, _ in span)
                form = self._lookup(key, original)
                if form is None and 2 <= n <= MAX_JOINED:
                    form = self._joined_lookup(key)
                if form is None and n == 1:
                    form = self._compound(span[0][0])
                if form is not None:
                    found = (form, span, n)
                    break
            if found is None:
                i += 1
                continue
            form, span, n = found
            start, end = span[0][1], span[-1][2]
            matches.append((Match(form.entity, form.value, start, end, text[start:end], form.weak), i))
            i += n
        matches += _moving(matches, tokens, text)
        return _resolve(matches, [w for w, _, _ in tokens])


def _moving(matches: list[tuple[Match, int]], tokens: list[tuple[str, int, int]], text: str) -> list[tuple[Match, int]]:
    """"Ich ziehe (nächsten Monat) nach Vaihingen" names the change of address (a weak form).

    A move verb followed within four words by "nach"/"to" and a district: the service for
    the next question ("Welche Unterlagen brauche ich dafür?") is then known.
    """
    districts = {i for m, i in matches if m.entity == "district"}
    if not districts or any(m.entity == "service" for m, _ in matches):
        return []
    for index, (word, start, end) in enumerate(tokens):
        if word not in MOVE_VERBS:
            continue
        for ahead in range(index + 1, min(index + 6, len(tokens))):
            if tokens[ahead][0] in ("nach", "to") and ahead + 1 in districts:
                return [(Match("service", "wohnsitz_anmeldung", start, end, text[start:end], True), index)]
    return []


def _is_negated(tokens: list[str], index: int) -> bool:
    """Whether a negation stands before ``tokens[index]``, with at most two fillers between."""
    position = index - 1
    for _ in range(3):
        if position < 0:
            return False
        if tokens[position] in NEGATIONS:
            return True
        if tokens[position] not in NEGATION_FILLERS:
            return False
        position -= 1
    return False


def _resolve(matches: list[tuple[Match, int]], tokens: list[str]) -> list[Match]:
    """Resolve markers, weak forms, negations and repeats.

    A vehicle word with a registration verb becomes kfz_zulassung; ignored phrases and
    strong forms cancel weak ones; negated mentions go when others remain.
    """
    ignored = any(m.entity == IGNORE for m, _ in matches)
    vehicles = [(m, i) for m, i in matches if m.entity == VEHICLE]
    if vehicles and any(t.startswith(REGISTRATION_STEMS) for t in tokens):
        matches = [(m, i) for m, i in matches if not (m.weak and m.value in VEHICLE_VERBS)]
        vehicle, index = vehicles[0]
        matches.append((replace(vehicle, entity="service", value="kfz_zulassung"), index))
    result: list[Match] = []
    for entity in ("service", "district"):
        own = [(m, i) for m, i in matches if m.entity == entity]
        if ignored or any(not m.weak for m, _ in own):
            own = [(m, i) for m, i in own if not m.weak]
        negated = [(m, i) for m, i in own if _is_negated(tokens, i)]
        if len(negated) < len(own):
            own = [pair for pair in own if pair not in negated]
        seen: set[str] = set()
        for match, _ in own:
            if match.value not in seen:
                seen.add(match.value)
                result.append(match)
    return sorted(result, key=lambda m: m.start)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer built from the packaged vocabulary (loaded once per process)."""
    return Gazetteer.from_yaml()
