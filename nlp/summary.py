"""Message-level view of the token tags: what a translator needs to decide a strategy."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mixlingo.nlp.labels import is_language
from mixlingo.nlp.model import Message


@dataclass(frozen=True)
class Summary:
    dominant: str | None
    """The language with the most words, or None when no word has a language."""
    languages: tuple[str, ...]
    """Languages present, most words first."""
    code_switched: bool
    word_counts: dict[str, int]


def summarize(message: Message) -> Summary:
    counts = Counter(t.lang for t in message.tokens if t.is_word and is_language(t.lang))
    ranked = tuple(lang for lang, _ in counts.most_common())
    return Summary(
        dominant=ranked[0] if ranked else None,
        languages=ranked,
        code_switched=len(ranked) > 1,
        word_counts=dict(counts),
    )
