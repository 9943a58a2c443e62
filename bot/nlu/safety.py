"""Danger-to-life patterns, independent of the bag-of-words intent classifier.

``assess(text)`` reads a message the way a dispatcher would: injuries, unconscious or
not breathing, fire or smoke in a building, gas, violence in progress, a child or an
animal in a hot car, suicidal intent. It also knows the false triggers seen so far:
the districts Feuerbach and Feuersee (also split by speech recognition: "feuer bach"),
the Ausländerbehörde's "Notfalltermin", "Notfall" meaning "urgent" for a document, a
pension that is not enough, an expired ID, a light that "brennt".

Pure Python (no Rasa), so that it can be tested in both directions without a model;
``bot.nlu.components.SafetyGuard`` applies it after the intent classifier.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.nlu.folding import fold, words

#: Categories; ``SUICIDE`` also gets the Telefonseelsorge in the answer.
SUICIDE = "suicide"
CATEGORIES = ("unconscious", "breathing", "injury", "fire", "violence", "hot_car", SUICIDE, "call_for_help")


def _p(*alternatives: str) -> re.Pattern[str]:
    """A pattern over folded words separated by single spaces (write it in plain German)."""
    return re.compile("|".join(f"(?:{fold(a)})" for a in alternatives))


#: Up to ``n`` arbitrary words between two parts of a pattern.
def _gap(n: int) -> str:
    return rf"(?: [a-z0-9]+){{0,{n}}} "


G3, G5 = _gap(3), _gap(5)
PERSON = (r"\b(?:er|sie|jemand|mann|frau|kind|baby|opa|oma|vater|mutter|papa|mama|sohn|tochter|nachbar|nachbarin|"
          r"freund|freundin|bruder|schwester|mensch|person|leute|radfahrer|fussganger|motorradfahrer|fahrer|junge|"
          r"madchen|someone|somebody|man|woman|child|he|she|my \w+)\b")

PATTERNS: dict[str, re.Pattern[str]] = {
    "unconscious": _p(
        r"\bbewusst ?los", r"\bohnmacht", r"\bnicht (?:mehr )?ansprechbar",
        r"\b(?:und|aber) reagiert (?:nicht|kaum|gar nicht)",
        PERSON + r" (?:\w+ ){0,3}reagiert (?:nicht|kaum|gar nicht)",
        r"\bregungslos", r"\bzusammen ?gebrochen", r"\bzsamm\w* ?brocha", r"\bumgekippt", r"\bum ?gefallen",
        r"\bumgfalla", r"\bbewegt sich nicht mehr", r"\bruhrt sich (?:nicht|nemme|nimmer)", r"\bnicht mehr wach",
        r"\bunconscious", r"\bcollapsed", r"\bnot responding", r"\bunresponsive", r"\bpassed out",
    ),
    "breathing": _p(
        r"\batmet (?:nicht|kaum|nicht mehr|ganz komisch|schwer)",
        r"\b(?:kriegt|kriege|bekommt|bekomme|hat|habe) keine luft",
        r"\bschnauft (?:nemme|nimmer|nicht mehr)", r"\berstick", r"\bverschluckt", r"\batemnot",
        r"\bnot breathing", r"\bisn t breathing", r"\bcan t breathe", r"\bstopped breathing", r"\bchoking",
        r"\bis not breathing",
    ),
    "injury": _p(
        r"\bverletzt", r"\bverletzte", r"\bblutet", r"\bblutend", r"\bviel blut", r"\bblut\b",
        r"\bangefahren", r"\buber ?fahren", r"\bherz ?infarkt", r"\bschlag ?anfall", r"\bkrampf", r"\bkrampft",
        r"\bepilepti", r"\ballergischer schock", r"\bschwillt an", r"\bbrust ?schmerzen", r"\bschmerzen in der brust",
        r"\bvom (?:geruest|gerust|dach|balkon|baum) (?:gefallen|gesturzt)",
        r"\b(?:ist|bin|sind) (?:schwer |schlimm )?gesturzt",
        r"\bgesturzt", r"\bhingefallen" + G3 + r"(?:blut|steht nicht|kann nicht)",
        r"\bins (?:wasser|eis|becken) (?:gefallen|eingebrochen)", r"\bertrink", r"\btabletten geschluckt",
        r"\bwehen\b", r"\bdas baby kommt", r"\binjured", r"\bbleeding", r"\bheart attack", r"\bstroke\b",
        r"\bhit by a car", r"\bbadly hurt", r"\boverdose", r"\bstabbed",
        r"\bunfall" + G5 + r"(?:verletzt|blut|liegt|eingeklemmt|bewusstlos)",
        PERSON + G3 + r"(?:liegt|lag) (?:\w+ ){0,4}(?:auf der strasse|am boden|auf dem boden|im treppenhaus|"
                      r"auf dem gehweg)",
        r"\beingeklemmt", r"\bgefallen" + G3 + r"(?:blut|steht nicht mehr auf)",
    ),
    "fire": _p(
        r"\bes brennt", r"\bes brent\b", r"\bbrennt es\b", r"\b(?:hier|da|do|dort) brennt", r"\bbrennts?\b(?! licht)",
        r"\bbrennt's",
        r"\bbrennen\b", r"\bbrand\b", r"\bflammen", r"\blichterloh", r"\bfeuer\b", r"\bfeuer!",
        r"\brauch\b", r"\bqualm", r"\bverqualmt", r"\brauchmelder", r"\bverbrannt", r"\bexplosion", r"\bexplodiert",
        r"\bgas ?geruch", r"\briecht (?:\w+ )?(?:stark |total |so )?nach gas", r"\bgas ?leck", r"\bnach gas\b",
        r"\bgasherd ist undicht", r"\bfire\b", r"\bsmoke\b", r"\bsmell gas", r"\bgas leak", r"\bon fire",
        r"\bstromkabel" + G3 + r"funkt",
    ),
    "violence": _p(
        r"\bschlagt (?:seine|ihre|mich|uns|jemand|auf|eine|einen|ein|das|die|den|um sich)", r"\bzusammen ?geschlagen",
        r"\bwerde (?:gerade )?(?:geschlagen|bedroht|verfolgt|angegriffen)",
        r"\b(?:wird|werden) (?:\w+ ){0,2}(?:geschlagen|bedroht|angegriffen|zusammengeschlagen|verprugelt)",
        r"\bbedroht" + G3 + r"(?:messer|waffe|pistole)", r"\bmit (?:einem |einer |nem |ner )?(?:messer|waffe|pistole)",
        r"\bmesser\b" + G3 + r"(?:bedroht|droht|angegriffen)", r"\bhat (?:ein|einen) (?:messer|waffe|pistole)",
        r"\bhat eine (?:waffe|pistole)", r"\bschusse\b", r"\bgeschossen", r"\bschiesst", r"\beinbrecher (?:sind|ist) ",
        r"\beingebrochen und (?:noch|ist noch|sind noch)", r"\bvergewaltig", r"\bgewalttatig", r"\bprugel",
        r"\brandaliert",
        r"\bdroht mir", r"\bbedroht mich", r"\bich habe angst" + G5 + r"(?:droht|schlagt|tur|messer)",
        r"\battacking", r"\battacked", r"\bbeing threatened", r"\bgun\b", r"\bknife\b",
        r"\bbeating (?:me|her|him|someone)",
        r"\bhits? me\b", r"\bschlagt mich",
    ),
    "hot_car": re.compile(
        r"(?=.*\b(?:kind|kinder|baby|babys|saugling|kleinkind|hund|hunde|katze|tier|tiere|dog|child|kid|baby)\b)"
        r"(?=.*\b(?:auto|wagen|pkw|car|fahrzeug)\b)"
        r"(?=.*\b(?:heiss\w*|hitze|sonne|prallen|eingesperrt|eingeschlossen|abgeschlossen\w*|verschlossen\w*|allein|"
        r"alleine|zuruckgelassen|hechelt|schwitzt|grad|hot|locked|alone|left)\b)"
    ),
    SUICIDE: _p(
        r"\bumbringen", r"\bbringt sich um", r"\bbring mich um", r"\bselbst ?mord", r"\bsuizid", r"\bumzubringen",
        r"\b(?:will|mag|mochte|wollte|moecht) (?:\w+ )?nicht mehr leben",
        r"\b(?:will|mochte|mag|mocht) (?:\w+ ){0,3}sterben\b",
        r"\b(?:mir|sich|mich) (?:was|etwas|ebbes) an ?(?:tun|zutun)", r"\b(?:mir|sich) das leben (?:zu )?nehmen",
        r"\blebensmude", r"\bwill springen", r"\bspringen will", r"\bvon der brucke springen", r"\bkein sinn mehr",
        r"\bkill (?:myself|himself|herself)", r"\bsuicid", r"\bend (?:my|his|her) life", r"\bwant to die",
    ),
    "call_for_help": _p(
        r"\b(?:krankenwagen|rettungswagen|notarzt|ambulance)\b",
        r"\brufen sie (?:die |den |einen )?(?:feuerwehr|polizei|notarzt|krankenwagen)",
        r"\bpolizei (?:bitte )?schnell", r"\bschicken sie (?:sofort |schnell )?hilfe",
        r"^(?:hilfe|help|notfall|hilfe notfall)(?: hilfe| help)*$",
    ),
}

#: Phrases that make an otherwise matching text harmless.
VETOES = _p(
    r"\bnotfall ?termin", r"\brente reicht", r"\bgeld reicht", r"\breicht (?:\w+ )?nicht (?:zum|fur|mehr)",
    r"(?:licht|lampe|laterne|beleuchtung)\b" + G3 + r"brennt", r"\bbrennt (?:das|ein|die) (?:licht|lampe|laterne)",
    r"\bunter den nageln", r"\bsod ?brennen", r"\bbrennende frage", r"\bfeuerwerk", r"\bfeuerzeug", r"\blagerfeuer",
    r"\bgrill", r"\bfeuerwehr ?(?:zufahrt|museum|fest|haus)", r"\bdatenschutz",
    r"\b(?:recht|rechte|pflicht|regeln|gefuhle) verletzt",
    r"\bverletzt (?:meine|die|das|den) (?:recht|rechte|pflicht|datenschutz|privatsph)", r"\bblutspende",
    r"\bblutabnahme",
    r"\bunfall ?(?:versicherung|bericht|wagen|schaden|flucht|kasse|rente)", r"\bbrandschutz", r"\bnichtraucher",
    r"\brauchen\b",
    r"\b(?:rauchmelder|feuermelder) (?:kaufen|pflicht|installieren|batterie)",
    r"\b(?:\w*zug|s ?bahn|u ?bahn|stadtbahn|bus|flug|termin|kurs|unterricht)\b" + G3
    + r"(?:fallt|fallen) (?:\w+ ){0,3}aus\b",
    r"\b(?:fallt|fallen) (?:\w+ ){0,2}(?:\w*zug|s ?bahn|u ?bahn|stadtbahn|bus|flug|termin|kurs|unterricht)\b",
    r"\b(?:verspatung|verspaetung|zugausfall|ausfall|streik|fahrplan)\b", r"\brauchmelderpflicht",
    r"\breagiert (?:\w+ ){0,2}nicht (?:auf|mehr auf) (?:meine|meinen|e ?mails?|anrufe|briefe|schreiben|nachrichten|"
    r"widerspruch)",
)
#: Money words: with them, "nicht mehr leben" is about making a living.
MONEY = _p(r"\b(?:rente|geld|miete|einkommen|gehalt|lohn|schulden|euro|bezahlen|zahlen|leisten|finanziell|kosten)\b")
#: Past-time words: an accident of last year is no emergency now.
PAST = _p(
    r"\bletzte[nms]? (?:jahr|monat|woche)", r"\bvor (?:\w+ )?(?:jahren|jahr|monaten|monat|wochen)\b", r"\bdamals",
    r"\bseit (?:dem|einem|meinem) unfall", r"\bnach (?:dem|einem|meinem) unfall", r"\bfruher",
)
#: Districts named after fire ("Feuerbach", "Feuersee", also split: "feuer bach").
FIRE_NAMES = re.compile(r"\bfeu?e?r ?(?:bach|bacher|see|sees|ba|bacha)\b|\bfeierbach\b")


@dataclass(frozen=True)
class Assessment:
    """What the safety layer read in a message."""

    danger: str | None  # a category of CATEGORIES, or None
    vetoed: bool  # a known false trigger is present (demote a classifier "emergency")

    @property
    def suicidal(self) -> bool:
        """Suicidal intent: the answer adds the Telefonseelsorge."""
        return self.danger == SUICIDE


def normalise(text: str, blank: Iterable[tuple[int, int]] = ()) -> str:
    """Folded words joined by single spaces; character spans in ``blank`` become "ort"."""
    spans = sorted(blank)
    out: list[str] = []
    for word, start, _end in words(text):
        if any(s <= start < e for s, e in spans):
            if not out or out[-1] != "ort":
                out.append("ort")
            continue
        out.append(word)
    return " ".join(out)


def assess(text: str, districts: Iterable[tuple[int, int]] = (), has_service: bool = False) -> Assessment:
    """Danger category and veto of a message.

    ``districts`` are character spans of district names (ignored: "Feuerbach");
    ``has_service``: the message names one of our services, so an injury or a collapse
    it mentions is the occasion of a question ("nach dem Unfall pflegebedürftig").
    """
    plain = normalise(text, districts)
    plain = FIRE_NAMES.sub("ort", plain)
    vetoed = bool(VETOES.search(plain))
    # Making a living, not a wish to die: "von meiner Rente nicht mehr leben".
    vetoed = vetoed or (bool(MONEY.search(plain)) and "leben" in plain.split())
    past = bool(PAST.search(plain))
    found: str | None = None
    for category in (SUICIDE, "breathing", "unconscious", "violence", "hot_car", "fire", "injury", "call_for_help"):
        match = PATTERNS[category].search(plain)
        if match is None:
            continue
        if category in ("injury", "unconscious") and (past or has_service):
            continue
        if vetoed and category in ("fire", "injury", "unconscious"):
            continue
        found = category
        break
    return Assessment(found, vetoed or FIRE_NAMES.search(normalise(text)) is not None)
