"""Transliteration: the same words in another script, romanized ⇄ native (Hindi ⇄ Devanagari, Urdu ⇄ Perso-Arabic, ...).

People type Hindi in Latin letters ("kal meeting hai"), but a hi→xx translation model was trained
on Devanagari, and some readers prefer Hindi back in Latin letters. A :class:`Transliterator` turns
words one way or the other; :func:`transliterate_text` applies it to a whole message, changing only
the words in the source script and keeping everything else (Slack markup, emoji, numbers, spacing)
byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

import regex

from mixlingo.nlp.markup import find_protected
from mixlingo.nlp.model import TokenKind
from mixlingo.nlp.tokenizer import tokenize_span

Direction = Literal["native", "latin"]
DIRECTIONS: tuple[Direction, ...] = ("native", "latin")

_HAS_LATIN = regex.compile(r"\p{Latin}")
_OTHER_SCRIPT = regex.compile(r"[^\p{Latin}\P{L}]")
"""A letter of any script but Latin."""


class Transliterator(Protocol):
    """Words of one language between its native script and Latin letters.

    Both methods take and return one string per word, in order; a word the model cannot write is
    returned as it was."""

    lang: str

    def to_native(self, words: Sequence[str]) -> list[str]: ...

    def to_latin(self, words: Sequence[str]) -> list[str]: ...


def in_source_script(word: str, to: Direction) -> bool:
    """Whether ``word`` is one ``to`` converts: all-Latin letters towards native, no Latin letter towards Latin."""
    if to == "native":
        return bool(_HAS_LATIN.search(word)) and not _OTHER_SCRIPT.search(word)
    return bool(_OTHER_SCRIPT.search(word)) and not _HAS_LATIN.search(word)


def word_spans(text: str, to: Direction) -> list[tuple[int, int]]:
    """(start, end) of every word outside Slack markup that is written in the script ``to`` converts from."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in [*find_protected(text), None]:
        end = piece.start if piece is not None else len(text)
        spans += [(t.start, t.end) for t in tokenize_span(text, cursor, end)
                  if t.kind is TokenKind.WORD and in_source_script(t.text, to)]
        cursor = piece.end if piece is not None else end
    return spans


def transliterate_text(text: str, transliterator: Transliterator, to: Direction = "native") -> str:
    """``text`` with its words in the other script converted (see :func:`word_spans`); all else byte for byte."""
    return transliterate_texts([text], transliterator, to)[0]


def transliterate_texts(texts: Sequence[str], transliterator: Transliterator, to: Direction = "native") -> list[str]:
    """:func:`transliterate_text` for many texts, with one call to the transliterator for all their words.

    A model that writes unseen words in batches (as the shipped one does) is much faster per word that way."""
    spans = [word_spans(text, to) for text in texts]
    words = [text[start:end] for text, found in zip(texts, spans) for start, end in found]
    if not words:
        return list(texts)
    written = transliterator.to_native(words) if to == "native" else transliterator.to_latin(words)
    if len(written) != len(words):
        raise ValueError(f"the transliterator returned {len(written)} words for {len(words)}")
    results, place = [], iter(written)
    for text, found in zip(texts, spans):
        out, cursor = [], 0
        for start, end in found:
            out += [text[cursor:start], next(place)]
            cursor = end
        out.append(text[cursor:])
        results.append("".join(out))
    return results
