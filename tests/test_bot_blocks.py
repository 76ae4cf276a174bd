"""Block Kit: long text is split into sections only between pieces of markup and words."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from mixlingo.bot.blocks import SECTION_LIMIT, fallback_text, sections, split_mrkdwn, translation_blocks
from mixlingo.bot.service import Outcome
from mixlingo.nlp.markup import find_protected
from mixlingo.nlp.model import Message
from mixlingo.nlp.translation import Translation

PIECES = ["<@U024BE7LH>", "<#C024BE7LR|general>", "<https://example.com/a/b|the report>", ":tada:", "👍🏽",
          "`x = f(y)`", "&amp;", "<!here>", "*bold words*"]


def _pieces_kept_whole(text: str, chunks: list[str], limit: int) -> None:
    assert all(len(c) <= limit for c in chunks)
    spans, cursor = [], 0
    for chunk in chunks:
        if chunk:
            cursor = text.index(chunk, cursor)
        spans.append((cursor, cursor + len(chunk)))
        cursor += len(chunk)
    assert regex.sub(r"\s", "", "".join(chunks)) == regex.sub(r"\s", "", text)  # only a space or line break at a cut
    for piece in find_protected(text, merge=False):
        if piece.end - piece.start <= limit and piece.text.strip():
            assert any(a <= piece.start and piece.end <= b for a, b in spans), (piece.text, chunks)


def test_a_long_line_splits_between_pieces_at_every_alignment() -> None:
    """The 7.6k-character line: a mention at each of the offsets around a section boundary."""
    for piece in PIECES:
        for offset in range(SECTION_LIMIT - 30, SECTION_LIMIT + 2):
            text = "x" * offset + piece + " la casa " * 500
            chunks = split_mrkdwn(text, SECTION_LIMIT)
            _pieces_kept_whole(text, chunks, SECTION_LIMIT)


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(["la", "casa", "reporte", " ", "\n", "  "]),
                          st.text(alphabet="abc ", max_size=30)), max_size=60),
       st.integers(min_value=12, max_value=80))
def test_any_text_splits_only_between_pieces_and_words(parts: list[str], limit: int) -> None:
    text = "".join(parts)
    _pieces_kept_whole(text, split_mrkdwn(text, limit), limit)


def test_words_are_not_cut_when_a_space_is_there() -> None:
    assert split_mrkdwn("hola amigo reporte", 12) == ["hola amigo", "reporte"]
    assert split_mrkdwn("uno\ndos tres", 9) == ["uno", "dos tres"]


def test_sections_are_limited_and_translations_link_nothing_extra() -> None:
    text = ("hola <@U024BE7LH> " * 400).strip()
    blocks = sections(text)
    assert len(blocks) > 2 and all(len(b["text"]["text"]) <= SECTION_LIMIT for b in blocks)
    message = Message("x", target="en")
    message.translation = Translation("en", "whole", "test", text=text)
    outcome = Outcome(text="x", target="en", message=message)
    first = translation_blocks(outcome, requested_by=None, ref="{}")[0]
    assert first["text"]["verbatim"] is True
    fallback = fallback_text(outcome)
    assert fallback.endswith("…") and not regex.search(r"<[^>]*…$", fallback)
