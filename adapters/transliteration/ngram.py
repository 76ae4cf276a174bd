"""An interpolated Kneser–Ney n-gram over token ids, stored in backoff form for fast lookups.

The transliteration model is a language model over graphones (aligned chunk pairs): the probability of
a spelling pair is the product of each graphone given the few before it. Kneser–Ney keeps the rare
contexts honest (a chunk seen after many different chunks is a better guess in a new context than one
seen often after one), and the backoff form (probability of each seen n-gram, one weight per context)
makes scoring a dictionary lookup or two, with nothing to add up at run time.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

BOUNDARY = 0
"""Token id that starts and ends every sequence."""

Gram = tuple[int, ...]


_MULTIPLIER = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1


def gram_key(gram: Sequence[int]) -> int:
    """64-bit key of an n-gram: (id + 1) digits in base ``_MULTIPLIER``, wrapping; ids shift by one so 0 counts."""
    key = 0
    for token in gram:
        key = (key * _MULTIPLIER + token + 1) & _MASK
    return key


def _array_keys(grams: np.ndarray) -> np.ndarray:
    keys = np.zeros(len(grams), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in grams.T:
            keys = keys * np.uint64(_MULTIPLIER) + column.astype(np.uint64) + np.uint64(1)
    return keys


Context = list[tuple[int, float]]
"""Per usable context length, longest first: (key prefix for n-grams in that context, backoff paid to get there)."""


@dataclass
class NGramModel:
    """Log probabilities (natural log) of seen n-grams and log backoff weights of their contexts.

    Kept as the tuples they were trained from (``logprob``, ``backoff``) or, once loaded, as dictionaries
    keyed by 64-bit :func:`gram_key` values, which build from arrays in a fraction of the time tuples take."""

    order: int
    vocab_size: int
    logprob: dict[Gram, float]
    backoff: dict[Gram, float]
    _keyed: tuple[dict[int, float], dict[int, float]] | None = None

    def keyed(self) -> tuple[dict[int, float], dict[int, float]]:
        if self._keyed is None:
            self._keyed = ({gram_key(g): p for g, p in self.logprob.items()}, {gram_key(c): w for c, w in self.backoff.items()})
        return self._keyed

    def context(self, history: Gram) -> Context:
        """What :meth:`score_in` needs to score any token after ``history`` (at most ``order - 1`` ids, oldest first)."""
        _logprob, backoff = self.keyed()
        prefixes = [0]
        for token in reversed(history):  # suffix keys, shortest first: key(x + s) = key(s) + (x + 1)·M^len(s)
            prefixes.append((prefixes[-1] + (token + 1) * pow(_MULTIPLIER, len(prefixes) - 1, 1 << 64)) & _MASK)
        context: Context = []
        penalty = 0.0
        for suffix in reversed(prefixes):
            context.append(((suffix * _MULTIPLIER) & _MASK, penalty))
            penalty += backoff.get(suffix, 0.0) if suffix else 0.0
        context.append((-1, penalty + backoff.get(0, 0.0)))
        return context

    def score_in(self, context: Context, token: int) -> float:
        """log p(token | the history ``context`` was made from)."""
        logprob = self.keyed()[0]
        for prefix, penalty in context[:-1]:
            found = logprob.get((prefix + token + 1) & _MASK)
            if found is not None:
                return penalty + found
        return context[-1][1] - math.log(self.vocab_size)

    def score(self, history: Gram, token: int) -> float:
        """log p(token | history); ``history`` holds at most ``order - 1`` ids, oldest first."""
        return self.score_in(self.context(history), token)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Arrays per order (``gram{k}``, ``logp{k}``, ``ctx{k}``, ``bow{k}``) for ``numpy.savez``."""
        if self.vocab_size > 65535:
            raise ValueError("more than 65,535 tokens do not fit the 16-bit ids this format stores")
        arrays: dict[str, np.ndarray] = {"meta": np.array([self.order, self.vocab_size], dtype=np.int64)}
        for k in range(1, self.order + 1):
            grams = [g for g in self.logprob if len(g) == k]
            contexts = [c for c in self.backoff if len(c) == k]
            arrays[f"gram{k}"] = np.array(grams, dtype=np.uint16).reshape(len(grams), k)
            arrays[f"logp{k}"] = np.array([self.logprob[g] for g in grams], dtype=np.float32)
            arrays[f"ctx{k}"] = np.array(contexts, dtype=np.uint16).reshape(len(contexts), k)
            arrays[f"bow{k}"] = np.array([self.backoff[c] for c in contexts], dtype=np.float32)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> NGramModel:
        order, vocab_size = (int(v) for v in arrays["meta"])
        logprob: dict[int, float] = {}
        backoff: dict[int, float] = {}
        for k in range(1, order + 1):
            logprob.update(zip(_array_keys(arrays[f"gram{k}"]).tolist(), arrays[f"logp{k}"].tolist()))
            backoff.update(zip(_array_keys(arrays[f"ctx{k}"]).tolist(), arrays[f"bow{k}"].tolist()))
        return cls(order, vocab_size, {}, {}, (logprob, backoff))


def _discount(counts: Iterable[float]) -> float:
    """Kneser–Ney's single discount, n1 / (n1 + 2 n2), from how many n-grams were seen once and twice."""
    seen = Counter(round(c) for c in counts)
    n1, n2 = seen.get(1, 0), seen.get(2, 0)
    return n1 / (n1 + 2 * n2) if n1 and n2 else 0.5


def train_ngram(sequences: Iterable[Sequence[int]], order: int, vocab_size: int, *, min_count: int = 1) -> NGramModel:
    """Interpolated Kneser–Ney over ``sequences`` (ids 1..vocab_size-1; 0 marks both ends).

    ``min_count`` > 1 leaves out n-grams of order 3 and up seen fewer times than that (their
    probability then comes from the shorter context, as for any unseen n-gram): a much smaller model
    that loads faster, for a small loss."""
    top: Counter[Gram] = Counter()
    for sequence in sequences:
        padded = (BOUNDARY, *sequence, BOUNDARY)
        for end in range(1, len(padded)):
            for k in range(1, min(order, end + 1) + 1):
                gram = padded[end + 1 - k : end + 1]
                if k == order or gram[0] == BOUNDARY and len(gram) == end + 1:
                    top[gram] += 1  # raw counts: the highest order, and n-grams that start at the boundary
    counts: dict[int, Counter[Gram]] = {k: Counter() for k in range(1, order + 1)}
    for gram, c in top.items():
        counts[len(gram)][gram] += c
    for k in range(order, 1, -1):  # continuation counts: how many different tokens come before each shorter n-gram
        for gram in counts[k]:
            counts[k - 1][gram[1:]] += 1
    logprob: dict[Gram, float] = {}
    backoff: dict[Gram, float] = {}
    lower: dict[Gram, float] = {}
    for k in range(1, order + 1):
        discount = _discount(counts[k].values())
        totals: defaultdict[Gram, float] = defaultdict(float)
        types: Counter[Gram] = Counter()
        for gram, c in counts[k].items():
            totals[gram[:-1]] += c
            types[gram[:-1]] += 1
        current: dict[Gram, float] = {}
        for gram, c in counts[k].items():
            context = gram[:-1]
            rest = discount * types[context] / totals[context]
            below = lower[gram[1:]] if k > 1 else 1.0 / vocab_size
            current[gram] = max(c - discount, 0.0) / totals[context] + rest * below
        for context, total in totals.items():
            backoff[context] = math.log(discount * types[context] / total)
        logprob.update((gram, math.log(p)) for gram, p in current.items() if k < 3 or counts[k][gram] >= min_count)
        lower = current
    prefixes = {gram[:-1] for gram in logprob}
    backoff = {context: weight for context, weight in backoff.items() if context in prefixes}
    return NGramModel(order, vocab_size, logprob, backoff)
