"""The translation cache: a repeat costs no model call; anything that changes the output misses."""

from __future__ import annotations

import pytest

from mixlingo.adapters.testing.fakes import FakeEncoder, FakeTranslator
from mixlingo.factory import translation_service
from mixlingo.config import load_settings
from mixlingo.backends import model_version
from mixlingo.nlp.cache import TranslationCache
from mixlingo.nlp.model import Message
from mixlingo.nlp.translation import Translation

ES_EN = {("es", "en"): {"la": "the", "casa": "house", "es": "is", "grande": "big"}}


def translated(text: str) -> Message:
    message = Message(text, target="en")
    message.translation = Translation("en", "whole", "test", text="the house")
    return message


def test_hits_misses_copies_and_lru() -> None:
    cache = TranslationCache(size=2, version="v1")
    assert cache.get("la casa", "en", "auto") is None
    cache.put("la casa", "en", "auto", translated("la casa"))
    hit = cache.get("la casa", "en", "auto")
    assert hit is not None and hit.translation.text == "the house"
    hit.translation.text = "spoiled"  # a caller editing its copy does not change the cache
    assert cache.get("la casa", "en", "auto").translation.text == "the house"
    assert cache.get("la casa", "es", "auto") is None and cache.get("la casa", "en", "spans") is None
    assert TranslationCache(2, version="v2").get("la casa", "en", "auto") is None
    cache.put("b", "en", "auto", translated("b"))
    cache.put("c", "en", "auto", translated("c"))
    assert len(cache) == 2 and cache.get("la casa", "en", "auto") is None  # least recently used went
    assert (cache.hits, cache.misses) == (2, 4)


def test_size_zero_turns_it_off() -> None:
    cache = TranslationCache(size=0)
    cache.put("x", "en", "auto", translated("x"))
    assert cache.get("x", "en", "auto") is None and len(cache) == 0


def test_model_version_changes_with_what_changes_the_output(monkeypatch: pytest.MonkeyPatch) -> None:
    base = model_version(load_settings())
    assert model_version(load_settings()) == base
    assert model_version(load_settings(n_best=2)) != base
    assert model_version(load_settings(translation_backend="transformers")) != base
    assert model_version(load_settings(micro_batch_ms=0)) == base  # speed knobs do not change the text


async def test_the_bot_answers_a_repeat_from_the_cache() -> None:
    translator = FakeTranslator(ES_EN)
    service = translation_service(load_settings(tagger="lexicon"), translator=translator, encoder=FakeEncoder({}))
    try:
        first = await service.translate("la casa es grande", "en")
        second = await service.translate("la casa es grande", "en")
        assert first.translated == second.translated == "the house is big"
        assert len(translator.calls) == 1 and service.cache.hits == 1
        await service.translate("la casa es grande", "es")  # another target is another entry
        assert service.cache.hits == 1
    finally:
        service.close()
