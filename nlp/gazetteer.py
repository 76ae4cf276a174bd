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
def gazetteer(path: Path | None = None) -> dict[str, str]:
    """word → its row's strength columns, unparsed (parsing 96k rows up front costs 0.1 s of load)."""
    path = path or Path(str(files("mixlingo") / "data" / "gazetteer" / "names_places.tsv"))
    with path.open(encoding="utf-8") as handle:
        rows = (line.rstrip("\n").partition("\t") for line in handle if not line.startswith("#"))
        return {word: strengths for word, _, strengths in rows}


def name_strengths(word: str) -> tuple[int, int, int]:
    """How common ``word`` (any case, ``#``/``@`` ignored) is as a first name, surname and place."""
    row = gazetteer().get(word.lower().lstrip("#@"))
    if row is None:
        return NONE
    first, last, place = row.split("\t")
    return int(first), int(last), int(place)
