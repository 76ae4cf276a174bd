"""Runtime-free stand-ins for the adapters, for tests and demos of the plumbing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import regex

from mixlingo.nlp.labels import UNKNOWN
from mixlingo.nlp.tagging import Tag
from mixlingo.nlp.translation import Candidate

_WORD = regex.compile(r"\p{L}[\p{L}\p{M}'’]*")


class FakeTagger:
    """Tags words from a fixed dictionary (lower-cased); anything else is ``default``."""

    name = "fake"

    def __init__(self, lexicon: Mapping[str, str], default: str = UNKNOWN, languages: tuple[str, ...] | None = None):
        self.lexicon = {word.lower(): lang for word, lang in lexicon.items()}
        self.default = default
        self._languages = languages
        self.calls: list[list[list[str]]] = []
        self.notes: list[str] = []

    def describe(self) -> str:
        return "a fixed dictionary"

    def languages(self) -> tuple[str, ...] | None:
        return self._languages

    def tag_batch(
        self, sentences: Sequence[Sequence[str]], pair: tuple[str, str] | None = None
    ) -> list[list[Tag]]:
        self.calls.append([list(s) for s in sentences])
        return [[Tag(self.lexicon.get(w.lower(), self.default), 1.0) for w in s] for s in sentences]


class FakeTranslator:
    """Word-by-word dictionary 'translation' with scripted n-best lists.

    ``candidates(text, source, target)`` may be given to script exactly what
    comes back; by default candidate 0 is the dictionary translation and the
    rest are worse variants with lower scores.
    """

    def __init__(
        self,
        dictionary: Mapping[tuple[str, str], Mapping[str, str]] | None = None,
        candidates: Callable[[str, str, str], list[Candidate]] | None = None,
    ):
        self.dictionary = {k: {w.lower(): t for w, t in v.items()} for k, v in (dictionary or {}).items()}
        self.script = candidates
        self.calls: list[tuple[str, str, list[str], int]] = []
        self.notes: list[str] = []

    def describe(self) -> str:
        return "a fixed dictionary"

    def has_direction(self, source: str, target: str) -> bool:
        return (source, target) in self.dictionary

    def translate(self, texts: Sequence[str], source: str, target: str, n: int) -> list[list[Candidate]]:
        self.calls.append((source, target, list(texts), n))
        return [self._nbest(text, source, target, n) for text in texts]

    def _nbest(self, text: str, source: str, target: str, n: int) -> list[Candidate]:
        if self.script is not None:
            return self.script(text, source, target)[:n]
        words = self.dictionary[(source, target)]
        best = _WORD.sub(lambda m: words.get(m.group().lower(), m.group()), text)
        variants = [best, text, _WORD.sub("x", text)]
        return [Candidate(variants[i % len(variants)], -0.1 * (i + 1)) for i in range(n)]


class FakeEncoder:
    """Embeddings from a table of known vectors; unknown texts get ``default``."""

    def __init__(self, vectors: Mapping[str, Sequence[float]], default: Sequence[float] = (1.0, 0.0)):
        self.vectors = {k: np.asarray(v, dtype=np.float32) for k, v in vectors.items()}
        self.default = np.asarray(default, dtype=np.float32)
        self.calls: list[list[str]] = []
        self.notes: list[str] = []

    def describe(self) -> str:
        return "a fixed table of vectors"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = [self.vectors.get(t, self.default) for t in texts]
        matrix = np.stack(rows) if rows else np.zeros((0, len(self.default)), dtype=np.float32)
        return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)


class FakeTransliterator:
    """Spelling ↔ native script from a fixed table; unknown words come back as they are."""

    def __init__(self, lang: str, native: Mapping[str, str]):
        self.lang = lang
        self.native = {w.lower(): n for w, n in native.items()}
        self.latin = {n: w for w, n in self.native.items()}
        self.calls: list[tuple[str, list[str]]] = []

    def to_native(self, words: Sequence[str]) -> list[str]:
        self.calls.append(("native", list(words)))
        return [self.native.get(w.lower(), w) for w in words]

    def to_latin(self, words: Sequence[str]) -> list[str]:
        self.calls.append(("latin", list(words)))
        return [self.latin.get(w, w) for w in words]
