"""Native-script word list for re-ranking: how common a spelling is, and whether it is a word at all.

The letters of a romanized word rarely settle vowel length or nasalization; a list of real words does.
A list may have counts (wordfreq, or Wikipedia text counted here) or only words (a spelling list).
Both are kept as 32-bit CRC-32 hashes of the NFC UTF-8 word, sorted, with a log relative frequency
beside each (NaN for a listed word with no count): millions of words cost 6 bytes each, load with one
``numpy.load`` and are looked up in bulk with ``searchsorted``. Two different words share a hash about
once per 4 billion pairs: with 2 million words, one candidate in 2,000 that is not a word would look
listed; harmless for re-ranking.
"""

from __future__ import annotations

import gzip
import json
import math
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import regex

from mixlingo.core.errors import InputError

WORDS = "words.npz"


def word_hash(word: str) -> int:
    return zlib.crc32(unicodedata.normalize("NFC", word).encode("utf-8"))


class WordList:
    """Log frequency and membership of native-script words, by hash."""

    def __init__(self, hashes: np.ndarray, log_frequency: np.ndarray):
        self.hashes = hashes
        self.log_frequency = log_frequency

    def __len__(self) -> int:
        return len(self.hashes)

    def lookup(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(log frequency, NaN where unknown or uncounted; listed, bool) for each word."""
        keys = np.fromiter((word_hash(w) for w in words), dtype=np.uint32, count=len(words))
        where = np.searchsorted(self.hashes, keys)
        where[where == len(self.hashes)] = 0
        found = self.hashes[where] == keys if len(self.hashes) else np.zeros(len(keys), dtype=bool)
        frequency = np.where(found, self.log_frequency[where].astype(np.float32) if len(self.hashes) else np.nan, np.nan)
        return frequency, found

    def save(self, path: Path) -> None:
        np.savez_compressed(path, hashes=self.hashes, log_frequency=self.log_frequency)

    @classmethod
    def load(cls, path: Path) -> WordList:
        with np.load(path) as archive:
            return cls(archive["hashes"], archive["log_frequency"])

    @classmethod
    def build(cls, counted: Iterable[Mapping[str, float]], listed: Iterable[Iterable[str]]) -> WordList:
        """From frequency tables (relative frequencies; the highest wins) and plain lists (membership only)."""
        best: dict[int, float] = {}
        for table in counted:
            for word, frequency in table.items():
                if frequency > 0:
                    key = word_hash(word)
                    value = math.log(frequency)
                    if value > best.get(key, -math.inf):
                        best[key] = value
        for words in listed:
            for word in words:
                best.setdefault(word_hash(word), math.nan)
        hashes = np.array(sorted(best), dtype=np.uint32)
        return cls(hashes, np.array([best[int(h)] for h in hashes], dtype=np.float16))


def text_frequencies(path: Path, letters: regex.Pattern[str], *, min_count: int = 2) -> dict[str, float]:
    """Relative frequencies of native words in a (possibly gzipped) text file, words seen ``min_count`` times or more."""
    counts: Counter[str] = Counter()
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as file:
            for line in file:
                counts.update(letters.findall(unicodedata.normalize("NFC", line)))
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {path}: {error}") from error
    total = sum(counts.values()) or 1
    return {word: count / total for word, count in counts.items() if count >= min_count}


def read_word_list(path: Path) -> list[str]:
    """Words of a spelling list: a JSON array of strings, or text with one word per line (anything after a tab ignored)."""
    try:
        if path.suffix == ".json":
            words = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise InputError(f"{path}: expected a JSON array of words")
            return words
        return [line.split("\t")[0].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"cannot read the word list {path}: {error}") from error
