"""A language's look: character trigrams of a weighted word list, for words no list holds."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping


class CharTrigrams:
    """Average per-character log-probability under a trigram model of a weighted word list (add-one smoothed)."""

    def __init__(self, weights: Mapping[str, float]):
        counts: defaultdict[str, float] = defaultdict(float)
        context: defaultdict[str, float] = defaultdict(float)
        for word, weight in weights.items():
            padded = f"^^{word}$"
            for i in range(len(padded) - 2):
                counts[padded[i : i + 3]] += weight
                context[padded[i : i + 2]] += weight
        self.counts, self.context = dict(counts), dict(context)
        self.alphabet = len({c for gram in counts for c in gram}) + 1

    def score(self, word: str) -> float:
        padded = f"^^{word}$"
        total = 0.0
        for i in range(len(padded) - 2):
            gram = padded[i : i + 3]
            total += math.log((self.counts.get(gram, 0.0) + 1.0) / (self.context.get(gram[:2], 0.0) + self.alphabet))
        return total / (len(padded) - 2)
