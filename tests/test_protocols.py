"""Every tagger, translator and encoder describes itself through its protocol: ``notes`` and ``describe()``.

The bench and ``--explain`` ask each part what it runs on instead of reading private attributes,
so each implementation must answer — after any fallback.
"""

from __future__ import annotations

import pytest

from mixlingo.adapters.testing.fakes import FakeEncoder, FakeTagger, FakeTranslator
from mixlingo.bench.run import describe
from mixlingo.config import load_settings
from mixlingo.factory import build_translate_pipeline, load_embedded
from mixlingo.nlp.batching import BatchingEncoder, BatchingTagger, BatchingTranslator
from mixlingo.nlp.lexicon_tagger import LexiconTagger


def _parts() -> list[object]:
    fakes: list[object] = [FakeTagger({}), FakeTranslator(), FakeEncoder({})]
    return [*fakes, LexiconTagger(), load_embedded(), BatchingTagger(LexiconTagger()), BatchingTranslator(FakeTranslator()),
            BatchingEncoder(FakeEncoder({}))]


@pytest.mark.parametrize("part", _parts(), ids=lambda part: type(part).__name__)
def test_each_part_has_notes_and_describes_itself(part: object) -> None:
    assert isinstance(part.notes, list)  # type: ignore[attr-defined]
    text = part.describe()  # type: ignore[attr-defined]
    assert isinstance(text, str) and text.strip() and len(text) <= 80


def test_the_bench_reads_each_runtime_from_the_parts(tiny_models_env: None) -> None:
    fast = build_translate_pipeline(load_settings(tagger="embedded")).pipeline
    assert describe(fast) == {
        "tagger": "embedded on onnxruntime",  # the embedded tagger is fast enough alone: not micro-batched
        "translator": "CTranslate2 int8, micro-batched",
        "micro_batching": "on",
        "reranker": "onnx, micro-batched",
    }
    plain = build_translate_pipeline(load_settings(tagger="embedded", translation_backend="transformers",
                                                   encoder_backend="torch", micro_batch_ms=0)).pipeline
    assert describe(plain) == {"tagger": "embedded on onnxruntime", "translator": "transformers fp32",
                               "micro_batching": "off", "reranker": "torch"}
