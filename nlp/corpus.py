"""Reading LinCE-format language-identification corpora (token<TAB>label, blank line between tweets).

Malformed lines are reported with their line numbers and skipped, never a crash;
a token with spaces instead of the tab is recovered when its last field is a known label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import regex

from mixlingo.core.errors import InputError
from mixlingo.nlp.labels import ENTITY, OTHER, map_label

_COMMENT = regex.compile(r"# (?:sent_enum|[\w.-]+ = )")
LINCE_LABELS = frozenset({"lang1", "lang2", "other", "ne", "ambiguous", "mixed", "fw", "unk"})


@dataclass
class Sentence:
    tokens: list[str]
    labels: list[str]
    line: int
    """Line number of the sentence's first token, for error messages."""


@dataclass
class Corpus:
    sentences: list[Sentence]
    problems: list[str] = field(default_factory=list)
    """One entry per skipped or repaired line: 'line N: what was wrong'."""

    @property
    def token_count(self) -> int:
        return sum(len(s.tokens) for s in self.sentences)

    def split(self, every: int = 10) -> tuple[Corpus, Corpus]:
        """Fixed split: every ``every``-th sentence (the last of each block) is validation.

        LinCE's training file is ordered by source and topic, so its last 10% is a
        topic shift (sports tweets full of team names); an interleaved split is a
        fair stand-in for a random held-out set and never changes between runs.
        """
        train = [s for i, s in enumerate(self.sentences) if i % every != every - 1]
        validation = [s for i, s in enumerate(self.sentences) if i % every == every - 1]
        return Corpus(train), Corpus(validation)

    def gold(self, label_map: dict[str, str]) -> list[list[str]]:
        """Gold labels in mixlingo's tag set (``lang1`` → ``en`` …)."""
        return [[map_label(label, label_map) for label in s.labels] for s in self.sentences]


def read_lince(path: Path, labels: frozenset[str] = LINCE_LABELS) -> Corpus:
    if not path.is_file():
        raise InputError(f"no such corpus file: {path}")
    sentences: list[Sentence] = []
    problems: list[str] = []
    tokens: list[str] = []
    tags: list[str] = []
    start = 0
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if _COMMENT.match(line):  # CoNLL-U style metadata (`# id = …`, `# text = …`) or LinCE's `# sent_enum`
                if line.startswith("# sent_enum") and tokens:
                    sentences.append(Sentence(tokens, tags, start))
                    tokens, tags = [], []
                continue
            if not line.strip():
                if tokens:
                    sentences.append(Sentence(tokens, tags, start))
                tokens, tags = [], []
                continue
            parsed = _parse(line, labels)
            if isinstance(parsed, str):
                problems.append(f"line {number}: {parsed}")
                continue
            token, label, note = parsed
            if note:
                problems.append(f"line {number}: {note}")
            if not tokens:
                start = number
            tokens.append(token)
            tags.append(label)
    if tokens:
        sentences.append(Sentence(tokens, tags, start))
    return Corpus(sentences, problems)


GOLD_NAME, GOLD_OTHER = "ne", "xx"
"""In language-code CoNLL: a name, and another language or a word impossible to tell (read as ``other``)."""


def language_label_map(pair: tuple[str, str]) -> dict[str, str]:
    """Language-code CoNLL's labels (the pair's codes, ``ne``, ``other``, ``xx``) as mixlingo tags."""
    return {pair[0]: pair[0], pair[1]: pair[1], GOLD_NAME: ENTITY, OTHER: OTHER, GOLD_OTHER: OTHER}


def read_language_conll(path: Path, pair: tuple[str, str]) -> Corpus:
    """Token labels written as language codes (``token<TAB>hi``; ``ne`` a name, ``other``, ``xx``; ``# key = value``
    lines and a blank line between messages), with the labels already mixlingo's tags. Bad lines are reported."""
    label_map = language_label_map(pair)
    corpus = read_lince(path, frozenset(label_map))
    sentences = [Sentence(s.tokens, [label_map[label] for label in s.labels], s.line) for s in corpus.sentences]
    return Corpus(sentences, corpus.problems)


def first_label(path: Path) -> str | None:
    """The label of the file's first token line (metadata and blank lines skipped), to tell formats apart."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if line.strip() and not _COMMENT.match(line):
                return line.rpartition("\t")[2].strip() if "\t" in line else None
    return None


def _parse(line: str, labels: frozenset[str]) -> tuple[str, str, str] | str:
    if "\t" in line:
        token, _, label = line.rpartition("\t")
        token = token.split("\t")[0]
        if label.strip() in labels and token:
            return token, label.strip(), ""
        return f"unknown label {label.strip()!r} (expected one of {', '.join(sorted(labels))}); skipped"
    token, _, label = line.rpartition(" ")
    if label in labels and token.strip():
        return token.strip(), label, "space instead of tab; read as token/label"
    return f"no tab-separated label in {line[:40]!r}; skipped"

