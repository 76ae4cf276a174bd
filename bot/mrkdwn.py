"""Plain text (errors, notes, help) made safe to post as Slack mrkdwn.

Slack renders ``*``, ``_`` and ``~`` as formatting and ``<…>`` as links or mentions, so an
error naming ``MIXLINGO_MAX_MESSAGE_CHARS`` would show as "MIXLINGO*MAX*MESSAGE_CHARS" in
italics. Words that contain a formatting character (setting names, identifiers) go into
code spans, where Slack formats nothing; ``& < >`` become entities. Existing code spans
are kept. Applying it twice gives the same text, so callers need not track what is escaped.
"""

from __future__ import annotations

import re

_CODE_SPAN = re.compile(r"(`[^`\n]+`)")
_MARKED_WORD = re.compile(r"[^\s`]*[*_~][^\s`]*")
_TRAILING = ".,;:!?)"
_BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


def escape_mrkdwn(text: str) -> str:
    """``text`` as mrkdwn that shows exactly these characters (formatting words in code spans)."""
    parts = _CODE_SPAN.split(text)
    return "".join(_entities(part) if index % 2 else _plain(part) for index, part in enumerate(parts))


def _plain(text: str) -> str:
    return _MARKED_WORD.sub(_code_span, _entities(text))


def _code_span(match: re.Match[str]) -> str:
    word = match.group(0)
    core = word.rstrip(_TRAILING)
    lead = len(core) - len(core.lstrip("("))
    return f"{core[:lead]}`{core[lead:]}`{word[len(core):]}" if core[lead:] else word


def _entities(text: str) -> str:
    return _BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
