"""Dynamic micro-batching: concurrent model calls are gathered for a few milliseconds and run
as one batch per model.

A burst of messages in a busy channel reaches the pipeline from several worker
threads at once; each thread still runs its message stage by stage, but the
wrappers below hand every model call to one gathering thread per model, which
gathers callers until none has come for ``window_s`` (see :class:`MicroBatcher`), merges
what arrived (up to ``max_items``) by key (direction, language pair), runs it once and
hands each caller its rows.
Batched inference on CPU costs far less per item than one call per message.
"""

from __future__ import annotations

import contextlib
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from typing import Any, Generic, Protocol, TypeVar

import numpy as np

from mixlingo.nlp.tagging import Tag, Tagger
from mixlingo.nlp.translation import Candidate, Encoder, Translator


class MicroBatcher:
    """Runs ``run(key, items) -> results`` (one result per item) over the items of concurrent callers.

    When to run (measured with model parts of known call time, ``mixlingo.bench.fakes``): a burst's
    callers do not arrive at once — each runs its own Python stages first, on the same GIL — so a
    window counted from the first caller split a burst of 16 into [1, 15] or [2, 3, 11], and the
    first message then ran one stage ahead of the rest, alone, through every model. So:

    - the window is a *quiet gap*: the call runs ``window_s`` after the latest arrival, not the first,
      while callers keep coming, up to ``4 × window_s`` after the first (a lone caller waits ``window_s``,
      as before);
    - with a ``gate``, the batcher takes its callers only once it holds the gate: whoever queued while
      another model ran goes in this call, not the next;
    - callers coming back from a model call of the same pipeline (the batchers sharing a gate) are
      *expected*: once every caller is such a returner and no other returner of the last
      ``4 × window_s`` is still between two calls, the call runs without waiting for the gap (a
      message's translation and rerank calls go at once; so do a burst's, once all have arrived).
    """

    WAIT_CAP = 4
    """A gathering waits at most this many windows after its first caller."""

    def __init__(
        self, run: Callable[[Any, list], list], *, window_s: float = 0.005, max_items: int = 64, name: str = "batch",
        gate: threading.Semaphore | None = None,
    ):
        """``gate``: shared by the batchers of one pipeline, so at most that many model calls run at once
        (each already uses every core: two at once only fight over them). Callers keep queueing meanwhile."""
        self.run, self.window_s, self.max_items, self.name, self.gate = run, window_s, max_items, name, gate
        self._pending: list[tuple[Hashable, list, Future, float, bool]] = []
        """(key, items, future, arrival time, a returner?): the oldest first; calls that queued while the
        previous batch ran are past their window and go at once (continuous batching)."""
        self._group = _Group.of(gate, self)
        self._last_at = 0.0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self.batches: list[int] = []
        """Size (callers merged) of each model call made, for tests and the bench."""

    def submit(self, key: Hashable, items: Sequence) -> list:
        """Blocks until this caller's results are ready; exceptions reach every caller of that batch."""
        if not items:
            return []
        future: Future = Future()
        ident = threading.get_ident()
        with self._cond:
            self._last_at = time.monotonic()
            returner = self._group.called(ident, self._last_at, self.WAIT_CAP * self.window_s)
            self._pending.append((key, list(items), future, self._last_at, returner))
            self._group.register(future, ident)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=f"mixlingo-{self.name}", daemon=True)
                self._thread.start()
            self._cond.notify_all()
        self._group.wake(self)  # a batcher waiting for this returner may go now
        return future.result()

    def _gathered(self) -> bool:
        """Enough items, or the window has passed since the latest caller (or the cap since the first)."""
        if sum(len(entry[1]) for entry in self._pending) >= self.max_items:
            return True
        now = time.monotonic()
        horizon = self.WAIT_CAP * self.window_s
        if all(entry[4] for entry in self._pending) and not self._group.outstanding(now, horizon):
            return True  # every caller came back from a model call, and nobody else is on the way
        deadline = min(self._last_at + self.window_s, self._pending[0][3] + horizon)
        left = deadline - now
        if left > 0:
            self._cond.wait(left)
            return False
        return True

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._pending or not self._gathered():
                    if not self._pending:
                        self._cond.wait()
            with self.gate or contextlib.nullcontext():
                with self._cond:  # taken once the gate is held: callers that queued meanwhile come along
                    key, calls = self._take()
                self._run_group(key, calls)

    def _take(self) -> tuple[Hashable, list[tuple[list, Future]]]:
        """The oldest caller's key: its callers in arrival order, up to ``max_items`` items (at least one call)."""
        key = self._pending[0][0]
        calls: list[tuple[list, Future]] = []
        rest, size = [], 0
        for entry in self._pending:
            if entry[0] == key and (not calls or size + len(entry[1]) <= self.max_items):
                calls.append((entry[1], entry[2]))
                size += len(entry[1])
            else:
                rest.append(entry)
        self._pending = rest
        return key, calls

    def _run_group(self, key: Hashable, calls: list[tuple[list, Future]]) -> None:
        merged = [item for items, _ in calls for item in items]
        try:
            results = list(self.run(key, merged))
            if len(results) != len(merged):
                raise RuntimeError(f"{self.name}: {len(results)} results for {len(merged)} items")
        except BaseException as error:  # handed to the callers, who raise it
            for _, future in calls:
                future.set_exception(error)
            return
        self.batches.append(len(calls))
        self._group.back([future for _, future in calls])
        offset = 0
        for items, future in calls:
            future.set_result(results[offset : offset + len(items)])
            offset += len(items)


class _Group:
    """The batchers sharing one gate (one pipeline's models) and the threads between two of their calls."""

    _by_gate: weakref.WeakKeyDictionary[object, _Group] = weakref.WeakKeyDictionary()
    _guard = threading.Lock()

    def __init__(self) -> None:
        self.batchers: weakref.WeakSet[MicroBatcher] = weakref.WeakSet()
        self.returned: dict[int, float] = {}
        """Thread id → when its last call's results were handed back (it has not called again since)."""
        self.callers: dict[int, int] = {}
        """id(future) → the thread that waits on it."""
        self.lock = threading.Lock()

    @classmethod
    def of(cls, gate: object | None, batcher: MicroBatcher) -> _Group:
        with cls._guard:
            group = cls._by_gate.setdefault(gate, cls()) if gate is not None else cls()
            group.batchers.add(batcher)
            return group

    def called(self, ident: int, now: float, horizon: float) -> bool:
        """This thread calls again: was it a returner (back from a call of this group within ``horizon``)?"""
        with self.lock:
            back = self.returned.pop(ident, None)
            return back is not None and now - back < horizon

    def register(self, future: Future, ident: int) -> None:
        with self.lock:
            self.callers[id(future)] = ident

    def back(self, futures: list[Future]) -> None:
        now = time.monotonic()
        with self.lock:
            for future in futures:
                ident = self.callers.pop(id(future), None)
                if ident is not None:
                    self.returned[ident] = now

    def outstanding(self, now: float, horizon: float) -> int:
        """Returners of the last ``horizon`` seconds that have not called again."""
        with self.lock:
            for ident in [i for i, at in self.returned.items() if now - at >= horizon]:
                del self.returned[ident]
            return len(self.returned)

    def wake(self, caller: MicroBatcher) -> None:
        for batcher in list(self.batchers):
            if batcher is not caller:
                with batcher._cond:
                    batcher._cond.notify_all()


class _Describes(Protocol):
    @property
    def notes(self) -> list[str]: ...

    def describe(self) -> str: ...


Part = TypeVar("Part", bound=_Describes)


class _Batched(Generic[Part]):
    """What every wrapper below shares: it hands calls to its batcher and speaks for the part it wraps."""

    def __init__(self, inner: Part, batcher: MicroBatcher):
        self.inner, self.batcher = inner, batcher

    @property
    def notes(self) -> list[str]:
        return self.inner.notes

    def describe(self) -> str:
        return f"{self.inner.describe()}, micro-batched"


class BatchingTranslator(_Batched[Translator]):
    """A :class:`Translator` whose concurrent calls for one direction and n become one call."""

    def __init__(self, inner: Translator, *, window_s: float = 0.005, max_items: int = 64, gate: threading.Semaphore | None = None):
        super().__init__(inner, MicroBatcher(
            lambda key, texts: inner.translate(texts, key[0], key[1], key[2]),
            window_s=window_s, max_items=max_items, name="translate", gate=gate,
        ))

    def has_direction(self, source: str, target: str) -> bool:
        return self.inner.has_direction(source, target)

    def translate(self, texts: Sequence[str], source: str, target: str, n: int) -> list[list[Candidate]]:
        return self.batcher.submit((source, target, n), texts)


class BatchingEncoder(_Batched[Encoder]):
    """An :class:`Encoder` whose concurrent calls become one (sources and candidates of every message)."""

    def __init__(self, inner: Encoder, *, window_s: float = 0.005, max_items: int = 256, gate: threading.Semaphore | None = None):
        super().__init__(inner, MicroBatcher(
            lambda _, texts: list(inner.embed(texts)), window_s=window_s, max_items=max_items, name="embed", gate=gate
        ))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = self.batcher.submit(None, texts)
        return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)


class BatchingTagger(_Batched[Tagger]):
    """A :class:`Tagger` whose concurrent calls for one language pair become one."""

    def __init__(self, inner: Tagger, *, window_s: float = 0.005, max_items: int = 64, gate: threading.Semaphore | None = None):
        super().__init__(inner, MicroBatcher(
            lambda pair, sentences: inner.tag_batch(sentences, pair), window_s=window_s, max_items=max_items, name="tag",
            gate=gate,
        ))
        self.name = inner.name

    def languages(self) -> tuple[str, ...] | None:
        return self.inner.languages()

    def tag_batch(self, sentences: Sequence[Sequence[str]], pair: tuple[str, str] | None = None) -> list[list[Tag]]:
        return self.batcher.submit(pair, [list(s) for s in sentences])
