"""A cache of finished translations, so a flag reaction on an already-translated message costs nothing.

Keyed by (text, target language, strategy, model version): the version names
everything that changes the output (models, backends, decoding and reranking
settings), so changing a model never serves a stale translation. Entries are
copied in and out, so a caller that edits its message cannot spoil the cache.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict

from mixlingo.nlp.model import Message


class TranslationCache:
    """A thread-safe LRU of translated messages; ``size`` 0 turns it off."""

    def __init__(self, size: int = 1024, version: str = ""):
        self.size, self.version = size, version
        self._entries: OrderedDict[tuple[str, str, str, str], Message] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def key(self, text: str, target: str, strategy: str) -> tuple[str, str, str, str]:
        return (text, target, strategy, self.version)

    def get(self, text: str, target: str, strategy: str) -> Message | None:
        if self.size <= 0:
            return None
        key = self.key(text, target, strategy)
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
        return copy.deepcopy(found)

    def put(self, text: str, target: str, strategy: str, message: Message) -> None:
        """Keep a finished translation (one with a translation attached; anything else is not cached)."""
        if self.size <= 0 or message.translation is None:
            return
        stored = copy.deepcopy(message)
        with self._lock:
            self._entries[self.key(text, target, strategy)] = stored
            self._entries.move_to_end(self.key(text, target, strategy))
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
