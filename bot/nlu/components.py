"""Rasa graph components: a folding spaCy tokenizer and the gazetteer entity extractor.

Referenced from ``config.yml`` as ``bot.nlu.components.FoldingSpacyTokenizer`` and
``bot.nlu.components.GazetteerEntityExtractor``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.folding import fold
from bot.nlu.gazetteer import default_gazetteer


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FoldingSpacyTokenizer(SpacyTokenizer):
    """spaCy tokens whose lemmas are folded (case, umlauts, ae/oe/ue).

    The count-vector featurizers read lemmas, so "Führerschein", "Fuehrerschein"
    and "fuhrerschein" become the same feature.
    """

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenise with spaCy, then fold each token's lemma."""
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = fold(token.lemma or token.text)
        return tokens


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class GazetteerEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts `service` and `district` with normalised values from the gazetteer."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """No options."""
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "GazetteerEntityExtractor":
        """Create the component; the vocabulary loads once per process."""
        default_gazetteer()
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn: training data passes through."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
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
            entities = message.get(ENTITIES, []) + self.add_extractor_name(found)
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
