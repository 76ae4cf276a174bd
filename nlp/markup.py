"""Slack markup protection: find every piece of mrkdwn that must never be translated.

Two passes over the text. The first finds the pieces whose inside is never
text (code, ``<…>`` mentions and links); the second scans only what is left,
link labels included, for emoji, entities, formatting markers and line
structure. Masking swaps each piece for a placeholder built from private-use
code points, which no translation invents, so restoring is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from mixlingo.nlp.model import Message, ProtectedPiece

PLACEHOLDER_OPEN = "\ue000"
PLACEHOLDER_CLOSE = "\ue001"
_PLACEHOLDER = regex.compile(f"{PLACEHOLDER_OPEN}(\\d+){PLACEHOLDER_CLOSE}")

_HARD = regex.compile(
    r"""
    (?P<code_block>```.*?```)
  | (?P<inline_code>`[^`\n]+`)
  | (?P<link><(?:https?://|mailto:|ftp://|tel:)[^<>|\s]*)(?:(?P<label_sep>\|)(?P<label>[^<>]*))?(?P<link_end>>)
  | (?P<special><[@#!][^<>\s]*(?:\|[^<>]*)?>)
    """,
    regex.VERBOSE | regex.DOTALL,
)

_EMOJI_CHAR = r"[\p{Extended_Pictographic}\U0001F3FB-\U0001F3FF]"
_EMOJI_TAIL = r"[\uFE0F\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F]*"

_SHORTCODE = r":[a-z0-9_+'\-]*[a-z+][a-z0-9_+'\-]*:(?::skin-tone-[2-6]:)?"
"""One ``:name:`` emoji (with its skin tone). A run of them with no spaces (``:tada::tada:``) is one emoji each."""

_SOFT = regex.compile(
    rf"""
    (?P<reserved>[{PLACEHOLDER_OPEN}{PLACEHOLDER_CLOSE}]+)
  | (?P<quote>(?m:^)[ \t]*(?:&gt;&gt;&gt;|&gt;|>>>|>)[ \t]?)
  | (?P<list>(?m:^)[ \t]*(?:[•◦▪‣]|[-*](?=[ \t])|\d{{1,3}}[.)](?=[ \t]))[ \t]+)
  | (?P<newline>(?:[ \t]*\n)+)
  | (?P<url>(?:https?|ftp)://[^\s<>]+)
  | (?P<shortcode>(?:(?<![\w:])|(?<=(?<![\w:])(?:{_SHORTCODE})+)){_SHORTCODE})
  | (?P<emoji>(?:\p{{Regional_Indicator}}{{2}}|[0-9#*]\uFE0F?\u20E3
        |{_EMOJI_CHAR}{_EMOJI_TAIL}(?:\u200D{_EMOJI_CHAR}{_EMOJI_TAIL})*)+)
  | (?P<entity>&(?:amp|lt|gt);)
  | (?P<format>(?<![\p{{L}}\p{{N}}*_~])[*_~]+(?=[^\s*_~])|(?<=[^\s*_~])[*_~]+(?![\p{{L}}\p{{N}}*_~]))
    """,
    regex.VERBOSE,
)


def find_protected(text: str, *, merge: bool = True) -> list[ProtectedPiece]:
    """Every protected piece of ``text``, in order, adjacent pieces merged (unless ``merge`` is false)."""
    pieces: list[ProtectedPiece] = []
    cursor = 0
    for match in _HARD.finditer(text):
        pieces += _soft_pieces(text, cursor, match.start())
        if match.group("link") is not None and match.group("label_sep"):
            label_start, label_end = match.span("label")
            pieces.append(_piece(text, match.start(), label_start, "link"))
            pieces += _soft_pieces(text, label_start, label_end)
            pieces.append(_piece(text, label_end, match.end(), "link"))
        else:
            pieces.append(_piece(text, match.start(), match.end(), match.lastgroup or "special"))
        cursor = match.end()
    pieces += _soft_pieces(text, cursor, len(text))
    return _merge_adjacent(text, pieces) if merge else pieces


def _soft_pieces(text: str, start: int, end: int) -> list[ProtectedPiece]:
    return [
        _piece(text, m.start(), m.end(), m.lastgroup)
        for m in _SOFT.finditer(text, start, end)
        if m.end() > m.start()
    ]


def _piece(text: str, start: int, end: int, kind: str) -> ProtectedPiece:
    return ProtectedPiece(start, end, kind, text[start:end])


def _merge_adjacent(text: str, pieces: list[ProtectedPiece]) -> list[ProtectedPiece]:
    """Fewer placeholders for the translator: touching pieces become one."""
    merged: list[ProtectedPiece] = []
    for piece in pieces:
        if merged and merged[-1].end == piece.start:
            last = merged.pop()
            kind = last.kind if last.kind == piece.kind else f"{last.kind}+{piece.kind}"
            piece = _piece(text, last.start, piece.end, kind)
        merged.append(piece)
    return merged


def placeholder(index: int) -> str:
    return f"{PLACEHOLDER_OPEN}{index}{PLACEHOLDER_CLOSE}"


def mask(text: str, pieces: list[ProtectedPiece]) -> str:
    """``text`` with each protected piece replaced by its numbered placeholder."""
    out, cursor = [], 0
    for index, piece in enumerate(pieces):
        out.append(text[cursor : piece.start])
        out.append(placeholder(index))
        cursor = piece.end
    out.append(text[cursor:])
    return "".join(out)


@dataclass(frozen=True)
class Restored:
    text: str
    missing: tuple[int, ...]
    """Indices of pieces whose placeholder the translation dropped."""


def restore(masked: str, pieces: list[ProtectedPiece]) -> Restored:
    """Put the protected pieces back. Unknown placeholder numbers are left as they are."""
    seen: set[int] = set()

    def put_back(match: regex.Match) -> str:
        index = int(match.group(1))
        if index >= len(pieces):
            return str(match.group(0))
        seen.add(index)
        return pieces[index].text

    text = _PLACEHOLDER.sub(put_back, masked)
    return Restored(text, tuple(i for i in range(len(pieces)) if i not in seen))


_UNSAFE = regex.compile(r"&(?!(?:amp|lt|gt);)|<|>")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def slack_escape(text: str) -> str:
    """Text as Slack escapes it: ``&``, ``<`` and ``>`` become entities, so it can never open a mention or link.

    Entities already there stay as they are, so escaping twice changes nothing.
    """
    return str(_UNSAFE.sub(lambda m: _ESCAPES[m.group()[0]], text))


def translatable_segments(masked: str) -> list[str]:
    """The text between placeholders: what a translator may change."""
    segments: list[str] = _PLACEHOLDER.split(masked)[::2]
    return segments


class ProtectMarkup:
    """Stage: record the message's protected pieces."""

    def __call__(self, message: Message) -> Message:
        message.protected = find_protected(message.text)
        return message
