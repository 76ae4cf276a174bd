"""Readers for the Hindi–English training sources, each a folder named on the command line.

Only sources whose licence lets the shipped model train on them are read here: Dakshina's
Hindi part (CC BY-SA 4.0), Hinglish-TOP (Apache-2.0) and PHINC (CC BY 4.0). Text is split
with the product's own tokenizer, so training sees tokens exactly as tagging will.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import regex

from mixlingo.errors import InputError
from mixlingo.nlp.tokenizer import tokenize_span

DAKSHINA, TOP, PHINC = "dakshina-hi", "hinglish-top", "phinc"
_URL = regex.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*|\S+\.(?:com|in|org|co)/\S*", regex.IGNORECASE)


@dataclass(frozen=True)
class Pair:
    """A romanized Hinglish sentence and its English version, both tokenized."""

    mixed: list[str]
    english: list[str]


def tokens(text: str) -> list[str]:
    """Tokens as the product's tokenizer splits them, URLs left out (the product protects them before tagging)."""
    text = _URL.sub(" ", text)
    return [token.text for token in tokenize_span(text, 0, len(text))]


def find(data_dir: Path, name: str) -> Path:
    """``data_dir/name``, or ``data_dir`` itself when it is that folder; a clear error otherwise."""
    for candidate in (data_dir / name, data_dir):
        if candidate.name == name and candidate.is_dir():
            return candidate
    raise InputError(f"{data_dir} has no {name}/ folder: pass the folder that holds {DAKSHINA}/, {TOP}/ and {PHINC}/")


def dakshina_lexicon(folder: Path) -> Iterator[tuple[str, str, int]]:
    """(Devanagari word, romanization, annotator count) from the train and dev lexicons (the test split is not read)."""
    for split in ("train", "dev"):
        path = folder / f"hi.translit.sampled.{split}.tsv"
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[2].isdigit():
                yield parts[0], parts[1], int(parts[2])


def dakshina_sentences(folder: Path) -> Iterator[list[str]]:
    """The romanized side of Dakshina's Wikipedia sentences, as native speakers typed them."""
    for line in (folder / "hi.romanized.rejoined.tsv").read_text(encoding="utf-8").splitlines():
        _, _, romanized = line.partition("\t")
        if romanized.strip():
            yield tokens(romanized)


def top_pairs(folder: Path, split: str) -> Iterator[Pair]:
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
