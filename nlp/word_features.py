"""Word features for the embedded code-switch tagger: spelling, shape, word frequencies.

Pure Python so the same code serves training and tagging. Word frequencies come
from wordfreq for the two languages of the pair; character n-grams capture how
a word *looks* in each language, which is what handles slang, typos and names.
"""

from __future__ import annotations

import math
import unicodedata
import zlib
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import cache, lru_cache, partial
from pathlib import Path

import regex

from mixlingo.nlp.frequency_index import open_index
from mixlingo.nlp.gazetteer import KINDS, name_strengths

_PUNCT = regex.compile(r"^[\p{P}\p{S}]+$")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]")
_ACCENT = regex.compile(r"[áéíóúñüÁÉÍÓÚÑÜ¿¡]")
_REPEAT = regex.compile(r"(.)\1\1")


class FrequencyTable:
    """word → frequency with ``wordfreq.get_frequency_dict``'s values, without building that dict up front.

    Hashing 300k words costs half a second, far more than tagging a message. Each word is
    looked up on its own (``find_band``: the on-disk index, or a binary search in wordfreq's
    sorted bands); after many distinct lookups (a corpus, the lexicon tagger's models) the
    table reads the whole list once and answers from a dict.
    """

    promote_after = 2_000

    def __init__(self, find_band: Callable[[str], int | None], read_bands: Callable[[], list[list[str]]]):
        self._find_band = find_band
        self._read_bands = read_bands
        self._seen: dict[str, float] = {}
        self._table: dict[str, float] | None = None

    def get(self, word: str, default: float = 0.0) -> float:
        if self._table is not None:
            return self._table.get(word, default)
        found = self._seen.get(word)
        if found is None:
            band = self._find_band(word)
            found = 0.0 if band is None else _band_frequency(band)
            self._seen[word] = found
            if len(self._seen) > self.promote_after:
                self._table = self.as_dict()
        return found if found > 0 else default

    def as_dict(self) -> dict[str, float]:
        table: dict[str, float] = {}
        for index, band in enumerate(self._read_bands()):  # in order: a word's last band wins, as in wordfreq
            table.update(dict.fromkeys(band, _band_frequency(index)))
        return table


def _band_frequency(band: int) -> float:
    return float(10 ** (-band / 100))  # wordfreq's cB_to_freq(-band)


def band_search(bands: list[list[str]]) -> Callable[[str], int | None]:
    """A word's band by binary search in each of wordfreq's sorted bands (the last one it is in)."""
    nonempty = [(index, band) for index, band in enumerate(bands) if band]
    for _, band in nonempty:
        band.sort()  # already sorted in wordfreq's format; a sorted list sorts in linear time

    def find(word: str) -> int | None:
        for index, band in reversed(nonempty):
            position = bisect_left(band, word)
            if position < len(band) and band[position] == word:
                return index
        return None

    return find


@cache
def frequencies(lang: str) -> FrequencyTable | dict[str, float]:
    """wordfreq's word → frequency table for ``lang``, opened once per process: from the on-disk
    index (:mod:`mixlingo.nlp.frequency_index`), else from its data file (importing wordfreq
    takes half a second of a one-message CLI call)."""
    source = _frequency_file(lang)
    if source is not None:
        bands = cache(partial(_frequency_bands, source))
        index = open_index(source, bands)
        if index is not None:
            return FrequencyTable(index.band, lambda: bands() or [])
        loaded = bands()
        if loaded is not None:
            return FrequencyTable(band_search(loaded), lambda: loaded)
    import wordfreq  # no list file, or not in wordfreq's format: let wordfreq read it

    return wordfreq.get_frequency_dict(lang)


def wordfreq_data_dir() -> Path | None:
    """Where wordfreq keeps its lists, found without importing it (langcodes makes that slow)."""
    from importlib.util import find_spec

    spec = find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    return data if data.is_dir() else None


@cache
def wordfreq_languages() -> frozenset[str]:
    """The languages wordfreq has a list for (its ``available_languages()``, read from the file names)."""
    data = wordfreq_data_dir()
    if data is None:
        import wordfreq

        return frozenset(wordfreq.available_languages())
    names = (path.name.split(".")[0].split("_") for path in data.glob("*.msgpack.gz") if not path.name.startswith("_"))
    return frozenset(parts[1] for parts in names if len(parts) == 2 and parts[0] in ("small", "large"))


def _frequency_file(lang: str) -> Path | None:
    """wordfreq's "best" list file for ``lang``: large, else small; None: let wordfreq look."""
    data = wordfreq_data_dir()
    if data is None:
        return None
    for name in (f"large_{lang}.msgpack.gz", f"small_{lang}.msgpack.gz"):
        if (data / name).is_file():
            return data / name
    return None


def _frequency_bands(source: Path) -> list[list[str]] | None:
    """A wordfreq list file as its cBpack bands; None when it is not in that format."""
    import gzip

    import msgpack

    with gzip.open(source, "rb") as handle:
        packed = msgpack.load(handle, raw=False)
    header = packed[0]
    if isinstance(header, dict) and header.get("format") == "cB" and header.get("version") == 1:
        rows: list[list[str]] = packed[1:]
        return rows
    return None


def zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf scale (0 = unknown, 7 ≈ 'the'), from a cached dictionary."""
    freq = frequencies(lang).get(word, 0.0)
    return math.log10(freq) + 9 if freq > 0 else 0.0


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


def dense_features(word: str, langs: Sequence[str]) -> list[float]:
    """A fixed-size numeric view of a word for the neural tagger."""
    core = word.lower().lstrip("#@")
    first, second = zipf(core, langs[0]), zipf(core, langs[1])
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

    def __init__(self, langs: Sequence[str], max_ngram: int = 5):
        self.langs = tuple(langs)
        self.max_ngram = max_ngram
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
        zipfs = [zipf(core, lang) for lang in self.langs]
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
