"""Common first names, surnames and places: what tells a name from a word when both are spelled alike.

Names are the embedded tagger's largest error source, and no training tweet mentions most
of them. The list (``mixlingo/data/gazetteer/names_places.tsv``, built by
``scripts/build_gazetteer.py`` from the US Census name lists and GeoNames) gives, per
lower-cased word, how common it is as each kind of name, 0 (not listed) to 3.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

KINDS = ("first", "last", "place")
NONE = (0, 0, 0)


class Rows:
    """word → its row's strength columns, unparsed, found by binary search over the sorted lines.

    Why not a dict: hashing 96k words costs a third of a second, more than tagging a message;
    splitting and sorting the lines is done in C, and a lookup is one ``bisect``."""

    def __init__(self, text: str):
        self._lines = [line for line in text.split("\n") if line and not line.startswith("#")]
        self._lines.sort()

    def __len__(self) -> int:
        return len(self._lines)

    def get(self, word: str) -> str | None:
        key = word + "\t"  # a tab sorts before any character a word has: the row follows its prefix
        index = bisect_left(self._lines, key)
        if index < len(self._lines) and self._lines[index].startswith(key):
            return self._lines[index][len(key) :]
        return None


@lru_cache(maxsize=None)
def gazetteer(path: Path | None = None) -> Rows:
    """The name/place list, read once per process."""
    path = path or Path(str(files("mixlingo") / "data" / "gazetteer" / "names_places.tsv"))
    return Rows(path.read_text(encoding="utf-8"))


def name_strengths(word: str) -> tuple[int, int, int]:
    """How common ``word`` (any case, ``#``/``@`` ignored) is as a first name, surname and place."""
    row = gazetteer().get(word.lower().lstrip("#@"))
    if row is None:
        return NONE
    first, last, place = row.split("\t")
    return int(first), int(last), int(place)
