"""Model parts with a known time per call, for measuring what the pipeline adds around its models.

Each part sleeps ``per_call_s + per_item_s × items`` per call and answers like the test fakes
(a dictionary translator, a fixed-vector encoder, the lexicon tagger's tags), so a burst's
wall time minus its model time is the pipeline's own overhead — micro-batch windows,
thread hand-offs, Python stages — without model noise. ``python -m mixlingo.bench.fakes``
prints it for a burst; the tests check the accounting on it.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from mixlingo.adapters.testing.fakes import FakeEncoder, FakeTranslator
from mixlingo.nlp.lexicon_tagger import LexiconTagger
from mixlingo.nlp.tagging import Tag, Tagger
from mixlingo.nlp.translation import Candidate

SPANISH = {
    "hola": "hello", "oye": "hey", "el": "the", "la": "the", "reporte": "report", "mañana": "tomorrow", "reunión": "meeting",
    "hoy": "today", "casa": "house", "gracias": "thanks", "por": "for", "ayuda": "help", "no": "no",
}


class _Sleeps:
    def __init__(self, per_call_s: float, per_item_s: float) -> None:
        self.per_call_s, self.per_item_s = per_call_s, per_item_s
        self.sizes: list[int] = []

    def _sleep(self, items: int) -> None:
        self.sizes.append(items)
        time.sleep(self.per_call_s + self.per_item_s * items)


class TimedTagger(_Sleeps):
    """The lexicon tagger's tags, at a known cost per call (it stands in for mBERT, so it is micro-batched)."""

    name = "mbert"

    def __init__(self, per_call_s: float = 0.02, per_item_s: float = 0.0, pair: tuple[str, str] = ("en", "es")) -> None:
        super().__init__(per_call_s, per_item_s)
        self.inner: Tagger = LexiconTagger()
        self.pair = pair
        self.notes: list[str] = []

    def describe(self) -> str:
        return f"lexicon tags, {self.per_call_s * 1000:g} ms a call"

    def languages(self) -> tuple[str, ...] | None:
        return self.pair

    def tag_batch(self, sentences: Sequence[Sequence[str]], pair: tuple[str, str] | None = None) -> list[list[Tag]]:
        self._sleep(len(sentences))
        return self.inner.tag_batch(sentences, pair or self.pair)


class TimedTranslator(_Sleeps):
    """A dictionary translator (es↔en) at a known cost per call."""

    def __init__(self, per_call_s: float = 0.05, per_item_s: float = 0.0) -> None:
        super().__init__(per_call_s, per_item_s)
        self.inner = FakeTranslator({("es", "en"): SPANISH, ("en", "es"): {v: k for k, v in SPANISH.items()}})
        self.notes: list[str] = []

    def describe(self) -> str:
        return f"a dictionary, {self.per_call_s * 1000:g} ms a call"

    def has_direction(self, source: str, target: str) -> bool:
        return self.inner.has_direction(source, target)

    def translate(self, texts: Sequence[str], source: str, target: str, n: int) -> list[list[Candidate]]:
        self._sleep(len(texts))
        return self.inner.translate(texts, source, target, n)


class TimedEncoder(_Sleeps):
    """Fixed vectors at a known cost per call."""

    def __init__(self, per_call_s: float = 0.03, per_item_s: float = 0.0) -> None:
        super().__init__(per_call_s, per_item_s)
        self.inner = FakeEncoder({})
        self.notes: list[str] = []

    def describe(self) -> str:
        return f"fixed vectors, {self.per_call_s * 1000:g} ms a call"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self._sleep(len(texts))
        return self.inner.embed(texts)


def timed_pipeline(
    tag_s: float = 0.02, translate_s: float = 0.05, embed_s: float = 0.03, **settings: Any
) -> Any:  # a mixlingo.nlp.pipeline.Pipeline
    """The product's translate pipeline (factory, micro-batching, gate as configured) over the timed parts."""
    from mixlingo.config import load_settings
    from mixlingo.factory import build_translate_pipeline
    from mixlingo.nlp.batching import BatchingTagger
    from mixlingo.nlp.tagging import TagLanguages
    from mixlingo.nlp.translate import Translate

    config = load_settings(**{"tagger": "lexicon", "offline": True, "strategy": "whole", "translation_cache_size": 0,
                              "translation_models": {"es-en": "fake", "en-es": "fake"}, **settings})
    built = build_translate_pipeline(config, translator=TimedTranslator(translate_s), encoder=TimedEncoder(embed_s))
    pipeline = built.pipeline
    tagger = TimedTagger(tag_s)
    translator = pipeline.get_pipe("translate", Translate).translator
    if hasattr(translator, "batcher"):  # micro-batched: the tagger joins the same gate, as the factory does for mBERT
        batcher = translator.batcher
        pipeline.replace_pipe("tag", TagLanguages(BatchingTagger(tagger, window_s=batcher.window_s,
                                                                 max_items=batcher.max_items, gate=batcher.gate)))
    else:
        pipeline.replace_pipe("tag", TagLanguages(tagger))
    return pipeline


def burst_overhead(burst: int = 16, repeats: int = 3, **settings: Any) -> dict[str, Any]:
    """A burst through the timed pipeline (one worker per message, as the bench): wall, model time, calls."""
    from mixlingo.bench.run import MESSAGES, run_burst
    from mixlingo.bench.measure import ModelClock, calls_by_model, union_seconds, watch_pipeline

    pipeline = timed_pipeline(**settings)
    clock = ModelClock()
    watch_pipeline(clock, pipeline)
    texts = [MESSAGES[i % len(MESSAGES)] for i in range(burst)]
    pipeline.run(texts[0], target="en")  # first-use costs (regex compiles, lexicon loads) out of the way
    runs = []
    for _ in range(repeats):
        mark = clock.mark()
        started = time.perf_counter()
        run_burst(pipeline, texts, "en", burst)
        wall = time.perf_counter() - started
        calls = clock.since(mark)
        model = union_seconds([(c.start, c.end) for c in calls])
        runs.append({"wall_s": wall, "model_s": model, "wall_over_model": wall / model, "overhead_s": wall - model,
                     "calls": calls_by_model(calls)})
    return {"burst": burst, "settings": settings, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--set", nargs="*", default=[], help="settings, e.g. micro_batch_ms=0 model_calls_at_once=0")
    args = parser.parse_args()
    settings = {key: json.loads(value) for key, value in (item.split("=", 1) for item in args.set)}
    print(json.dumps(burst_overhead(args.burst, args.repeats, **settings), indent=1))


if __name__ == "__main__":
    main()
