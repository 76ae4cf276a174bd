"""Many-to-many alignment of spelling pairs by EM: which letters of a romanization write which Devanagari.

A transliteration pair like ``namaste`` / ``नमस्ते`` has no given alignment, and the units differ in
length on both sides (``aa`` is one vowel sign, ``स्`` is two code points for one ``s``). Expectation
maximization over every way to cut both strings into chunks of 1–``max_chunk`` characters finds the
chunk pairs ("graphones") that explain the whole lexicon best; the best cut of each pair is then the
training sequence for the graphone n-gram. Both sides always take at least one character, so the same
graphones decode in either direction without inventing letters out of nothing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

Graphone = tuple[str, str]
"""(Latin chunk, Devanagari chunk)."""

Progress = Callable[[str, int, int], None]


def _edges(source: str, target: str, i: int, j: int, max_chunk: int) -> Iterable[tuple[int, int, Graphone]]:
    """Chunk pairs that end at (i, j): (start in source, start in target, graphone)."""
    for a in range(1, min(max_chunk, i) + 1):
        piece = source[i - a : i]
        for b in range(1, min(max_chunk, j) + 1):
            yield i - a, j - b, (piece, target[j - b : j])


def _expected_counts(
    source: str, target: str, weight: float, table: dict[Graphone, float], counts: defaultdict[Graphone, float], max_chunk: int
) -> None:
    """Add this pair's posterior chunk counts (forward–backward over the chunk lattice) to ``counts``."""
    n, m = len(source), len(target)
    forward = [[0.0] * (m + 1) for _ in range(n + 1)]
    forward[0][0] = 1.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            total = 0.0
            for pi, pj, pair in _edges(source, target, i, j, max_chunk):
                if forward[pi][pj]:
                    total += forward[pi][pj] * table.get(pair, 0.0)
            forward[i][j] = total
    whole = forward[n][m]
    if whole <= 0.0:
        return
    backward = [[0.0] * (m + 1) for _ in range(n + 1)]
    backward[n][m] = 1.0
    for i in range(n, 0, -1):
        for j in range(m, 0, -1):
            if not backward[i][j]:
                continue
            for pi, pj, pair in _edges(source, target, i, j, max_chunk):
                p = table.get(pair, 0.0)
                if p and forward[pi][pj]:
                    backward[pi][pj] += p * backward[i][j]
                    counts[pair] += weight * forward[pi][pj] * p * backward[i][j] / whole


def _normalized(counts: dict[Graphone, float], floor: float) -> dict[Graphone, float]:
    total = sum(counts.values())
    return {pair: c / total for pair, c in counts.items() if c / total >= floor}


def train_alignment(
    pairs: Sequence[tuple[str, str, float]], *, max_chunk: int = 3, iterations: int = 5, progress: Progress | None = None
) -> dict[Graphone, float]:
    """Graphone probabilities learned from (source, target, weight) pairs by ``iterations`` EM passes."""
    counts: defaultdict[Graphone, float] = defaultdict(float)
    for source, target, weight in pairs:  # start: every chunk pair the lattices contain, counted once per pair
        for i in range(1, len(source) + 1):
            for j in range(1, len(target) + 1):
                for _pi, _pj, pair in _edges(source, target, i, j, max_chunk):
                    counts[pair] += weight
    table = _normalized(counts, 0.0)
    for iteration in range(iterations):
        counts = defaultdict(float)
        for done, (source, target, weight) in enumerate(pairs):
            _expected_counts(source, target, weight, table, counts, max_chunk)
            if progress and done % 5000 == 0:
                progress(f"aligning (EM pass {iteration + 1}/{iterations})", iteration * len(pairs) + done, iterations * len(pairs))
        table = _normalized(counts, 1e-7)
    return table


def best_alignment(source: str, target: str, table: dict[Graphone, float], max_chunk: int = 3) -> list[Graphone] | None:
    """The most probable cut of a pair into graphones, or None when no cut uses known graphones only."""
    n, m = len(source), len(target)
    best: list[list[tuple[float, int, int, Graphone | None]]] = [[(-math.inf, 0, 0, None)] * (m + 1) for _ in range(n + 1)]
    best[0][0] = (0.0, 0, 0, None)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            for pi, pj, pair in _edges(source, target, i, j, max_chunk):
                p = table.get(pair)
                if p and best[pi][pj][0] > -math.inf:
                    score = best[pi][pj][0] + math.log(p)
                    if score > best[i][j][0]:
                        best[i][j] = (score, pi, pj, pair)
    if best[n][m][0] == -math.inf:
        return None
    path: list[Graphone] = []
    i, j = n, m
    while (i, j) != (0, 0):
        _score, pi, pj, step = best[i][j]
        assert step is not None
        path.append(step)
        i, j = pi, pj
    return path[::-1]
