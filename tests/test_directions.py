"""Direction → model: one pure function for models pull, the translators and the factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from mixlingo.adapters.marian import MarianTranslator
from mixlingo.cli import _models_to_pull
from mixlingo.config import load_settings
from mixlingo.errors import InputError
from mixlingo.nlp.directions import model_for, models_into

MODELS = {"es-en": "direct/es-en", "mul-en": "any/into-en", "en-mul": "en/into-any", "fr-mul": "fr/into-any"}


def test_a_direct_model_comes_first() -> None:
    assert model_for(MODELS, "es", "en") == ("direct/es-en", "")


def test_then_a_multi_source_model() -> None:
    assert model_for(MODELS, "de", "en") == ("any/into-en", "")


def test_then_a_multi_target_model_with_its_target_token() -> None:
    assert model_for(MODELS, "en", "de") == ("en/into-any", ">>de<< ")
    assert model_for(MODELS, "fr", "en") == ("any/into-en", "")  # mul-en before fr-mul


def test_none_when_nothing_serves_it() -> None:
    assert model_for(MODELS, "de", "es") is None
    assert model_for({}, "es", "en") is None


def test_keys_match_in_any_case() -> None:
    assert model_for({"ES-EN": "a"}, "es", "en") == ("a", "")
    assert model_for({"EN-MUL": "b"}, "en", "hi") == ("b", ">>hi<< ")


def test_models_into_a_target() -> None:
    assert models_into(MODELS, "en") == ["direct/es-en", "any/into-en", "en/into-any", "fr/into-any"]
    assert models_into({"es-en": "a", "en-es": "b"}, "es") == ["b"]


@pytest.mark.parametrize("source, target", [("es", "en"), ("de", "en"), ("en", "de"), ("de", "es")])
def test_every_caller_asks_the_same_function(source: str, target: str, tmp_path: Path) -> None:
    expected = model_for(MODELS, source, target)
    assert MarianTranslator(MODELS, cache_dir=tmp_path).model_for(source, target) == expected
    settings = load_settings(translation_models=MODELS)
    if expected is None:
        with pytest.raises(InputError, match=f"no translation model configured for {source}-{target}"):
            _models_to_pull(settings, [f"{source}-{target}"])
    else:
        assert _models_to_pull(settings, [f"{source}-{target}"]) == [expected[0]]
