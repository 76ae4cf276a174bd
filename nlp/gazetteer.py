"""Common first names, surnames and places: what tells a name from a word when both are spelled alike.

Names are the embedded tagger's largest error source, and no training tweet mentions most
of them. The list (``mixlingo/data/gazetteer/names_places.tsv``, built by
``scripts/build_gazetteer.py`` from the US Census name lists and GeoNames) gives, per
lower-cased word, how common it is as each kind of name, 0 (not listed) to 3.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

KINDS = ("first", "last", "place")
NONE = (0, 0, 0)


@lru_cache(maxsize=None)
def gazetteer(path: Path | None = None) -> dict[str, tuple[int, int, int]]:
    """word → (first-name, last-name, place) strength; loaded once per process."""
    path = path or Path(str(files("mixlingo") / "data" / "gazetteer" / "names_places.tsv"))
    entries = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                word, first, last, place = line.rstrip("\n").split("\t")
                entries[word] = (int(first), int(last), int(place))
    return entries


def name_strengths(word: str) -> tuple[int, int, int]:
    """How common ``word`` (any case, ``#``/``@`` ignored) is as a first name, surname and place."""
    return gazetteer().get(word.lower().lstrip("#@"), NONE)
