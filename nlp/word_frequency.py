"""Word frequencies per language, read from wordfreq's lists without importing wordfreq.

The lexicon tagger, the embedded taggers' features and pair detection all ask how common a
word is in a language; they share one table per language, opened once per process.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path

from mixlingo.nlp.frequency_index import open_index



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
    if lang not in wordfreq_languages():
        return {}  # wordfreq would answer with its "nearest match" (English for Punjabi): no list is the truth
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
