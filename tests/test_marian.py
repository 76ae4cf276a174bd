"""The MarianMT adapter on a tiny real-format model loaded through from_pretrained."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mixlingo.adapters.marian import MarianTranslator
from mixlingo.core.errors import InputError, ModelUnavailableError


@pytest.fixture(scope="module")
def translator(tiny_marian_dir: Path) -> MarianTranslator:
    return MarianTranslator({"es-en": str(tiny_marian_dir)}, cache_dir=tiny_marian_dir / "cache", max_new_tokens=6)


def test_n_best_per_segment_sorted_by_length_normalised_log_probability(translator: MarianTranslator) -> None:
    results = translator.translate(["oye el reporte", "la casa es grande", "sí"], "es", "en", n=4)
    assert [len(r) for r in results] == [4, 4, 4]
    for candidates in results:
        scores = [c.score for c in candidates]
        assert scores == sorted(scores, reverse=True)
        assert all(math.isfinite(s) and s <= 0 for s in scores)


def test_n_can_exceed_the_configured_beam_width(translator: MarianTranslator) -> None:
    assert len(translator.translate(["la casa"], "es", "en", n=6)[0]) == 6


def test_model_is_loaded_once_and_shared(translator: MarianTranslator, tiny_marian_dir: Path) -> None:
    assert translator.load(str(tiny_marian_dir)) is translator.load(str(tiny_marian_dir))


def test_multi_language_models_serve_missing_directions(tiny_marian_dir: Path) -> None:
    translator = MarianTranslator(
        {"mul-en": "Helsinki-NLP/opus-mt-mul-en", "en-mul": "Helsinki-NLP/opus-mt-en-mul"}, cache_dir=tiny_marian_dir
    )
    found = translator.model_for("fr", "en"), translator.model_for("en", "de")
    assert [(r.model, r.prefix) if r else None for r in found] == [
        ("Helsinki-NLP/opus-mt-mul-en", ""), ("Helsinki-NLP/opus-mt-en-mul", ">>de<< ")]
    assert not translator.has_direction("fr", "de")
    with pytest.raises(InputError, match="no translation model configured for fr→de"):
        translator.translate(["bonjour"], "fr", "de", 1)


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    translator = MarianTranslator({"es-en": "Helsinki-NLP/opus-mt-es-en"}, cache_dir=tmp_path / "cache")
    with pytest.raises(ModelUnavailableError, match="opus-mt-es-en.*mixlingo models pull"):
        translator.translate(["hola"], "es", "en", 2)
