"""Putting inline markup back into a translation."""

from __future__ import annotations

from mixlingo.nlp.units import fill_placeholders

PIECES = [("[1]", "<@U1>"), ("[2]", "*"), ("[3]", "*")]


def test_pieces_go_back_where_the_translation_moved_them() -> None:
    assert fill_placeholders("[2]the report[3] for [1]", PIECES) == ("*the report* for <@U1>", 0)


def test_dropped_pieces_are_appended_not_lost() -> None:
    assert fill_placeholders("the report for [1]", PIECES) == ("the report for <@U1> * *", 2)
    assert fill_placeholders("", PIECES) == ("<@U1> * *", 3)


def test_repeated_placeholders_keep_the_first_and_unknown_ones_stay() -> None:
    assert fill_placeholders("[1] and [1] [9]", [("[1]", "<@U1>")]) == ("<@U1> and  [9]", 0)


def test_piece_text_that_looks_like_a_placeholder_is_not_replaced_again() -> None:
    pieces = [("[1]", "`arr[2]`"), ("[2]", "<@U2>")]
    assert fill_placeholders("see [1] by [2]", pieces) == ("see `arr[2]` by <@U2>", 0)
