"""Rasa graph components: folding spaCy tokenizer, gazetteer entity extractor, safety guard.

Referenced from ``config.yml`` as ``bot.nlu.components.FoldingSpacyTokenizer``,
``bot.nlu.components.GazetteerEntityExtractor`` and ``bot.nlu.components.SafetyGuard``.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.folding import fold
from bot.nlu.gazetteer import default_gazetteer
from bot.nlu.language import is_english
from bot.nlu.safety import assess
from bot.nlu.situations import situation_in

EMERGENCY = "emergency"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FoldingSpacyTokenizer(SpacyTokenizer):
    """spaCy tokens whose lemmas are folded (case, umlauts, ae/oe/ue).

    The count-vector featurizers read lemmas, so "Führerschein", "Fuehrerschein"
    and "fuhrerschein" become the same feature.
    """

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokenise with spaCy, then fold each token's lemma."""
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = fold(token.lemma or token.text)
        return tokens


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class GazetteerEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts `service` and `district` with normalised values from the gazetteer.

    Also `situation` (a life situation, :mod:`bot.nlu.situations`) and `language`
    ("en" for an English message, :mod:`bot.nlu.language`), without offsets.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No options."""
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GazetteerEntityExtractor:
        """Create the component; the vocabulary loads once per process."""
        default_gazetteer()
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn: training data passes through."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Add gazetteer entities to each message."""
        gazetteer = default_gazetteer()
        for message in messages:
            text = message.get(TEXT) or ""
            found = [
                {
                    "entity": match.entity,
                    "value": match.value,
                    "start": match.start,
                    "end": match.end,
                    "confidence_entity": 1.0,
                }
                for match in gazetteer.find(text)
            ]
            situation = situation_in(text, names_district=any(e["entity"] == "district" for e in found))
            if situation:
                found.append({"entity": "situation", "value": situation, "confidence_entity": 1.0})
            if is_english(text):
                found.append({"entity": "language", "value": "en", "confidence_entity": 1.0})
            entities = message.get(ENTITIES, []) + self.add_extractor_name(found)
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyGuard(GraphComponent):
    """Danger to life decides the intent, whatever the classifier said (``bot.nlu.safety``).

    Runs after the intent classifier and before the FallbackClassifier: a danger pattern
    sets ``emergency`` with confidence 1.0 and a ``danger`` entity (its category; the
    answer adds the TelefonSeelsorge at ``suicide``). A classifier ``emergency`` without
    any danger pattern yields to the next intent when a known false trigger is present
    or the message names one of our services.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No options."""
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyGuard:
        """Create the component."""
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Override or demote ``emergency`` on each message."""
        for message in messages:
            self._guard(message)
        return messages

    @staticmethod
    def _guard(message: Message) -> None:
        entities = message.get(ENTITIES) or []
        districts = [(e["start"], e["end"]) for e in entities if e.get("entity") == "district" and "start" in e]
        has_service = any(e.get("entity") == "service" for e in entities)
        assessment = assess(message.get(TEXT) or "", districts, has_service)
        ranking = [dict(r) for r in message.get(INTENT_RANKING_KEY) or []]
        intent = message.get(INTENT) or {}
        if assessment.danger is not None:
            top = {"name": EMERGENCY, "confidence": 1.0}
            rest = [dict(r, confidence=0.0) for r in ranking if r.get("name") != EMERGENCY]
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *rest], add_to_output=True)
            danger = {"entity": "danger", "value": assessment.danger, "confidence_entity": 1.0,
                      "extractor": SafetyGuard.__name__}
            message.set(ENTITIES, [*entities, danger], add_to_output=True)
        elif intent.get("name") == EMERGENCY and (assessment.vetoed or has_service):
            rest = [r for r in ranking if r.get("name") != EMERGENCY]
            if rest:
                message.set(INTENT, rest[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, rest, add_to_output=True)
