"""The bench's measuring: model time as the union of model-call intervals, calls and batch sizes per
model, the figures' keys, and the micro-batcher's gathering, on model parts of known call time."""

from __future__ import annotations

import json
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mixlingo.bench.fakes import TimedTranslator, burst_overhead
from mixlingo.bench.measure import Figures, ModelClock, calls_by_model, measure, percentile, union_seconds
from mixlingo.nlp.batching import MicroBatcher

CALL_S = 0.05
"""The timed translator's known cost per call."""


def test_union_of_intervals_counts_overlapping_calls_once() -> None:
    assert union_seconds([]) == 0.0
    assert union_seconds([(0.0, 1.0), (3.0, 4.5)]) == 2.5  # disjoint: summed
    assert union_seconds([(0.0, 1.0), (0.5, 2.0)]) == 2.0  # overlapping: once
    assert union_seconds([(0.0, 10.0), (1.0, 2.0), (3.0, 4.0)]) == 10.0  # nested
    assert union_seconds([(2.0, 3.0), (0.0, 1.0), (1.0, 2.0)]) == 3.0  # touching, out of order
    assert union_seconds([(5.0, 6.0), (0.0, 2.0), (1.0, 3.0), (2.5, 3.5)]) == 4.5


def test_calls_are_counted_per_model_with_their_batch_sizes_in_start_order() -> None:
    clock = ModelClock()
    clock.record("translator", 2.0, 3.0, 7)
    clock.record("tagger", 0.0, 1.0, 16)
    clock.record("translator", 1.0, 2.0, 25)
    clock.record("encoder", 3.0, 4.0, 65)
    assert calls_by_model(clock.calls) == {
        "tagger": {"calls": 1, "batch_sizes": [16], "seconds": 1.0},
        "translator": {"calls": 2, "batch_sizes": [25, 7], "seconds": 2.0},
        "encoder": {"calls": 1, "batch_sizes": [65], "seconds": 1.0},
    }
    assert clock.since(2) == clock.calls[2:] and clock.mark() == 4


def test_a_watched_model_call_is_timed_and_sized_at_the_protocol_boundary() -> None:
    translator = TimedTranslator(CALL_S)
    clock = ModelClock()
    clock.watch(translator, "translate", "translator")
    out = translator.translate(["hola", "casa"], "es", "en", 2)
    assert [c[0].text for c in out] == ["hello", "house"]
    (call,) = clock.calls
    assert call.model == "translator" and call.size == 2
    assert CALL_S <= call.end - call.start < CALL_S + 1.0  # sleep never returns early; 1 s covers a loaded machine
    assert "translate" in vars(translator) and "translate" not in vars(TimedTranslator(CALL_S))  # this instance only


def test_measure_reports_model_time_calls_and_json_keys_for_one_message_and_the_burst() -> None:
    translator = TimedTranslator(CALL_S)
    clock = ModelClock()
    clock.watch(translator, "translate", "translator")
    texts = ["hola", "la casa", "el reporte mañana"]

    def one(text: str) -> str:
        return translator.translate([text], "es", "en", 1)[0][0].text

    def burst(batch: list[str]) -> None:  # two model calls at once, started together: they overlap
        barrier = threading.Barrier(2)

        def call(part: list[str]) -> None:
            barrier.wait()
            translator.translate(part, "es", "en", 1)

        with ThreadPoolExecutor(2) as pool:
            list(pool.map(call, [batch[:1], batch[1:]]))

    events: queue.Queue = queue.Queue()
    measured = measure("timed", texts, one, burst, burst=4, burst_workers=2, clock=clock, events=events)
    figures = measured.figures
    assert measured.results == ["hello", "the house", "the report tomorrow"]
    assert figures.latency_calls["translator"]["calls"] == 3  # warm-up not counted
    assert figures.latency_calls["translator"]["batch_sizes"] == [1, 1, 1]
    assert figures.burst_calls["translator"]["calls"] == 2
    assert sorted(figures.burst_calls["translator"]["batch_sizes"]) == [1, 3]
    assert figures.latency_model_s is not None and figures.burst_model_s is not None
    assert CALL_S <= figures.latency_model_s <= figures.latency_mean_s  # each call lies inside its message's time
    burst_calls = clock.calls[-2:]
    each = [c.end - c.start for c in burst_calls]
    assert CALL_S <= figures.burst_model_s <= figures.burst_s
    assert figures.burst_model_s < sum(each)  # the two overlapping calls are counted once
    assert figures.burst_model_s == pytest.approx(union_seconds([(c.start, c.end) for c in burst_calls]))
    keys = json.loads(json.dumps(figures.as_dict()))
    for key in ("burst_model_s", "burst_calls", "latency_model_s", "burst_wall_over_model", "latency_calls"):
        assert key in keys
    assert keys["burst_wall_over_model"] == pytest.approx(figures.burst_s / figures.burst_model_s)
    assert "outputs" not in keys and "units" in figures.as_dict(per_message=True)
    said = [events.get_nowait() for _ in range(events.qsize())]
    assert ("advance", 2) in said and ("advance", 4) in said and sum(n for kind, n in said if kind == "advance") == 2 + 3 + 4


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([3.0, 1.0, 2.0, 4.0], 50) == 2.5 and percentile([1.0], 95) == 1.0
    assert percentile([0.0, 10.0], 95) == pytest.approx(9.5)


def test_the_summary_and_its_json_carry_the_model_time_figures(tmp_path: Path) -> None:
    from mixlingo.bench.run import BenchOptions, summarise
    from mixlingo.bench.cli import model_time_line

    def figures(variant: str, burst_s: float, model_s: float | None) -> Figures:
        calls = {"translator": {"calls": 1, "batch_sizes": [16]}} if model_s else {}
        return Figures(variant, 0.5, 0.6, 0.5, 0.4 if model_s else None, {}, 16, 16, burst_s, 16 / burst_s,
                       model_s, calls, 650.0, repeat_p50_s=0.0001, outputs=["a"], leads=[1.0])

    results = {"optimised": figures("optimised", 2.0, 1.9), "floor": figures("floor", 1.5, 1.5),
               "naive_batched": figures("naive_batched", 10.0, 9.0)}
    summary = json.loads(json.dumps(summarise(BenchOptions(), results, tmp_path, tmp_path), default=str))  # type: ignore[arg-type]
    fast = summary["optimised"]
    assert fast["burst_model_s"] == 1.9 and fast["burst_calls"]["translator"]["batch_sizes"] == [16]
    assert fast["latency_model_s"] == 0.4 and "outputs" not in fast
    rows = {row["target"]: row for row in summary["targets"]}
    row = rows["burst wall time / burst model time (optimised)"]
    assert row["value"] == pytest.approx(2.0 / 1.9) and row["met"]
    line = model_time_line(fast)
    assert "= 1.05×" in line and "translator 1 call (16)" in line
    assert summary["baseline"]["burst"] == 16  # --no-baseline: a row of NaNs, same keys
    assert model_time_line(summary["baseline"]) == ""


def test_the_timed_pipeline_accounts_every_message_in_its_model_calls() -> None:
    result = burst_overhead(burst=8, repeats=1)
    (run,) = result["runs"]
    assert set(run["calls"]) == {"tagger", "translator", "encoder"}
    assert sum(run["calls"]["tagger"]["batch_sizes"]) == 8  # one sentence list per message
    assert 0 < run["model_s"] <= run["wall_s"]


def _arrive(batcher: MicroBatcher, delays: list[float]) -> list[list[int]]:
    """One caller per delay (seconds after the start), each submitting its index."""
    start = time.monotonic()

    def call(i: int) -> list[int]:
        time.sleep(max(0.0, start + delays[i] - time.monotonic()))
        return batcher.submit("k", [i])

    with ThreadPoolExecutor(len(delays)) as pool:
        return list(pool.map(call, range(len(delays))))


def test_callers_that_keep_arriving_within_the_window_go_in_one_call() -> None:
    seen: list[list[int]] = []
    batcher = MicroBatcher(lambda key, items: seen.append(list(items)) or items, window_s=0.2)
    # 0.1 s apart: a window counted from the first caller (0.2 s) would have split them after the third
    assert _arrive(batcher, [0.0, 0.1, 0.2, 0.3]) == [[0], [1], [2], [3]]
    assert seen == [[0, 1, 2, 3]] and batcher.batches == [4]


def test_a_gathering_stops_at_four_windows_after_its_first_caller() -> None:
    seen: list[list[int]] = []
    batcher = MicroBatcher(lambda key, items: seen.append(list(items)) or items, window_s=0.2)
    _arrive(batcher, [0.0, 0.1, 0.2, 0.3, 0.4, 1.1, 1.2])  # a trickle; the cap (0.8 s) ends the first call
    assert len(seen) >= 2 and seen[0][:4] == [0, 1, 2, 3] and 6 not in seen[0]
    assert sorted(i for call in seen for i in call) == list(range(7))


def test_callers_that_queue_while_the_gate_is_held_go_in_one_call_once_it_frees() -> None:
    gate = threading.BoundedSemaphore(1)
    held, release = threading.Event(), threading.Event()

    def slow(key, items):
        held.set()
        release.wait(5)
        return items

    other = MicroBatcher(slow, window_s=0.001, gate=gate, name="other")
    seen: list[list[int]] = []
    batcher = MicroBatcher(lambda key, items: seen.append(list(items)) or items, window_s=0.01, gate=gate)
    with ThreadPoolExecutor(4) as pool:
        blocking = pool.submit(other.submit, "k", [0])
        held.wait(5)
        first = pool.submit(batcher.submit, "k", [1])
        time.sleep(0.1)  # well past the first caller's window: it now waits for the gate
        second = pool.submit(batcher.submit, "k", [2])
        time.sleep(0.1)
        release.set()
        assert blocking.result() == [0] and first.result() == [1] and second.result() == [2]
    assert seen == [[1, 2]]  # taken once the gate was held, not when the window ended


def test_a_call_takes_at_most_max_items_from_the_queue() -> None:
    seen: list[list[int]] = []
    gate = threading.BoundedSemaphore(1)
    gate.acquire()  # hold the gate so that every caller queues first
    batcher = MicroBatcher(lambda key, items: seen.append(list(items)) or items, window_s=0.001, max_items=2, gate=gate)
    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(batcher.submit, "k", [i]) for i in range(3)]
        while sum(len(items) for _, items, *_ in batcher._pending) < 3:
            time.sleep(0.005)
        gate.release()
        assert [f.result() for f in futures] == [[0], [1], [2]]
    assert sorted(map(len, seen)) == [1, 2] and sorted(i for call in seen for i in call) == [0, 1, 2]


def test_a_caller_back_from_a_model_call_of_the_same_pipeline_does_not_wait_for_the_window() -> None:
    gate = threading.BoundedSemaphore(1)
    window = 0.5
    tag = MicroBatcher(lambda key, items: items, window_s=window, gate=gate, name="tag")
    translate = MicroBatcher(lambda key, items: items, window_s=window, gate=gate, name="translate")
    started = time.monotonic()
    tag.submit("k", [1])
    first = time.monotonic() - started
    started = time.monotonic()
    translate.submit("k", [1])  # the same thread, back from the tagger: nobody else can be coming
    second = time.monotonic() - started
    assert first >= window  # a fresh caller waits the window for company
    assert second < window / 2  # 0.25 s covers a loaded machine; the window would have been 0.5 s
    alone = MicroBatcher(lambda key, items: items, window_s=window, name="alone")  # another pipeline (no shared gate)
    started = time.monotonic()
    alone.submit("k", [1])
    assert time.monotonic() - started >= window
