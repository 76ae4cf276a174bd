"""Runtime-free stand-ins for the adapters, for tests and demos of the plumbing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mixlingo.nlp.labels import UNK
from mixlingo.nlp.tagging import Tag


class FakeTagger:
    """Tags words from a fixed dictionary (lower-cased); anything else is ``default``."""

    name = "fake"

    def __init__(self, lexicon: Mapping[str, str], default: str = UNK, languages: tuple[str, ...] | None = None):
        self.lexicon = {word.lower(): lang for word, lang in lexicon.items()}
        self.default = default
        self._languages = languages
        self.calls: list[list[list[str]]] = []

    def languages(self) -> tuple[str, ...] | None:
        return self._languages

    def tag_batch(
        self, sentences: Sequence[Sequence[str]], pair: tuple[str, str] | None = None
    ) -> list[list[Tag]]:
        self.calls.append([list(s) for s in sentences])
        return [[Tag(self.lexicon.get(w.lower(), self.default), 1.0) for w in s] for s in sentences]
