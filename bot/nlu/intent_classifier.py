"""A fast linear intent classifier for German citizen language.

TF-IDF over folded spaCy lemmas (words and character n-grams) with the service
and district mentions masked, so that "Was kostet ein Reisepass?" and "Was kostet
die Bonuscard?" look alike to the classifier. Trains in seconds on two cores,
where DIET needed ten minutes, and was more accurate on our held-out split.
"""

from __future__ import annotations

import logging
from operator import itemgetter
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.folding import FILLERS, fold, spoken_number, words
from bot.nlu.gazetteer import default_gazetteer
from bot.nlu.sentences import CLAUSE, question_focus
from bot.nlu.speller import Speller

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_intent_classifier.skops"
#: The only types outside skops' own trusted set that our pipeline contains. Anything
#: else in a model file (``builtins.exec``, ``builtins.partial`` …) is refused: a crafted
#: file could otherwise run code when a message is classified. Rasa's loaders likewise
#: trust no unlisted type.
TRUSTED_TYPES = frozenset({"scipy.sparse._csr.csr_matrix"})


class UnsafeModelError(ValueError):
    """A model file contains types that are not on :data:`TRUSTED_TYPES`; it is not loaded."""


def load_pipeline(path: Any) -> Any:
    """Load a pipeline saved by :meth:`LinearIntentClassifier.persist`.

    Raises:
        UnsafeModelError: when the file names any type outside skops' defaults and
            :data:`TRUSTED_TYPES` (nothing of the file is built then).
        FileNotFoundError: when there is no file.
    """
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=path)
    unexpected = sorted(set(untrusted) - TRUSTED_TYPES)
    if unexpected:
        raise UnsafeModelError(f"refusing to load {path}: it contains untrusted types {unexpected}")
    return sio.load(path, trusted=sorted(set(untrusted)))

#: Placeholder of other organisations ("Rewe", "Konsulat"), see gazetteer.yml `elsewhere`.
ELSEWHERE = "fremdent"
#: Confidences of a message without a single known word are scaled by this (gibberish).
UNKNOWN_WORDS_FACTOR = 0.5
#: Token added for a question mark (punctuation is otherwise dropped).
QUESTION_MARK = "qmark"


def feature_text(message: Message, span: tuple[int, int] | None = None, speller: Speller | None = None) -> str:
    """Folded lemmas of the message, with service/district mentions replaced by placeholders.

    Fillers ("äh", "ähm") are dropped and spoken numbers become digits, so a phone
    transcript looks like typed text; with a ``speller``, unknown words are corrected
    to known ones. With ``span`` only the words inside it count.
    """
    text = message.get(TEXT) or ""
    spans = [(m.start, m.end, f"{m.entity}ent") for m in default_gazetteer().find(text)]
    tokens = message.get(TOKENS_NAMES[TEXT])
    pieces = [(t.start, t.end, t.lemma) for t in tokens] if tokens else [(s, e, w) for w, s, e in words(text)]
    if span is not None:
        pieces = [p for p in pieces if span[0] <= p[0] < span[1]]
    gazetteer = default_gazetteer()
    out: list[str] = []
    for index, (start, end, lemma) in enumerate(pieces):
        placeholder = next((p for s, e, p in spans if start < e and s < end), None)
        if placeholder is None:
            following = fold(pieces[index + 1][2]) if index + 1 < len(pieces) else ""
            if gazetteer.is_elsewhere(fold(lemma), following) or gazetteer.is_elsewhere(fold(text[start:end])):
                placeholder = ELSEWHERE
        if placeholder is not None:
            if not out or out[-1] != placeholder:
                out.append(placeholder)
        elif any(ch.isalnum() for ch in lemma):
            folded = fold(lemma)
            if folded in FILLERS:
                continue
            number = spoken_number(folded)
            if number is not None:
                out.append(number)
            else:
                out.append(speller.correct(folded) if speller is not None else folded)
    # A question mark is evidence too: statements (inform, affirm …) never carry one.
    if "?" in (text[span[0] : span[1]] if span is not None else text):
        out.append(QUESTION_MARK)
    return " ".join(out)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Logistic regression on TF-IDF word and character n-grams (scikit-learn)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults chosen on the held-out split (see tests/nlu/README.md)."""
        return {
            "C": 10.0,
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            "max_iter": 3000,
            "ranking_length": 10,
            # Share of the question sentence in the probabilities of a longer message.
            "question_weight": 0.5,
            # The same for a last clause with a question word ("…, wo muss ich hin?").
            "clause_weight": 0.3,
            # Correct unknown words to the nearest word of the training vocabulary.
            "spelling": True,
            # Intents that only arrive as "/intent" messages (e.g. phone events) and
            # must never be predicted from text; their examples are not trained on.
            "exclude_intents": [],
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 pipeline: Any = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._pipeline = pipeline
        self._speller: Speller | None = None

    @classmethod
    def create(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext
    ) -> LinearIntentClassifier:
        """A new, untrained classifier."""
        return cls(config, model_storage, resource)

    def _build(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        features = make_union(
            TfidfVectorizer(analyzer="word", ngram_range=tuple(self._config["word_ngrams"]), sublinear_tf=True,
                            token_pattern=r"\S+"),  # noqa: S106 - a regular expression, not a password
            TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self._config["char_ngrams"]), sublinear_tf=True),
        )
        classifier = LogisticRegression(C=self._config["C"], max_iter=self._config["max_iter"], random_state=42)
        return make_pipeline(features, classifier)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on the intent examples and persist."""
        excluded = set(self._config["exclude_intents"])
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(INTENT) not in excluded]
        if len({m.get(INTENT) for m in examples}) < 2:
            logger.warning("LinearIntentClassifier needs at least two intents; not trained.")
            return self._resource
        self._pipeline = self._build()
        self._pipeline.fit([feature_text(m) for m in examples], [m.get(INTENT) for m in examples])
        self.persist()
        return self._resource

    def persist(self) -> None:
        """Save with skops (no pickle)."""
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(self._pipeline, directory / MODEL_FILE)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        """Load the fitted pipeline (see :func:`load_pipeline`: unknown types are refused)."""
        pipeline: Any | None = None
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = load_pipeline(directory / MODEL_FILE)
        except FileNotFoundError as error:
            logger.warning("LinearIntentClassifier could not be loaded: %s", error)
        return cls(config, model_storage, resource, pipeline)

    def _spelling(self) -> Speller | None:
        """A speller over the word vocabulary of the fitted pipeline (built once)."""
        if self._speller is None and self._pipeline is not None and self._config["spelling"]:
            words_vectorizer = self._pipeline.steps[0][1].transformer_list[0][1]
            vocabulary = words_vectorizer.vocabulary_
            idf = words_vectorizer.idf_
            unigrams = [w for w in vocabulary if " " not in w]
            # Lower idf = more frequent in training: preferred among equally near words.
            self._speller = Speller(sorted(unigrams, key=lambda w: idf[vocabulary[w]]))
        return self._speller

    def process(self, messages: list[Message]) -> list[Message]:
        """Set intent and intent ranking on each message."""
        if self._pipeline is None:
            return messages
        speller = self._spelling()
        features = [feature_text(m, speller=speller) for m in messages]
        probabilities = self._pipeline.predict_proba(features)
        classes = self._pipeline.classes_
        vocabulary = self._pipeline.steps[0][1].transformer_list[0][1].vocabulary_
        for index, message in enumerate(messages):
            tokens = features[index].split()
            if tokens and not any(token in vocabulary for token in tokens):
                # Not one word the model has seen (even after spelling correction): its
                # character n-grams are no evidence, so the FallbackClassifier asks back.
                probabilities[index] = probabilities[index] * UNKNOWN_WORDS_FACTOR
                continue
            # In a longer message the question, not the story around it, decides.
            focus = question_focus(message.get(TEXT) or "")
            if focus is None:
                continue
            span, kind = focus
            weight = float(self._config["clause_weight" if kind == CLAUSE else "question_weight"])
            if weight > 0:
                focused = self._pipeline.predict_proba([feature_text(message, span, speller)])[0]
                probabilities[index] = (1 - weight) * probabilities[index] + weight * focused
        for message, row in zip(messages, probabilities, strict=True):
            ranking = sorted(
                ({"name": str(name), "confidence": float(p)} for name, p in zip(classes, row, strict=True)),
                key=itemgetter("confidence"), reverse=True,  # stable: ties keep the classes' order
            )
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[: self._config["ranking_length"]], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add to training data."""
        return training_data
