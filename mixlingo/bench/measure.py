"""Measuring one bench variant: the warm-up / latency / burst loop, model-time accounting, the figures.

A leaf module (nothing from the other ``mixlingo.bench`` modules): the optimised and
baseline pipelines, the translation floor and the naive batched reference all measure
through :func:`measure` and return the same :class:`Figures`, whose field names are the
figures' keys everywhere (``--json``, the targets, the tables).

Model time is the time during which at least one model call runs: a :class:`ModelClock`
wraps each model at its protocol boundary (``Tagger.tag_batch``, ``Translator.translate``,
``Encoder.embed`` — under a micro-batcher, the batcher's inner call, i.e. one record per
merged model call) and records each call's interval and batch size; overlapping calls
count once (:func:`union_seconds`). Wall time over model time is what the pipeline adds
around its models: Python stages, micro-batch windows, thread hand-offs.
"""

from __future__ import annotations

import contextlib
import functools
import statistics
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


# --- memory ----------------------------------------------------------------------------


def _proc_status_mib(name: str) -> float | None:
    """A memory figure of this process from /proc/self/status (Linux), in MiB; None where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{name}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mib() -> float:
    """Resident memory now (VmRSS), for the per-stage breakdown."""
    found = _proc_status_mib("VmRSS")
    return float("nan") if found is None else found


def peak_rss_mib() -> float:
    """The process's peak resident memory (VmHWM; ru_maxrss where /proc has none)."""
    found = _proc_status_mib("VmHWM")
    if found is not None:
        return found
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default); NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- model time --------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelCall:
    model: str
    """``tagger``, ``translator`` or ``encoder``."""
    start: float
    end: float
    """``time.perf_counter()`` at the call's start and end."""
    size: int
    """Items in the call: sentences tagged, texts translated, texts embedded."""


def union_seconds(intervals: Sequence[tuple[float, float]]) -> float:
    """Total length covered by at least one interval (overlapping intervals count once)."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(intervals):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def calls_by_model(calls: Sequence[ModelCall]) -> dict[str, dict[str, Any]]:
    """Per model, in order of first call: how many calls, the batch size of each (in start order) and the
    seconds its calls ran (their union)."""
    out: dict[str, dict[str, Any]] = {}
    for call in sorted(calls, key=lambda c: c.start):
        entry = out.setdefault(call.model, {"calls": 0, "batch_sizes": [], "seconds": 0.0})
        entry["calls"] += 1
        entry["batch_sizes"].append(call.size)
    for model, entry in out.items():
        entry["seconds"] = union_seconds([(c.start, c.end) for c in calls if c.model == model])
    return out


class ModelClock:
    """Records every model call's interval. :meth:`watch` wraps one method of one object (an
    instance attribute, so the class and other instances are untouched)."""

    def __init__(self) -> None:
        self.calls: list[ModelCall] = []
        self._lock = threading.Lock()

    def record(self, model: str, start: float, end: float, size: int) -> None:
        with self._lock:
            self.calls.append(ModelCall(model, start, end, size))

    def watch(self, owner: object, method: str, model: str, size: Callable[..., int] | None = None) -> None:
        """Time ``owner.method`` as a call of ``model``; ``size(*args)`` gives the batch size (default: len of
        the first argument)."""
        inner = getattr(owner, method)
        count = size or (lambda items, *_, **__: len(items))

        @functools.wraps(inner)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.record(model, started, time.perf_counter(), count(*args, **kwargs))

        setattr(owner, method, timed)

    def since(self, mark: int) -> list[ModelCall]:
        with self._lock:
            return list(self.calls[mark:])

    def mark(self) -> int:
        with self._lock:
            return len(self.calls)


def watch_pipeline(clock: ModelClock, pipeline: Any) -> None:
    """Wrap the models of a translate pipeline at their protocol calls (the micro-batchers' inner calls
    where the parts are batched, so one record is one merged model call)."""

    def inner(part: Any) -> Any:
        return getattr(part, "inner", part)  # a micro-batching wrapper calls its inner part

    names = pipeline.pipe_names
    if "tag" in names:
        for tagger in pipeline.get_pipe("tag").taggers:
            clock.watch(inner(tagger), "tag_batch", "tagger")
    if "translate" in names:
        clock.watch(inner(pipeline.get_pipe("translate").translator), "translate", "translator")
    if "rerank" in names:
        clock.watch(inner(pipeline.get_pipe("rerank").encoder), "embed", "encoder")


# --- the figures -------------------------------------------------------------------------


@dataclass
class Figures:
    """What one variant measured. The field names are the figures' keys (``--json``, targets, tables)."""

    variant: str
    latency_p50_s: float
    latency_p95_s: float
    latency_mean_s: float
    latency_model_s: float | None
    """Mean seconds per message during which a model call ran (None: the variant has no clock)."""
    latency_calls: dict[str, dict[str, Any]]
    """Model calls over all single-message runs: per model, how many and their batch sizes."""
    burst: int
    burst_workers: int
    burst_s: float
    burst_msgs_per_s: float
    burst_model_s: float | None
    """Seconds of the burst during which at least one model call ran (overlaps counted once)."""
    burst_calls: dict[str, dict[str, Any]]
    """The burst's model calls: per model, how many and the batch size of each."""
    peak_rss_mib: float
    repeat_p50_s: float | None = None
    load_s: float | None = None
    backends: dict[str, Any] = field(default_factory=dict)
    stage_mean_s: dict[str, float] = field(default_factory=dict)
    rss_by_stage_mib: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    outputs: list[str | None] = field(default_factory=list)
    leads: list[float] = field(default_factory=list)
    units: list[list[tuple[str, str]]] = field(default_factory=list)
    """Per message, the (language, source) units it translated (the floor translates exactly these)."""

    PER_MESSAGE = ("outputs", "leads", "units")

    @property
    def burst_wall_over_model(self) -> float | None:
        return self.burst_s / self.burst_model_s if self.burst_model_s else None

    @property
    def latency_wall_over_model(self) -> float | None:
        return self.latency_mean_s / self.latency_model_s if self.latency_model_s else None

    def as_dict(self, *, per_message: bool = False) -> dict[str, Any]:
        """The figures as JSON-ready keys (the wall/model ratios included); the per-message lists on request."""
        out = asdict(self)
        if not per_message:
            for key in self.PER_MESSAGE:
                out.pop(key)
        out["burst_wall_over_model"] = self.burst_wall_over_model
        out["latency_wall_over_model"] = self.latency_wall_over_model
        return out


@dataclass
class Measured(Generic[Result]):
    figures: Figures
    results: list[Result]
    """What ``one`` returned for each item of the latency run, in order."""


def measure(
    variant: str,
    items: Sequence[Item],
    one: Callable[[Item], Result],
    run_burst: Callable[[list[Item]], object],
    *,
    burst: int,
    burst_workers: int = 1,
    clock: ModelClock | None = None,
    events: Any = None,
    warm_up: int = 2,
    after_warm_up: Callable[[], None] | None = None,
    during_latency: Callable[[], contextlib.AbstractContextManager[object]] | None = None,
) -> Measured[Result]:
    """Warm up on the first ``warm_up`` items, run every item one at a time (latency), then
    ``burst`` items (cycling) through ``run_burst`` at once (throughput); ``events`` (a queue)
    gets ("phase", text) and ("advance", n) as it goes. Model time comes from ``clock``."""

    def say(kind: str, value: object) -> None:
        if events is not None:
            events.put((kind, value))

    for item in items[:warm_up]:
        one(item)
    if after_warm_up is not None:
        after_warm_up()
    say("advance", min(warm_up, len(items)))
    say("phase", f"{variant}: one message at a time")
    latencies: list[float] = []
    model_s: list[float] = []
    single_calls: list[ModelCall] = []
    results: list[Result] = []
    with during_latency() if during_latency is not None else contextlib.nullcontext():
        for item in items:
            mark = clock.mark() if clock else 0
            started = time.perf_counter()
            results.append(one(item))
            latencies.append(time.perf_counter() - started)
            if clock is not None:
                calls = clock.since(mark)
                single_calls += calls
                model_s.append(union_seconds([(c.start, c.end) for c in calls]))
            say("advance", 1)
    say("phase", f"{variant}: burst of {burst} ({burst_workers} worker{'s' if burst_workers != 1 else ''})")
    burst_items = [items[i % len(items)] for i in range(burst)]
    mark = clock.mark() if clock else 0
    started = time.perf_counter()
    run_burst(burst_items)
    burst_s = time.perf_counter() - started
    burst_calls = clock.since(mark) if clock else []
    say("advance", burst)
    figures = Figures(
        variant=variant,
        latency_p50_s=percentile(latencies, 50),
        latency_p95_s=percentile(latencies, 95),
        latency_mean_s=statistics.fmean(latencies),
        latency_model_s=statistics.fmean(model_s) if clock is not None else None,
        latency_calls=calls_by_model(single_calls),
        burst=burst,
        burst_workers=burst_workers,
        burst_s=burst_s,
        burst_msgs_per_s=burst / burst_s,
        burst_model_s=union_seconds([(c.start, c.end) for c in burst_calls]) if clock is not None else None,
        burst_calls=calls_by_model(burst_calls),
        peak_rss_mib=peak_rss_mib(),
    )
    return Measured(figures, results)


@contextlib.contextmanager
def hooked(hooks: list[Any], hook: Any) -> Iterator[None]:
    """``hook`` in ``hooks`` while the block runs (a pipeline's stage hooks)."""
    hooks.append(hook)
    try:
        yield
    finally:
        hooks.remove(hook)


def preload_directions(translator: Any, settings: Any) -> None:
    """Load every configured direction (a burst only uses es→en; the memory target counts both)."""
    for direction in settings.models.translation:
        source, target = direction.split("-", 1)
        if source != "mul":
            translator.translate(["hola"], source, target, 1)
