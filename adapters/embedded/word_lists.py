"""Word frequencies a model ships for itself, beside wordfreq's.

wordfreq's ``hi`` list is Devanagari only, but Hindi in chat is mostly typed in Latin
letters. A model can name its own frequency list per language in ``config.json``
(``"word_lists": {"hi": "hi-latn.tsv"}``, lines ``word<TAB>zipf``); a word's frequency
is then the higher of that list's and wordfreq's, so Devanagari keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from mixlingo.adapters.embedded.features import Zipf
from mixlingo.nlp.word_frequency import zipf


def read_word_list(path: Path) -> dict[str, float]:
    """``word<TAB>zipf`` lines (``#`` comments allowed) as a dict."""
    table: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, value = line.partition("\t")
            table[word] = float(value)
    return table


def write_word_list(table: Mapping[str, float], path: Path, header: str) -> None:
    """The inverse of :func:`read_word_list`, most frequent first (stable bytes for the same input)."""
    rows = sorted(table.items(), key=lambda item: (-item[1], item[0]))
    lines = [f"# {line}" for line in header.splitlines()] + [f"{word}\t{value:.2f}" for word, value in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def model_zipf(model_dir: Path, word_lists: Mapping[str, str]) -> Zipf:
    """The (word, language) → Zipf lookup for a model: its own lists first, wordfreq beside them."""
    if not word_lists:
        return zipf
    own = {lang: read_word_list(model_dir / name) for lang, name in word_lists.items()}

    def lookup(word: str, lang: str) -> float:
        table = own.get(lang)
        listed = zipf(word, lang)
        return listed if table is None else max(listed, table.get(word, 0.0))

    return lookup
