"""Word frequencies a model ships for itself, beside wordfreq's.

wordfreq's ``hi`` list is Devanagari only, but Hindi in chat is mostly typed in Latin
letters. A model can name its own frequency list per language in ``config.json``
(``"word_lists": {"hi": "hi-latn-frequency.tsv"}``, lines ``word<TAB>zipf`` sorted by word,
``#`` comment lines first); a word's frequency is then the higher of that list's and
wordfreq's, so Devanagari keeps working.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from pathlib import Path

from mixlingo.adapters.embedded.features import Zipf
from mixlingo.nlp.word_frequency import zipf


class WordList:
    """word → Zipf by binary search over the file's sorted lines.

    Why not a dict: parsing 60k lines into one costs a third of a second of every CLI call;
    splitting the text is done in C and a lookup is one ``bisect`` (answers are cached)."""

    def __init__(self, text: str):
        lines = text.split("\n")
        start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))  # the header comes first
        self._lines = [line for line in lines[start:] if line]
        if self._lines != sorted(self._lines):  # in C, and linear for a sorted list
            raise ValueError("word list lines are not sorted by word")
        self._seen: dict[str, float] = {}

    def get(self, word: str) -> float:
        found = self._seen.get(word)
        if found is None:
            key = word + "\t"  # a tab sorts before any character a word has: the row follows its prefix
            index = bisect_left(self._lines, key)
            line = self._lines[index] if index < len(self._lines) else ""
            found = float(line[len(key) :]) if line.startswith(key) else 0.0
            if len(self._seen) < 200_000:
                self._seen[word] = found
        return found


def read_word_list(path: Path) -> WordList:
    return WordList(path.read_text(encoding="utf-8"))


def write_word_list(table: Mapping[str, float], path: Path, header: str) -> None:
    """The file :func:`read_word_list` reads: the header as ``#`` lines, then ``word<TAB>zipf`` sorted by word."""
    words = sorted(word for word in table if word and "\t" not in word and "\n" not in word)
    lines = [f"# {line}" for line in header.splitlines()] + [f"{word}\t{table[word]:.2f}" for word in words]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def model_zipf(model_dir: Path, word_lists: Mapping[str, str]) -> Zipf:
    """The (word, language) → Zipf lookup for a model: its own lists first, wordfreq beside them."""
    if not word_lists:
        return zipf
    own = {lang: read_word_list(model_dir / name) for lang, name in word_lists.items()}

    def lookup(word: str, lang: str) -> float:
        table = own.get(lang)
        listed = zipf(word, lang)
        return listed if table is None else max(listed, table.get(word))

    return lookup
