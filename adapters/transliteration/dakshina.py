"""Reading one language of the Dakshina dataset: the romanization lexicon, romanized sentences, native text.

Dakshina v1.0 names every file after the language code, so one folder per language is all the training
command needs: ``XX.translit.sampled.{train,dev}.tsv`` (``native<TAB>romanization<TAB>count``), and when
present the romanized Wikipedia sentences, either word-aligned (``XX.romanized.rejoined.aligned.tsv``,
one ``native<TAB>romanized`` word per line) or line by line (``XX.romanized.rejoined.dev.{native,roman}.txt``),
and native Wikipedia text for word frequencies (``XX.wiki-filt.valid.text.shuf.txt.gz``). The native
script is whichever script most of the lexicon's letters belong to, so no language needs a table here.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import regex

from mixlingo.core.errors import InputError

Pair = tuple[str, str, float]
"""(romanization, native word, weight)."""

LATIN_WORD = regex.compile(r"[a-z]+")
_EDGES = regex.compile(r"^[^\p{L}\p{M}]+|[^\p{L}\p{M}]+$")


def native_letters(script: str) -> regex.Pattern[str]:
    """Runs of the script's letters and signs (with the zero-width joiners some scripts write inside words); no digits or punctuation."""
    try:
        return regex.compile(rf"[[\p{{scx={script}}}&&[\p{{L}}\p{{M}}]]\u200c\u200d]+", regex.V1)
    except regex.error as error:
        raise InputError(f"unknown script {script!r}") from error


def script_of(words: Iterable[str]) -> str:
    """The script most letters of ``words`` belong to, as Unicode names it (Devanagari, Arabic, Tamil, ...)."""
    counts: Counter[str] = Counter()
    for word in words:
        for ch in word:
            if unicodedata.category(ch)[0] in "LM":
                counts[unicodedata.name(ch, "UNKNOWN").split()[0].title()] += 1
    if not counts:
        raise InputError("the lexicon has no native letters")
    return counts.most_common(1)[0][0]


@dataclass(frozen=True)
class Dakshina:
    """One language's Dakshina files in ``folder``."""

    lang: str
    folder: Path

    def path(self, suffix: str) -> Path:
        return self.folder / f"{self.lang}.{suffix}"

    def _lines(self, path: Path) -> list[str]:
        try:
            return path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read {path}: {error}") from error

    def _raw_lexicon(self, split: str) -> list[tuple[str, str, float]]:
        path = self.path(f"translit.sampled.{split}.tsv")
        if not path.is_file():
            raise InputError(f"{self.folder} has no {path.name}; give the folder of the Dakshina files for {self.lang!r}")
        rows = []
        for number, line in enumerate(self._lines(path), 1):
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 3 or not parts[2].strip().isdigit():
                raise InputError(f"{path}:{number}: expected native<TAB>romanization<TAB>count")
            rows.append((parts[1].lower(), unicodedata.normalize("NFC", parts[0]), float(parts[2])))
        return rows

    def script(self) -> str:
        return script_of(native for _latin, native, _count in self._raw_lexicon("train"))

    def lexicon(self, split: str, letters: regex.Pattern[str]) -> list[Pair]:
        """Rows of the ``train`` or ``dev`` lexicon whose romanization is a–z and whose native word is letters of the script."""
        return [row for row in self._raw_lexicon(split) if LATIN_WORD.fullmatch(row[0]) and letters.fullmatch(row[1])]

    def sentence_pairs(self, letters: regex.Pattern[str]) -> list[Pair]:
        """Word pairs of the romanized sentences (punctuation trimmed, letters only), weighted by how often each occurs.

        Line-by-line sentences give pairs only where both lines have as many words, in order."""
        aligned = self.path("romanized.rejoined.aligned.tsv")
        native, roman = self.path("romanized.rejoined.dev.native.txt"), self.path("romanized.rejoined.dev.roman.txt")
        words: list[tuple[str, str]] = []
        if aligned.is_file():
            words = [(parts[1], parts[0]) for parts in (line.split("\t") for line in self._lines(aligned)) if len(parts) == 2]
        elif native.is_file() and roman.is_file():
            for native_line, roman_line in zip(self._lines(native), self._lines(roman)):
                native_words, roman_words = native_line.split(), roman_line.split()
                if len(native_words) == len(roman_words):
                    words += zip(roman_words, native_words)
        seen: Counter[tuple[str, str]] = Counter()
        for latin, word in words:
            latin, word = _EDGES.sub("", latin.lower()), _EDGES.sub("", unicodedata.normalize("NFC", word))
            if LATIN_WORD.fullmatch(latin) and letters.fullmatch(word):
                seen[latin, word] += 1
        return [(latin, word, float(count)) for (latin, word), count in seen.items()]

    def native_text(self) -> Path | None:
        """Native Wikipedia text for word frequencies, if the folder has it."""
        path = self.path("wiki-filt.valid.text.shuf.txt.gz")
        return path if path.is_file() else None
