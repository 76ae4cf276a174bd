"""Input hygiene at the pipeline boundary: bad text gets a clear error or an explicit repair."""

from __future__ import annotations

import regex

from mixlingo.core.errors import InputError

# Slack's own limit for a message's text.
SLACK_MAX_CHARS = 40_000

_LONE_SURROGATE = regex.compile(r"[\ud800-\udfff]")


def clean_text(text: str, *, max_chars: int | None = SLACK_MAX_CHARS) -> str:
    """Return text safe for every stage.

    Lone surrogates (what invalid UTF-8 bytes become on a command line) cannot be
    encoded, so each becomes U+FFFD, the standard replacement character, instead
    of crashing a model tokenizer later on.
    """
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}")
    if max_chars is not None and len(text) > max_chars:
        raise InputError(
            f"message is {len(text):,} characters; the limit is {max_chars:,} "
            "(Slack's own maximum). Split it, or raise MIXLINGO_MAX_MESSAGE_CHARS."
        )
    cleaned: str = _LONE_SURROGATE.sub("\ufffd", text)
    return cleaned


