"""The bot's own text (errors, notes, help) shows in Slack exactly as written."""

from __future__ import annotations

import pytest

from mixlingo.bot.blocks import notice, nothing_to_do, problem
from mixlingo.bot.mrkdwn import escape_mrkdwn
from mixlingo.bot.service import Outcome
from mixlingo.nlp.model import Message
from mixlingo.nlp.translation import Translation


@pytest.mark.parametrize(
    ("text", "expected"),
    [("raise MIXLINGO_MAX_MESSAGE_CHARS.", "raise `MIXLINGO_MAX_MESSAGE_CHARS`."),
     ("pass local_files_only=False as input", "pass `local_files_only=False` as input"),
     ("run `mixlingo models pull` (now)", "run `mixlingo models pull` (now)"),
     ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
     ("(MIXLINGO_PAIRS)", "(`MIXLINGO_PAIRS`)")],
)
def test_escape_puts_formatting_words_in_code_spans(text: str, expected: str) -> None:
    assert escape_mrkdwn(text) == expected
    assert escape_mrkdwn(expected) == expected  # escaping twice changes nothing


def test_errors_and_notices_are_escaped_in_blocks() -> None:
    outcome = Outcome(text="x", target="en", error="message is too long; raise MIXLINGO_MAX_MESSAGE_CHARS.")
    assert "`MIXLINGO_MAX_MESSAGE_CHARS`" in problem(outcome)
    assert notice("set MIXLINGO_MAX_MESSAGE_CHARS <here>")[0]["text"]["text"] == "set `MIXLINGO_MAX_MESSAGE_CHARS` &lt;here&gt;"


def test_nothing_to_translate_is_not_said_twice() -> None:
    message = Message(":tada:")
    message.translation = Translation("en", "none", "nothing to translate: no words, only markup, emoji, code or links")
    outcome = Outcome(text=":tada:", target="en", message=message)
    assert nothing_to_do(outcome).count("othing to translate") == 1
