"""The embedded taggers' input contract: what a token looks like to the network and the CRF.

A trained model is only valid with the exact features it was trained on, so this module
is versioned as a whole (:data:`FEATURE_CONTRACT`): training writes the version into the
model's ``config.json`` and loading refuses a model whose version differs, instead of
tagging with inputs the weights never saw. Change anything here that alters a feature's
value or position, and bump the version.

Word frequencies come from wordfreq for the pair's languages (see
:mod:`mixlingo.nlp.word_frequency`), or from a list the model ships for a language whose
wordfreq list does not fit its spelling (romanized Hindi: wordfreq's ``hi`` is Devanagari only).
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Callable, Sequence
from functools import lru_cache

import regex

from mixlingo.nlp.gazetteer import KINDS, name_strengths
from mixlingo.nlp.word_frequency import zipf

FEATURE_CONTRACT = 1
"""Version of everything in this module a trained model depends on (recorded in its config.json)."""

Zipf = Callable[[str, str], float]
"""(word, language) → Zipf frequency; :func:`~mixlingo.nlp.word_frequency.zipf` unless a model ships its own list."""

_PUNCT = regex.compile(r"^[\p{P}\p{S}]+$")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]")
_ACCENT = regex.compile(r"[áéíóúñüÁÉÍÓÚÑÜ¿¡]")
_REPEAT = regex.compile(r"(.)\1\1")


@lru_cache(maxsize=100_000)
def shape(word: str) -> str:
    out: list[str] = []
    for char in word[:6]:
        if char.isupper():
            kind = "A"
        elif char.islower():
            kind = "a"
        elif char.isdigit():
            kind = "9"
        else:
            kind = char if unicodedata.category(char).startswith("P") else "#"
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


DENSE_SIZE = 15


def dense_features(word: str, langs: Sequence[str], zipf_of: Zipf = zipf) -> list[float]:
    """A fixed-size numeric view of a word for the neural tagger."""
    core = word.lower().lstrip("#@")
    first, second = zipf_of(core, langs[0]), zipf_of(core, langs[1])
    return [
        first / 8,
        second / 8,
        (first - second) / 8,
        float(first == 0),
        float(second == 0),
        float(word[:1].isupper()),
        float(word.isupper() and len(word) > 1),
        float(word[:1] == "#"),
        float(word[:1] == "@"),
        float(word.lower().startswith(("http", "www."))),
        float(not any(c.isalnum() for c in word)),
        min(len(word), 20) / 20,
        *(strength / 3 for strength in name_strengths(word)),
    ]


def hashed_ngrams(word: str, buckets: int, limit: int = 60) -> list[int]:
    """Character 2–5-grams of ``<word>`` hashed into ``buckets`` (a fastText-style subword bag)."""
    padded = f"<{word.lower()}>"
    grams = [padded[i : i + n] for n in (2, 3, 4, 5) for i in range(len(padded) - n + 1)]
    return [zlib.crc32(g.encode("utf-8", "surrogatepass")) % buckets for g in grams[:limit]] or [0]


class FeatureExtractor:
    """CRF token features for one language pair (``langs`` in a fixed order)."""

    def __init__(self, langs: Sequence[str], max_ngram: int = 5, zipf_of: Zipf = zipf):
        self.langs = tuple(langs)
        self.max_ngram = max_ngram
        self.zipf_of = zipf_of
        self._cache: dict[str, dict[str, float]] = {}
        self._neighbours: dict[tuple[str, int], dict[str, float]] = {}

    def word_features(self, word: str) -> dict[str, float]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        lower = word.lower()
        f: dict[str, float] = {"bias": 1.0, "w=" + lower: 1.0, "shape=" + shape(word): 1.0}
        if word[:1] in "#@":
            f["prefix_sym=" + word[0]] = 1.0
        if lower.startswith(("http", "www.")):
            f["url"] = 1.0
        if _PUNCT.match(word):
            f["punct"] = 1.0
        if _EMOJI.search(word):
            f["emoji"] = 1.0
        if _ACCENT.search(word):
            f["accent"] = 1.0
        if _REPEAT.search(lower):
            f["repeat"] = 1.0
        if word.isupper() and len(word) > 1:
            f["allcaps"] = 1.0
        core = lower.lstrip("#@")
        padded = f"<{core}>"
        f.update(dict.fromkeys(
            [f"c{n}={padded[i:i + n]}" for n in range(1, self.max_ngram + 1) for i in range(len(padded) - n + 1)], 1.0
        ))
        zipfs = [self.zipf_of(core, lang) for lang in self.langs]
        for lang, z in zip(self.langs, zipfs):
            f[f"z_{lang}"] = z / 8.0
            f[f"zb_{lang}={int(z * 2)}"] = 1.0
        diff = zipfs[0] - zipfs[1]
        f["zdiff"] = diff / 8.0
        f[f"zdb={max(-8, min(8, round(diff)))}"] = 1.0
        for kind, strength in zip(KINDS, name_strengths(word)):
            if strength:
                f[f"gz_{kind}={strength}"] = 1.0
                if word[:1].isupper():
                    f[f"gz_{kind}_title={strength}"] = 1.0
        if len(self._cache) < 300_000:
            self._cache[word] = f
        return f

    def neighbour_features(self, word: str, offset: int) -> dict[str, float]:
        """What a token at ``offset`` contributes to its neighbour's features (cached)."""
        key = (word, offset)
        cached = self._neighbours.get(key)
        if cached is not None:
            return cached
        own = self.word_features(word)
        lower = word.lower()
        diff = own["zdiff"] * 8
        f = {f"{offset}:w=" + lower: 1.0, f"{offset}:zdiff": own["zdiff"], f"{offset}:zdb={max(-6, min(6, round(diff)))}": 1.0}
        if offset in (-1, 1):
            f[f"{offset}:shape=" + shape(word)] = 1.0
            for name in ("punct", "emoji", "accent"):
                if name in own:
                    f[f"{offset}:{name}"] = 1.0
            f[f"{offset}:suf3=" + lower[-3:]] = 1.0
            if word[:1].isupper():
                f[f"{offset}:title"] = 1.0
        if len(self._neighbours) < 600_000:
            self._neighbours[key] = f
        return f

    def sentence_parts(self, words: Sequence[str]) -> list[tuple[list[tuple[str, int]], tuple[str, ...]]]:
        """Per token: the (word, offset) pairs whose cached features it combines (offset 0 is
        the token itself) and its position and sentence flags. Scorers cache per pair and per
        flag set; training merges the dicts."""
        out = []
        n = len(words)
        # The message's overall balance of English- and Spanish-looking words decides the
        # words that look like neither or both (jaja, no, lol, me).
        diffs = [self.word_features(word)["zdiff"] * 8 for word in words]
        first = sum(1 for d in diffs if d > 1)
        second = sum(1 for d in diffs if d < -1)
        balance = f"sent_{self.langs[0]}={round(4 * first / (first + second)) if first + second else -1}"
        for i, word in enumerate(words):
            pairs = [(word, 0)]
            flags = [balance]
            if abs(diffs[i]) <= 1.5:
                flags.append("ambiguous_" + balance)
            for offset in (-2, -1, 1, 2):
                j = i + offset
                if 0 <= j < n:
                    pairs.append((words[j], offset))
                else:
                    flags.append(f"{offset}:edge")
            if i == 0:
                flags.append("first")
            elif word[:1].isupper() and not _PUNCT.match(words[i - 1]):
                flags.append("title_mid")
            out.append((pairs, tuple(flags)))
        return out

    def pair_features(self, word: str, offset: int) -> dict[str, float]:
        return self.word_features(word) if offset == 0 else self.neighbour_features(word, offset)

    def sentence_features(self, words: Sequence[str]) -> list[dict[str, float]]:
        out = []
        for pairs, flags in self.sentence_parts(words):
            f: dict[str, float] = {}
            for word, offset in pairs:
                f.update(self.pair_features(word, offset))
            f.update(dict.fromkeys(flags, 1.0))
            out.append(f)
        return out
