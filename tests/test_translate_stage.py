"""The translate stage: batching per direction, pivoting through English, clear routing errors."""

from __future__ import annotations

import pytest

from mixlingo.adapters.testing.fakes import FakeTranslator
from mixlingo.core.errors import InputError
from mixlingo.nlp.model import Message
from mixlingo.nlp.translate import Translate
from mixlingo.nlp.translation import Candidate, Translation, Unit


def planned(source: str, lang: str, target: str) -> Message:
    message = Message(source, target=target)
    message.translation = Translation(target, "whole", "test", units=[Unit(0, len(source), source, [], lang)])
    return message


def test_n_best_in_model_order_with_scores() -> None:
    translator = FakeTranslator({("es", "en"): {"casa": "house"}})
    message = Translate(translator, n_best=3)(planned("la casa", "es", "en"))
    unit = message.translation.units[0]
    assert [(s.candidate.text, s.candidate.score) for s in unit.scored] == [
        ("la house", -0.1), ("la casa", -0.2), ("x x", pytest.approx(-0.3))
    ]


def test_one_call_per_direction_for_many_messages() -> None:
    translator = FakeTranslator({("es", "en"): {}, ("fr", "en"): {}})
    messages = [planned("hola", "es", "en"), planned("bonjour", "fr", "en"), planned("adios", "es", "en")]
    Translate(translator, n_best=2).translate_many(messages)
    assert sorted(translator.calls) == [("es", "en", ["hola", "adios"], 2), ("fr", "en", ["bonjour"], 2)]


def test_missing_direction_pivots_through_english() -> None:
    def script(text: str, source: str, target: str) -> list[Candidate]:
        return [Candidate(f"{text}>{target}#{i}", -1.0 * (i + 1)) for i in range(4)]

    translator = FakeTranslator({("fr", "en"): {}, ("en", "es"): {}}, candidates=script)
    message = Translate(translator, n_best=2)(planned("bonjour", "fr", "es"))
    assert [c[:2] for c in translator.calls] == [("fr", "en"), ("en", "es")]
    assert translator.calls[0][3] == 1  # only the best pivot reading goes on
    scored = message.translation.units[0].scored
    assert [(s.candidate.text, s.candidate.score) for s in scored] == [
        ("bonjour>en#0>es#0", -2.0), ("bonjour>en#0>es#1", -3.0)
    ]


def test_unsupported_direction_is_a_clear_error() -> None:
    translator = FakeTranslator({("es", "en"): {}})
    with pytest.raises(InputError, match="no translation model for de→es .*MIXLINGO_TRANSLATION_MODELS"):
        Translate(translator).route("de", "es")
