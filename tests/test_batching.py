"""Micro-batching gathers concurrent calls into one model call, and hands each caller its own rows."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from mixlingo.adapters.testing.fakes import FakeEncoder, FakeTagger, FakeTranslator
from mixlingo.core.errors import InputError
from mixlingo.nlp.batching import BatchingEncoder, BatchingTagger, BatchingTranslator, MicroBatcher

WORDS = {("es", "en"): {"hola": "hello", "casa": "house", "perro": "dog", "gato": "cat"}}


def concurrently(calls: list, window_s: float = 0.05) -> list:
    """Start every call at the same moment (a barrier), return the results in call order."""
    barrier = threading.Barrier(len(calls))

    def go(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(go, calls))


def test_concurrent_translations_become_one_model_call_per_direction() -> None:
    inner = FakeTranslator(WORDS | {("en", "es"): {"hello": "hola"}})
    batching = BatchingTranslator(inner, window_s=0.2)
    results = concurrently([
        lambda: batching.translate(["hola"], "es", "en", 2),
        lambda: batching.translate(["casa", "perro"], "es", "en", 2),
        lambda: batching.translate(["gato"], "es", "en", 2),
        lambda: batching.translate(["hello"], "en", "es", 2),
    ])
    assert [[c[0].text for c in r] for r in results] == [["hello"], ["house", "dog"], ["cat"], ["hola"]]
    assert sorted((s, t, sorted(texts)) for s, t, texts, _ in inner.calls) == [
        ("en", "es", ["hello"]), ("es", "en", ["casa", "gato", "hola", "perro"]),
    ]
    assert sorted(batching.batcher.batches) == [1, 3]


def test_a_lone_call_runs_after_the_window_without_waiting_for_company() -> None:
    inner = FakeTranslator(WORDS)
    assert BatchingTranslator(inner, window_s=0.001).translate(["hola"], "es", "en", 1)[0][0].text == "hello"
    assert len(inner.calls) == 1


def test_max_items_splits_batches_and_errors_reach_every_caller_of_the_batch() -> None:
    seen: list[list[int]] = []

    def run(key, items):
        seen.append(list(items))
        if key == "bad":
            raise InputError("no model for that")
        return [i * 10 for i in items]

    batcher = MicroBatcher(run, window_s=0.2, max_items=2)
    assert concurrently([lambda: batcher.submit("ok", [1]), lambda: batcher.submit("ok", [2])]) == [[10], [20]]
    with pytest.raises(InputError, match="no model"):
        batcher.submit("bad", [3])
    assert batcher.submit("ok", []) == []
    assert sorted(map(sorted, seen)) == [[1, 2], [3]]


def test_encoder_and_tagger_batch_too() -> None:
    encoder = FakeEncoder({"a": (1, 0), "b": (0, 1), "c": (1, 1)})
    batching = BatchingEncoder(encoder, window_s=0.2)
    left, right = concurrently([lambda: batching.embed(["a", "b"]), lambda: batching.embed(["c"])])
    assert np.allclose(left, [[1, 0], [0, 1]]) and np.allclose(right, [[0.7071, 0.7071]], atol=1e-3)
    assert len(encoder.calls) == 1 and sorted(encoder.calls[0]) == ["a", "b", "c"]

    tagger = FakeTagger({"hola": "es", "hello": "en"}, languages=("en", "es"))
    wrapped = BatchingTagger(tagger, window_s=0.2)
    tags = concurrently([lambda: wrapped.tag_batch([["hola"]], ("en", "es")), lambda: wrapped.tag_batch([["hello"]], ("en", "es"))])
    assert [[t.lang for t in s[0]] for s in tags] == [["es"], ["en"]]
    assert len(tagger.calls) == 1 and wrapped.languages() == ("en", "es") and wrapped.name == "fake"


def test_a_shared_gate_lets_one_model_call_run_at_a_time() -> None:
    gate = threading.BoundedSemaphore(1)
    running, overlaps, lock = [0], [], threading.Lock()

    def run(key, items):
        with lock:
            running[0] += 1
            overlaps.append(running[0])
        threading.Event().wait(0.05)
        with lock:
            running[0] -= 1
        return items

    a = MicroBatcher(run, window_s=0.001, gate=gate, name="a")
    b = MicroBatcher(run, window_s=0.001, gate=gate, name="b")
    concurrently([lambda: a.submit("k", [1]), lambda: b.submit("k", [2]), lambda: a.submit("j", [3])])
    assert overlaps and max(overlaps) == 1


def test_calls_that_queue_while_a_batch_runs_go_together_in_the_next_one() -> None:
    started, release = threading.Event(), threading.Event()

    def run(key, items):
        started.set()
        release.wait(5)
        return items

    batcher = MicroBatcher(run, window_s=0.001)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(batcher.submit, "k", [0])
        started.wait(5)
        later = [pool.submit(batcher.submit, "k", [i]) for i in (1, 2, 3)]
        while sum(len(items) for _, items, *_ in batcher._pending) < 3:
            threading.Event().wait(0.005)
        release.set()
        assert first.result() == [0] and [f.result() for f in later] == [[1], [2], [3]]
    assert batcher.batches == [1, 3]
