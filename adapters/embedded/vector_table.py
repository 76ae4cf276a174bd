"""A bounded cache of per-key vectors, gathered by index in one numpy call.

Both halves of the embedded tagger score a token from things that depend only on its
string (the network's input vector, the CRF's per-(word, offset) scores). Cached here,
a batch costs one dictionary lookup per token plus one gather, and a word is computed
once however often it recurs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

import numpy as np


class VectorTable:
    """Row 0 is all zeros: the id of "nothing here" (a missing neighbour, padding)."""

    def __init__(self, width: int, limit: int):
        self.width, self.limit = width, limit
        self.ids: dict[Hashable, int] = {}
        self.table = np.zeros((1024, width), dtype=np.float32)

    def ensure(self, keys: Iterable[Hashable], compute: Callable[[list], np.ndarray]) -> None:
        """Compute, in one call, the vectors of the keys not yet in the table."""
        new = [key for key in dict.fromkeys(keys) if key not in self.ids]
        if not new:
            return
        if len(self.ids) + len(new) > self.limit:  # bounded memory for a long-running bot
            self.ids.clear()
        first = len(self.ids) + 1
        if first + len(new) > len(self.table):
            grown = np.zeros((max(2 * len(self.table), first + len(new)), self.width), dtype=np.float32)
            grown[:first] = self.table[:first]
            self.table = grown
        self.table[first : first + len(new)] = compute(new)
        self.ids.update((key, first + i) for i, key in enumerate(new))

    def gather(self, ids: np.ndarray) -> np.ndarray:
        return self.table[ids]
