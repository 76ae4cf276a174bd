"""The data model every stage reads and writes, in the spirit of spaCy's ``Doc``.

A :class:`Message` owns the original text; tokens and protected pieces point into
it by character offsets, and spans are index ranges over the tokens, so nothing
is copied and every stage can always get back to the exact original bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mixlingo.nlp.translation import Translation


class TokenKind(str, Enum):
    """What a token is, so stages can decide what to tag or translate."""

    WORD = "word"
    NUMBER = "number"
    HASHTAG = "hashtag"
    PUNCT = "punct"
    EMOJI = "emoji"
    SYMBOL = "symbol"
    PROTECTED = "protected"


@dataclass(frozen=True, slots=True)
class ProtectedPiece:
    """A run of Slack markup that must come out byte-for-byte as it went in."""

    start: int
    end: int
    kind: str
    text: str


@dataclass(slots=True)
class Token:
    """One token of a message: text, offsets into ``Message.text``, language tag."""

    text: str
    start: int
    end: int
    kind: TokenKind
    whitespace: str = ""
    lang: str | None = None
    confidence: float | None = None

    @property
    def protected(self) -> bool:
        return self.kind is TokenKind.PROTECTED

    @property
    def is_word(self) -> bool:
        return self.kind is TokenKind.WORD


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range of token indices ``[start, end)`` over a message."""

    start: int
    end: int
    label: str | None = None

    def __len__(self) -> int:
        return self.end - self.start

    def text(self, message: Message) -> str:
        """The original text the span covers, whitespace inside it included."""
        if not len(self):
            return ""
        return message.text[message.tokens[self.start].start : message.tokens[self.end - 1].end]


@dataclass(slots=True)
class Message:
    """A chat message on its way through the pipeline."""

    text: str
    protected: list[ProtectedPiece] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    pair: tuple[str, str] | None = None
    pair_reason: str | None = None
    """Why this pair was chosen, in plain words (for ``--explain`` and the playground)."""
    pair_evidence: float | None = None
    """The share of the words the chosen pair's tagger explains, when taggers chose the pair."""
    tagger: str | None = None
    target: str | None = None
    """The reader's language, when the message is being translated."""
    script: str | None = None
    """The script the reader wants ``target`` in (``latin`` for romanized Hindi); None: the configured default."""
    translation: Translation | None = None

    def spans_by_lang(self) -> list[Span]:
        """Maximal runs of word tokens sharing a language tag.

        Non-word tokens (punctuation, emoji, markup) between two words of the
        same language do not break a run, which is what a translator wants.
        """
        spans: list[Span] = []
        start: int | None = None
        end = 0
        current: str | None = None
        for i, token in enumerate(self.tokens):
            if not token.is_word:
                continue
            if token.lang == current and start is not None:
                end = i + 1
                continue
            if start is not None:
                spans.append(Span(start, end, current))
            start, end, current = i, i + 1, token.lang
        if start is not None:
            spans.append(Span(start, end, current))
        return spans
