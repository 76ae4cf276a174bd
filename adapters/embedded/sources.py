"""Readers for the training sources a language recipe names, one function per published format.

The formats belong to datasets, not to languages: Dakshina's lexicon and romanized sentences
(any of its twelve languages), Hinglish-TOP's and PHINC's sentence pairs (a code-mixed side and
its English version), and token-labelled CoNLL. Text is split with the product's own tokenizer,
so training sees tokens exactly as tagging will.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import regex

from mixlingo.core.errors import InputError
from mixlingo.nlp.corpus import Sentence, read_language_conll
from mixlingo.nlp.tokenizer import tokenize_span

_URL = regex.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*|\S+\.(?:com|in|org|co)/\S*", regex.IGNORECASE)


@dataclass(frozen=True)
class Pair:
    """A code-mixed sentence and its English version, both tokenized."""

    mixed: list[str]
    english: list[str]


def tokens(text: str) -> list[str]:
    """Tokens as the product's tokenizer splits them, URLs left out (the product protects them before tagging)."""
    text = _URL.sub(" ", text)
    return [token.text for token in tokenize_span(text, 0, len(text))]


def find(data_dir: Path, name: str) -> Path:
    """``data_dir/name`` (``name`` may hold a slash: ``dakshina/ta``); a clear error otherwise."""
    for candidate in (data_dir / name, data_dir):
        if candidate.is_dir() and (candidate == data_dir / name or candidate.name == Path(name).name):
            return candidate
    raise InputError(f"{data_dir} has no {name}/ folder: pass the folder that holds the recipe's sources")


def dakshina_lexicon(folder: Path, lang: str) -> Iterator[tuple[str, str, int]]:
    """(native word, romanization, annotator count) from the train and dev lexicons (the test split is not read)."""
    for split in ("train", "dev"):
        path = folder / f"{lang}.translit.sampled.{split}.tsv"
        if not path.is_file():
            raise InputError(f"{folder} has no {path.name}: is it Dakshina's {lang} folder?")
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[2].isdigit():
                yield parts[0], parts[1], int(parts[2])


def dakshina_sentence_pairs(folder: Path, lang: str) -> list[tuple[str, str]]:
    """Dakshina's Wikipedia sentences as (native script, romanized by a native speaker), in file order.

    Two layouts exist: ``xx.romanized.rejoined.tsv`` (native<TAB>romanized per line) and the
    line-aligned ``xx.romanized.rejoined.dev.{native,roman}.txt``."""
    joined = folder / f"{lang}.romanized.rejoined.tsv"
    if joined.is_file():
        rows = [line.partition("\t") for line in joined.read_text(encoding="utf-8").splitlines()]
        return [(native, romanized) for native, _, romanized in rows if romanized.strip()]
    native_file, roman_file = (folder / f"{lang}.romanized.rejoined.dev.{side}.txt" for side in ("native", "roman"))
    if not (native_file.is_file() and roman_file.is_file()):
        raise InputError(f"{folder} has neither {joined.name} nor {roman_file.name}: is it Dakshina's {lang} folder?")
    native = native_file.read_text(encoding="utf-8").splitlines()
    romanized = roman_file.read_text(encoding="utf-8").splitlines()
    if len(native) != len(romanized):
        raise InputError(f"{native_file.name} and {roman_file.name} differ in length ({len(native)} and {len(romanized)} lines)")
    return [(n, r) for n, r in zip(native, romanized) if r.strip()]


def dakshina_native_words(folder: Path, lang: str) -> Counter[str]:
    """Word counts of Dakshina's native-script Wikipedia text (``xx.wiki-filt.valid.text.shuf.txt.gz``), empty without it."""
    path = folder / f"{lang}.wiki-filt.valid.text.shuf.txt.gz"
    counts: Counter[str] = Counter()
    if path.is_file():
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                counts.update(t for t in tokens(line) if t[:1].isalpha())
    return counts


def hinglish_top_pairs(folder: Path, split: str) -> Iterator[Pair]:
    """Hinglish-TOP ``train`` or ``validation``: (cs_query, en_query)."""
    with (folder / f"{split}.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row.get("cs_query") and row.get("en_query"):
                yield Pair(tokens(row["cs_query"]), tokens(row["en_query"]))


def phinc_pairs(folder: Path) -> Iterator[Pair]:
    """PHINC: real romanized Hinglish tweets and their English translations."""
    with (folder / "phinc.csv").open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle):
            mixed, english = row.get("Sentence") or "", row.get("English_Translation") or ""
            if mixed.strip() and english.strip():
                yield Pair(tokens(mixed), tokens(english))


def split_pairs(folder: Path, format: str) -> tuple[list[Pair], list[Pair]]:
    """(train, held-out) pairs of a parallel source: Hinglish-TOP's own splits, or one pair in ten of a single file."""
    if format == "hinglish-top":
        return list(hinglish_top_pairs(folder, "train")), list(hinglish_top_pairs(folder, "validation"))
    if format == "phinc":
        pairs = list(phinc_pairs(folder))
        return [p for i, p in enumerate(pairs) if i % 10 != 9], [p for i, p in enumerate(pairs) if i % 10 == 9]
    raise InputError(f"unknown parallel source format {format!r}; known: hinglish-top, phinc")


def gold_sentences(path: Path, lang: str) -> list[Sentence]:
    """Token labels decided in context (language-code CoNLL, :func:`~mixlingo.nlp.corpus.read_language_conll`)."""
    corpus = read_language_conll(path, ("en", lang))
    if corpus.problems:
        raise InputError(f"{path}: {corpus.problems[0]} ({len(corpus.problems)} such lines)")
    return corpus.sentences
