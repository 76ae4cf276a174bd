"""Reading token-labelled tweets in the tweet-id format, and telling it from LinCE's.

The format (used by published Hindi–English gold data): a line holding only a numeric tweet
id opens a tweet, then one ``token<spaces or tab>label`` line per token; labels ``hi``,
``en`` and ``rest`` (names, punctuation, emoji, mentions, hashtags, URLs, numbers). Blank
lines are ignored. ``rest`` is read as ``other``: it lumps names in with punctuation, so a
score on it says little; compare on ``hi``/``en`` tokens.
"""

from __future__ import annotations

from pathlib import Path

from mixlingo.core.errors import InputError
from mixlingo.nlp.corpus import Corpus, Sentence, first_label, language_label_map, read_language_conll, read_lince

TWEET_LABELS = frozenset({"hi", "en", "rest"})
TWEET_LABEL_MAP = {"hi": "hi", "en": "en", "rest": "other"}
"""How the tweet-id format's labels read as mixlingo tags (``Corpus.gold(TWEET_LABEL_MAP)``)."""


def is_tweet_id_format(path: Path) -> bool:
    """True when the first non-blank line is a bare number (a tweet id); LinCE opens with ``# sent_enum`` or a token."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.strip():
                return line.strip().isdigit()
    return False


def read_tweet_ids(path: Path) -> Corpus:
    """A tweet-id-format file as a :class:`Corpus` whose labels are ``hi``/``en``/``rest``; bad lines are reported, never fatal."""
    if not path.is_file():
        raise InputError(f"no such corpus file: {path}")
    sentences: list[Sentence] = []
    problems: list[str] = []
    current: Sentence | None = None
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.strip()
            if not line:
                continue
            if line.isdigit():
                if current is not None and current.tokens:
                    sentences.append(current)
                current = Sentence([], [], number + 1)
                continue
            token, _, label = line.rpartition(" ") if "\t" not in line else line.rpartition("\t")
            token, label = token.strip(), label.strip()
            if current is None or not token or label not in TWEET_LABELS:
                problems.append(f"line {number}: expected 'token label' with label hi, en or rest after a tweet id; skipped")
                continue
            current.tokens.append(token)
            current.labels.append(label)
    if current is not None and current.tokens:
        sentences.append(current)
    return Corpus(sentences, problems)


def read_labelled(path: Path, pair: tuple[str, str] | None = None) -> tuple[Corpus, dict[str, str] | None]:
    """Any of the three formats, detected from the file: (corpus, its fixed label map), the map None for
    LinCE (its labels depend on the pair). With ``pair``, labels written as its language codes (``hi``,
    ``en``, ``ne``, ``other``, ``xx``) are read as language-code CoNLL, already in mixlingo's tags."""
    if path.is_file() and is_tweet_id_format(path):
        return read_tweet_ids(path), TWEET_LABEL_MAP
    if pair is not None and path.is_file() and first_label(path) in language_label_map(pair):
        return read_language_conll(path, pair), {}
    return read_lince(path), None
