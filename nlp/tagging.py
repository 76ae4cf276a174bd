"""Language tagging: the ``Tagger`` protocol and the stage that applies one.

Taggers see every token but protected markup, in order, because punctuation
and emoji are context a model was trained with (LinCE tweets keep them). Only
words and hashtags keep the tagger's answer; everything else is ``other`` by
definition (the LinCE convention).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol, runtime_checkable

from mixlingo.core.errors import InputError
from mixlingo.nlp.labels import OTHER
from mixlingo.nlp.model import Message, TokenKind

# Hashtags carry language too (LinCE tags "#tbt" lang1, "#felicidades" lang2).
TAGGABLE = frozenset({TokenKind.WORD, TokenKind.HASHTAG})


class Tag(NamedTuple):
    """One token's label and the tagger's confidence in it (a tuple: taggers make millions)."""

    lang: str
    confidence: float


@runtime_checkable
class Tagger(Protocol):
    """Tags each word of each sentence with a language code or a non-language label."""

    name: str

    @property
    def notes(self) -> list[str]:
        """Short remarks for the user (a runtime that fell back), passed on once; usually empty.

        Read-only here: a plain attribute satisfies it, and so does a wrapper's property (micro-batching)."""
        ...

    def describe(self) -> str:
        """What it runs on, after any fallback (``mbert on onnx``): for ``--explain`` and the bench."""
        ...

    def languages(self) -> tuple[str, ...] | None:
        """The languages this tagger can emit, or ``None`` if it adapts to any pair."""
        ...

    def tag_batch(
        self, sentences: Sequence[Sequence[str]], pair: tuple[str, str] | None = None
    ) -> list[list[Tag]]: ...


@runtime_checkable
class ExplainsWords(Protocol):
    """A tagger that can say how well its languages account for a sentence's words.

    Pair choice asks it: a message whose words one model explains far better than
    another's was most likely written in that model's pair."""

    def evidence(self, sentences: Sequence[Sequence[str]]) -> list[float]:
        """Per sentence, how well this tagger's languages fit its alphabetic word tokens, 0..1
        (graded by how frequent each word is in them); 0.0 for a sentence without such words."""
        ...


class TagLanguages:
    """Stage: set ``lang`` and ``confidence`` on every token of a message.

    Given several taggers in order of preference, each message's pair (set by
    :class:`~mixlingo.nlp.pair.ChoosePair`) goes to the first tagger that covers it,
    so an mBERT model for spa-eng serves en-es and the lexicon tagger the rest.
    """

    def __init__(self, *taggers: Tagger):
        if not taggers:
            raise ValueError("TagLanguages needs at least one tagger")
        self.taggers = taggers

    def __call__(self, message: Message) -> Message:
        return self.tag_many([message])[0]

    def tagger_for(self, pair: tuple[str, str] | None) -> Tagger:
        for tagger in self.taggers:
            langs = tagger.languages()
            if langs is None or pair is None or set(pair) <= set(langs):
                return tagger
        raise InputError(
            f"no configured tagger covers {'-'.join(pair or ())}: "
            + "; ".join(f"{t.name} tags {'/'.join(t.languages() or ('any',))}" for t in self.taggers)
        )

    def tag_many(self, messages: Sequence[Message]) -> list[Message]:
        """Batch entry point: one tagger call per language pair."""
        by_pair: dict[tuple[str, str] | None, list[Message]] = {}
        for message in messages:
            by_pair.setdefault(message.pair, []).append(message)
        for pair, group in by_pair.items():
            tagger = self.tagger_for(pair)
            seen = [[t.text for t in m.tokens if not t.protected] for m in group]
            tags = tagger.tag_batch(seen, pair) if any(seen) else [[] for _ in group]
            for message, message_tags in zip(group, tags, strict=True):
                _apply(message, message_tags)
                message.tagger = tagger.name
        return list(messages)



def _apply(message: Message, tags: Sequence[Tag]) -> None:
    found = iter(tags)
    for token in message.tokens:
        tag = Tag(OTHER, 1.0) if token.protected else next(found)
        if token.kind not in TAGGABLE:
            tag = Tag(OTHER, 1.0)
        token.lang, token.confidence = tag.lang, tag.confidence
