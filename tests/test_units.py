"""Putting inline markup back into a translation, without trusting what the model wrote."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from mixlingo.nlp.fill import Filled, fill_placeholders
from mixlingo.nlp.markup import find_protected, slack_escape

PIECES = [("[1]", "<@U1>"), ("[2]", "*"), ("[3]", "*")]
SOURCE = "[2]el reporte[3] para [1]"


def test_pieces_go_back_where_the_translation_moved_them() -> None:
    assert fill_placeholders("[2]the report[3] for [1]", PIECES, SOURCE) == Filled("*the report* for <@U1>", 0)


def test_dropped_pieces_are_appended_not_lost() -> None:
    assert fill_placeholders("the report for", [("[1]", "<@U1>")]) == Filled("the report for <@U1>", 1)
    assert fill_placeholders("", [("[1]", "<@U1>"), ("[2]", ":tada:")]) == Filled("<@U1> :tada:", 2)


def test_without_a_fallback_a_lost_formatting_pair_is_dropped_and_its_words_stay() -> None:
    """The last resort only: in the pipeline such a sentence is translated again cut at its markers
    (tests/test_formatting_fallback.py); a unit that has no fallback still never shows a stray marker."""
    assert fill_placeholders("the report for [1]", PIECES, SOURCE) == Filled("the report for <@U1>", 0, 1)
    assert fill_placeholders("the [3]report for [1]", PIECES, SOURCE) == Filled("the report for <@U1>", 0, 1)
    assert fill_placeholders("[3]the report[2] for [1]", PIECES, SOURCE) == Filled("the report for <@U1>", 0, 1)
    assert fill_placeholders("[2][3] the report for [1]", PIECES, SOURCE) == Filled("the report for <@U1>", 0, 1)


def test_kept_markers_are_moved_against_their_words() -> None:
    assert fill_placeholders("[2] the report [3] for [1]", PIECES, SOURCE).text == "*the report* for <@U1>"
    assert fill_placeholders("see[2]the report[3]now [1]", PIECES, SOURCE).text == "see *the report* now <@U1>"


def test_a_marker_whose_partner_is_outside_the_unit_is_glued_back_to_the_words() -> None:
    closing = [("[1]", "*")]
    assert fill_placeholders("the report tomorrow", closing, "el reporte[1] mañana").text == "the report tomorrow*"
    assert fill_placeholders("the report [1] tomorrow", closing, "el reporte[1] mañana").text == "the report* tomorrow"
    opening = [("[1]", "_")]
    assert fill_placeholders("the report", opening, "la [1]casa").text == "_the report"


def test_repeated_placeholders_keep_the_first_and_unknown_ones_stay() -> None:
    assert fill_placeholders("[1] and [1] [9]", [("[1]", "<@U1>")]) == Filled("<@U1> and  [9]", 0)


def test_piece_text_that_looks_like_a_placeholder_is_not_replaced_again() -> None:
    pieces = [("[1]", "`arr[2]`"), ("[2]", "<@U2>")]
    assert fill_placeholders("see [1] by [2]", pieces) == Filled("see `arr[2]` by <@U2>", 0)


def test_model_text_cannot_ping_mention_or_link() -> None:
    hostile = "hey <!channel> and <@U999> in <#C1|x> see <https://evil.example|here> [1] a&b <3"
    text = fill_placeholders(hostile, [("[1]", "<@U1>")]).text
    assert text == ("hey &lt;!channel&gt; and &lt;@U999&gt; in &lt;#C1|x&gt; see &lt;https://evil.example|here&gt; "
                    "<@U1> a&amp;b &lt;3")
    assert slack_escape("&lt; &amp; &gt; &") == "&lt; &amp; &gt; &amp;"


LIVE = regex.compile(r"<[@#!][^<>]*>|<(?:https?|mailto|ftp|tel):[^<>]*>")
MARKS = ["*", "_", "~"]


def _unmatched_markers(text: str) -> str:
    """What is left of ``*_~`` once Slack's pairs and other protected pieces are taken out."""
    for piece in find_protected(text):
        if not regex.fullmatch(r"[*_~]+", piece.text):
            text = text.replace(piece.text, " ")
    pair = regex.compile(r"(?<![\p{L}\p{N}])([*_~])(?=\S)(.*?[^\s*_~].*?)(?<=\S)\1(?![\p{L}\p{N}])")
    while (stripped := pair.sub(r"\2", text)) != text:
        text = stripped
    return "".join(c for c in text if c in "*_~")


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.lists(st.tuples(st.sampled_from(MARKS), st.sampled_from(["la casa", "el reporte", "hola"])), min_size=1, max_size=3),
    st.lists(st.one_of(st.sampled_from(["[1]", "[2]", "[3]", "[4]", "[5]", "[6]"]),
                       st.sampled_from(["the", "house", " ", "  ", "report", "!"])), max_size=14),
)
def test_any_model_output_leaves_no_unmatched_marker(phrases: list[tuple[str, str]], output: list[str]) -> None:
    pieces, source = [], []
    for mark, words in phrases:
        opening, closing = f"[{len(pieces) + 1}]", f"[{len(pieces) + 2}]"
        pieces += [(opening, mark), (closing, mark)]
        source.append(f"{opening}{words}{closing}")
    filled = fill_placeholders("".join(output), pieces, " ".join(source))
    assert _unmatched_markers(filled.text) == "", filled


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.sampled_from(["<", ">", "!channel", "!here", "@U9", "#C9", "https://x.example", "mailto:a@b", "|",
                                  "&", "lt;", "gt;", "amp;", "[1]", "[2]", " ", "hi"]), max_size=16))
def test_any_model_output_makes_no_live_token(output: list[str]) -> None:
    filled = fill_placeholders("".join(output), [("[1]", "<@U1>"), ("[2]", "<#C2>")])
    assert set(LIVE.findall(filled.text)) <= {"<@U1>", "<#C2>"}
