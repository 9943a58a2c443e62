"""H1: a model file with types outside the exact allowlist is refused before anything is built."""

from __future__ import annotations

import tarfile
from functools import partial
from pathlib import Path

import pytest
import skops.io as sio
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from bot.config import PROJECT_ROOT
from bot.nlu.intent_classifier import MODEL_FILE, UnsafeModelError, load_pipeline


def _gadget(path: Path, marker: Path) -> None:
    """The review's proof of concept: ``exec`` inside a partial that claims to be ``builtins``."""
    payload = partial(exec, f"open({str(marker)!r}, 'w').write('pwned')", {})
    payload.__module__ = "builtins"
    classifier = DummyClassifier().fit([[0], [1]], ["a", "b"])
    sio.dump(Pipeline([("f", FunctionTransformer(func=payload)), ("c", classifier)]), path)
    assert not marker.exists()


def test_a_crafted_model_file_is_refused_and_runs_nothing(tmp_path: Path) -> None:
    path, marker = tmp_path / MODEL_FILE, tmp_path / "marker"
    _gadget(path, marker)
    with pytest.raises(UnsafeModelError, match="builtins"):
        load_pipeline(path).predict_proba([[0]])
    assert not marker.exists()


def test_the_trained_model_loads(tmp_path: Path) -> None:
    model = PROJECT_ROOT / "models" / "buergertelefon.tar.gz"
    if not model.exists():
        pytest.fail("models/buergertelefon.tar.gz is missing: run `make train` first")
    with tarfile.open(model) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith(MODEL_FILE))
        archive.extract(member, tmp_path)
    pipeline = load_pipeline(tmp_path / member.name)
    assert "greet" in list(pipeline.classes_)
