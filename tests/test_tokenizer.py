"""Tokenizer: chat tokens with exact offsets, protected markup as single tokens."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mixlingo.nlp.markup import ProtectMarkup
from mixlingo.nlp.model import Message, TokenKind
from mixlingo.nlp.tokenizer import Tokenize


def tokens(text: str) -> list[tuple[str, str]]:
    message = Tokenize()(ProtectMarkup()(Message(text)))
    return [(t.text, t.kind.value) for t in message.tokens]


def test_words_contractions_and_punctuation() -> None:
    assert tokens("I'll send el reporte, ¿ok?") == [
        ("I'll", "word"),
        ("send", "word"),
        ("el", "word"),
        ("reporte", "word"),
        (",", "punct"),
        ("¿", "punct"),
        ("ok", "word"),
        ("?", "punct"),
    ]


def test_hashtags_handles_numbers_emoticons_and_repeated_punctuation() -> None:
    assert tokens("#felicidades @maria 10:30 3.5% :) xD !!! snake_case") == [
        ("#felicidades", "hashtag"),
        ("@maria", "symbol"),
        ("10:30", "number"),
        ("3.5%", "number"),
        (":)", "emoji"),
        ("xD", "emoji"),
        ("!!!", "punct"),
        ("snake_case", "word"),
    ]


def test_markup_becomes_protected_tokens() -> None:
    assert tokens("oye <@U1> mira :tada: 👍🏽 `code`") == [
        ("oye", "word"),
        ("<@U1>", "protected"),
        ("mira", "word"),
        (":tada:", "protected"),
        ("👍🏽", "protected"),
        ("`code`", "protected"),
    ]


def test_unprotected_emoji_are_emoji_tokens() -> None:
    message = Tokenize()(Message("hola 😂🔥"))  # no markup stage ran
    assert [(t.text, t.kind) for t in message.tokens] == [("hola", TokenKind.WORD), ("😂🔥", TokenKind.EMOJI)]


def test_line_breaks_are_not_tokens() -> None:
    assert tokens("uno\n\ndos") == [("uno", "word"), ("dos", "word")]


@given(st.text())
def test_offsets_point_at_the_token_text_in_order(text: str) -> None:
    message = Tokenize()(ProtectMarkup()(Message(text)))
    previous_end = 0
    for token in message.tokens:
        assert text[token.start : token.end] == token.text
        assert token.start >= previous_end and token.end > token.start
        previous_end = token.end
    covered = "".join(t.text for t in message.tokens)
    assert "".join(text.split()) == "".join(covered.split())  # nothing but whitespace is dropped


def test_zero_width_joiners_stay_inside_a_word() -> None:
    """Sinhala ශ්‍රී and Malayalam chillu forms are spelt with U+200D / U+200C: one word each, not two."""
    from mixlingo.nlp.tokenizer import tokenize_span

    text = "ශ්\u200dරී ලංකා, می\u200cخواهم"
    assert [t.text for t in tokenize_span(text, 0, len(text))] == ["ශ්\u200dරී", "ලංකා", ",", "می\u200cخواهم"]
