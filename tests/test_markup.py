"""Markup protection: Slack mrkdwn survives masking, translation and restoring byte for byte."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from mixlingo.nlp import Pipeline
from mixlingo.nlp.markup import PLACEHOLDER_OPEN, ProtectMarkup, find_protected, mask, restore, translatable_segments
from mixlingo.nlp.tokenizer import Tokenize

PROTECTED_EXAMPLES = [
    "<@U024BE7LH>",
    "<@U024BE7LH|maria>",
    "<#C024BE7LB|general>",
    "<#C024BE7LB>",
    "<!subteam^SAZ94GDB8|@devs>",
    "<!here>",
    "<!channel>",
    "<!everyone>",
    "<!date^1392734382^{date_num}|2014-02-18>",
    "<https://example.com/a?b=1&amp;c=2>",
    "<mailto:bob@example.com>",
    "`npm install`",
    "```\ndef f():\n    return 1\n```",
    ":tada:",
    ":+1::skin-tone-3:",
    "👍🏽",
    "👨‍👩‍👧",
    "🇪🇸",
    "&amp;",
    "&lt;",
    "&gt;",
]


@pytest.mark.parametrize("piece", PROTECTED_EXAMPLES)
def test_each_kind_of_markup_is_one_protected_piece(piece: str) -> None:
    text = f"mira esto {piece} ok"
    pieces = find_protected(text)
    assert [p.text for p in pieces] == [piece]
    assert text[pieces[0].start : pieces[0].end] == piece


def test_link_label_stays_translatable_but_url_does_not() -> None:
    text = "ve <https://x.com/r?id=7|el reporte> ya"
    pieces = find_protected(text)
    assert [p.text for p in pieces] == ["<https://x.com/r?id=7|", ">"]
    assert "el reporte" in translatable_segments(mask(text, pieces))


def test_formatting_markers_quotes_lists_and_line_breaks() -> None:
    text = "&gt; cita *negrita* _it_ ~tachado~\n• uno\n1. dos\n- tres"
    kinds = [(p.text, p.kind) for p in find_protected(text)]
    assert kinds == [
        ("&gt; ", "quote"),
        ("*", "format"),
        ("*", "format"),
        ("_", "format"),
        ("_", "format"),
        ("~", "format"),
        ("~\n• ", "format+newline+list"),
        ("\n1. ", "newline+list"),
        ("\n- ", "newline+list"),
    ]


def test_plain_underscores_and_arithmetic_are_not_markup() -> None:
    assert find_protected("snake_case 5 * 3 a_b_c") == []


def test_times_are_not_emoji_shortcodes() -> None:
    assert find_protected("nos vemos a las 10:30:45 ok") == []


@pytest.mark.parametrize("run", [":tada::tada::tada:", ":+1::+1:", ":+1::skin-tone-3::tada:", ":wave::skin-tone-2::wave:"])
def test_a_run_of_shortcodes_is_one_protected_emoji_each(run: str) -> None:
    """Only the first of ``:tada::tada:`` was protected; the next ``tada`` became a Spanish word to translate."""
    text = f"hola {run} amigo"
    emoji = [p.text for p in find_protected(text, merge=False)]
    assert "".join(emoji) == run and all(regex.fullmatch(r"(?::[a-z0-9+_-]+:)(?::skin-tone-\d:)?", e) for e in emoji)
    message = Pipeline([("markup", ProtectMarkup()), ("tokenize", Tokenize())])(text)
    assert [t.text for t in message.tokens if t.is_word] == ["hola", "amigo"]


def test_translation_that_drops_a_placeholder_is_reported() -> None:
    text = "hola <@U1> y <@U2>"
    pieces = find_protected(text)
    assert mask(text, pieces) == "hola \ue0000\ue001 y \ue0001\ue001"
    restored = restore("hello \ue0000\ue001", pieces)
    assert restored.text == "hello <@U1>" and restored.missing == (1,)


def test_formatting_inside_a_link_label_is_protected_too() -> None:
    pieces = find_protected("<https://x.co|*negrita*>")
    assert [p.text for p in pieces] == ["<https://x.co|*", "*>"]


# --- property tests ---------------------------------------------------------------

words = st.text(alphabet="abcdefghijklmnñopqrstuvwxyzáéíóúü ABCÑ", min_size=1, max_size=12)
elements = st.one_of(
    words.map(lambda w: ("text", w)),
    st.sampled_from(PROTECTED_EXAMPLES).map(lambda p: ("piece", p)),
    st.tuples(st.from_regex(r"https://[a-z]{1,8}\.com/[a-z0-9?=&]{0,8}", fullmatch=True), words).map(
        lambda t: ("link", (f"<{t[0]}|", t[1], ">"))
    ),
    words.map(lambda w: ("text", f"*{w.strip() or 'x'}*")),
    st.sampled_from(["\n", "\n&gt; ", "\n• ", "\n\n"]).map(lambda p: ("text", p)),
)


@st.composite
def mrkdwn_messages(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """A message built from markup elements; also returns where the must-protect parts are."""
    text, must = "", []
    for kind, value in draw(st.lists(elements, max_size=25)):
        if kind == "piece":
            text += " "
            must.append((len(text), len(text) + len(value)))
            text += value + " "
        elif kind == "link":
            opening, label, closing = value
            text += " "
            must.append((len(text), len(text) + len(opening)))
            text += opening + label
            must.append((len(text), len(text) + 1))
            text += closing + " "
        else:
            text += value
    return text, must


@settings(max_examples=300)
@given(st.text())
def test_mask_then_restore_is_identity_for_any_text(text: str) -> None:
    pieces = find_protected(text)
    assert restore(mask(text, pieces), pieces).text == text


@settings(max_examples=300)
@given(mrkdwn_messages())
def test_mask_then_restore_is_identity_for_mrkdwn(message: tuple[str, list[tuple[int, int]]]) -> None:
    text, _ = message
    pieces = find_protected(text)
    restored = restore(mask(text, pieces), pieces)
    assert restored.text == text and restored.missing == ()


@settings(max_examples=300)
@given(mrkdwn_messages())
def test_every_markup_element_lies_inside_a_protected_piece(message: tuple[str, list[tuple[int, int]]]) -> None:
    text, must = message
    pieces = find_protected(text)
    for start, end in must:
        assert any(p.start <= start and end <= p.end for p in pieces), text[start:end]


@settings(max_examples=300)
@given(mrkdwn_messages(), st.data())
def test_protected_pieces_survive_any_substitution_of_the_text(
    message: tuple[str, list[tuple[int, int]]], data: st.DataObject
) -> None:
    text, _ = message
    pieces = find_protected(text)
    segments = translatable_segments(mask(text, pieces))
    replacement_text = st.text().filter(lambda s: PLACEHOLDER_OPEN not in s and "\ue001" not in s)
    new = [data.draw(replacement_text) for _ in segments]
    translated = new[0] + "".join(f"\ue000{i}\ue001{seg}" for i, seg in enumerate(new[1:]))
    restored = restore(translated, pieces)
    expected = new[0] + "".join(p.text + seg for p, seg in zip(pieces, new[1:]))
    assert restored.text == expected and restored.missing == ()
