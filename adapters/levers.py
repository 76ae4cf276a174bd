"""The memory and speed levers of the model adapters, which the bench turns off one at a time to measure each.

In use every lever is on. ``mixlingo bench`` and ``scripts/bench_levers.py`` pass the ones to turn off to
a run's child process (``BenchOptions.levers_off``), which calls :func:`turn_off` before it loads a model.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

Lever = Literal["spin", "trim", "words", "sources"]
"""spin: ONNX Runtime's idle threads block instead of spinning; trim: the heap is trimmed after each load;
words: BERT's word-embedding table is kept outside the graph, memory-mapped; sources: the tagger's forward
also gives the reranker the source's sentence vector."""
LEVERS: tuple[Lever, ...] = get_args(Lever)

_off: frozenset[Lever] = frozenset()


def turn_off(levers: Iterable[Lever]) -> None:
    """Run this process without ``levers`` (all of them on again with an empty list)."""
    global _off
    wanted = frozenset(levers)
    unknown = sorted(set(wanted) - set(LEVERS))
    if unknown:
        raise ValueError(f"unknown levers {', '.join(unknown)}; the levers are {', '.join(LEVERS)}")
    _off = wanted


def is_on(lever: Lever) -> bool:
    return lever not in _off
