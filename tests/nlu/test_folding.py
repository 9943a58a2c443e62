"""Spelling-tolerant folding and edit distance."""

import pytest

from bot.nlu.folding import edit_distance, fold, words


@pytest.mark.parametrize("variant", ["Führerschein", "Fuehrerschein", "fuhrerschein", "FÜHRERSCHEIN"])
def test_fold_umlaut_variants(variant: str) -> None:
    assert fold(variant) == "fuhrerschein"


def test_fold_sharp_s() -> None:
    assert fold("Straße") == fold("Strasse")


def test_words_keep_offsets() -> None:
    text = "Bürgerbüro-Süd, bitte"
    assert [(w, text[s:e]) for w, s, e in words(text)] == [("burgerburo", "Bürgerbüro"), ("sud", "Süd"),
                                                           ("bitte", "bitte")]


@pytest.mark.parametrize(("a", "b", "distance"),
                         [("pass", "pass", 0), ("pass", "bass", 1), ("ab", "ba", 1), ("abc", "xyz", 2)])
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 1) == min(distance, 2)
