"""Cutting the text to translate into model-sized units, and putting results back.

Structural markup (line breaks, lists, quotes, code blocks, link brackets) splits
the text: each side is translated on its own and the markup between stays as it
is. Inline markup (mentions, emoji, formatting markers, inline code) and names
stay inside the sentence as numbered placeholders like ``[1]`` that translation
models copy through, so word order can change around them.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from mixlingo.nlp.labels import ENTITY
from mixlingo.nlp.model import Message, ProtectedPiece
from mixlingo.nlp.tagging import TAGGABLE
from mixlingo.nlp.translation import Unit

_HARD_KINDS = ("newline", "list", "quote", "code_block", "link", "url")
_SENTENCE_END = regex.compile(r"""[.!?…。]+["'”’)\]]*\s+""")
_WHITESPACE = regex.compile(r"\s+")
_MARKERS_AT_START = regex.compile(r"[*_~]+")
_MARKERS_AT_END = regex.compile(r"[*_~]+$")
_ONLY_MARKERS = regex.compile(r"[*_~]+")
_EDGES = regex.compile(r"(\s*)(.*?)(\s*)", regex.DOTALL)
_WORD = regex.compile(r"\p{L}")
MT_PLACEHOLDER = regex.compile(r"\[\d+\]")
"""How an inline piece appears in a model input: ``[1]``, ``[2]`` …"""


def is_structural(piece: ProtectedPiece) -> bool:
    return any(kind in piece.kind for kind in _HARD_KINDS)


def build_units(message: Message, start: int, end: int, lang: str, max_chars: int) -> list[Unit]:
    """Units for the character range ``[start, end)`` of the message, in ``lang``.

    A piece longer than ``max_chars`` splits the text like structural markup: it
    stays out of every unit, untranslated and whole, so no unit is cut through it.
    """
    inline: list[tuple[int, int]] = []
    cuts = [start]
    for piece in message.protected:
        if piece.end <= start or piece.start >= end:
            continue
        if is_structural(piece) or piece.end - piece.start > max_chars:
            cuts += [piece.start, piece.end]
        else:
            inline += _split_format_edges(piece)
    inline += [(t.start, t.end) for t in message.tokens if t.lang == ENTITY and start <= t.start and t.end <= end]
    inline.sort()
    cuts.append(end)
    units: list[Unit] = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        for s, e in _sentences(message.text, a, b, inline, max_chars):
            s, e = _trim_edges(message.text, s, e, inline)
            if _has_words(message, s, e):
                units.append(_unit(message.text, s, e, lang, inline))
    return units


def _split_format_edges(piece: ProtectedPiece) -> list[tuple[int, int]]:
    """A formatting marker merged with a neighbour (``*<@U1>``) gets its own placeholder, so it can pair up."""
    kinds = piece.kind.split("+")
    bounds = {piece.start, piece.end}
    if len(kinds) > 1 and kinds[0] == "format":
        bounds.add(piece.start + _MARKERS_AT_START.match(piece.text).end())
    if len(kinds) > 1 and kinds[-1] == "format":
        bounds.add(piece.start + _MARKERS_AT_END.search(piece.text).start())
    ordered = sorted(bounds)
    return list(zip(ordered, ordered[1:]))


def _has_words(message: Message, start: int, end: int) -> bool:
    return any(t.kind in TAGGABLE and t.lang != ENTITY and start <= t.start and t.end <= end for t in message.tokens)


def _sentences(text: str, start: int, end: int, inline: list[tuple[int, int]], max_chars: int) -> Iterator[tuple[int, int]]:
    """Sentence ranges (whitespace trimmed) of ``text[start:end]``, none longer than ``max_chars``."""
    bounds = [start]
    for match in _SENTENCE_END.finditer(text, start, end):
        if not any(a < match.start() < b for a, b in inline):
            bounds.append(match.end())
    bounds.append(end)
    for a, b in zip(bounds, bounds[1:]):
        yield from _chunks(text, a, b, inline, max_chars)


def _chunks(text: str, start: int, end: int, inline: list[tuple[int, int]], max_chars: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > max_chars:
        cut = max(
            (m.start() for m in _WHITESPACE.finditer(text, start, start + max_chars)
             if not any(a < m.start() < b for a, b in inline)),
            default=start + max_chars,
        )
        cut = cut if cut > start else start + max_chars
        cut = next((a if a > start else b for a, b in inline if a < cut < b), cut)  # never inside a piece
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def _trim_edges(text: str, start: int, end: int, inline: list[tuple[int, int]]) -> tuple[int, int]:
    """Markup at the very start or end of a unit stays where it is, outside the model input."""
    changed = True
    while changed and start < end:
        changed = False
        for a, b in inline:
            if a == start and b <= end:
                start, changed = b, True
            elif b == end and a >= start:
                end, changed = a, True
        while start < end and text[start].isspace():
            start, changed = start + 1, True
        while end > start and text[end - 1].isspace():
            end, changed = end - 1, True
    return start, end


def _unit(text: str, start: int, end: int, lang: str, inline: list[tuple[int, int]]) -> Unit:
    inside = [(a, b) for a, b in inline if start <= a and b <= end]
    taken = set(regex.findall(r"\[(\d+)\]", text[start:end]))
    numbers = (str(i) for i in range(1, 10_000) if str(i) not in taken)
    out, pieces, cursor = [], [], start
    for a, b in inside:
        if a < cursor:  # a name inside a protected piece: the piece already covers it
            continue
        mark = f"[{next(numbers)}]"
        out += [text[cursor:a], mark]
        pieces.append((mark, text[a:b]))
        cursor = b
    out.append(text[cursor:end])
    return Unit(start=start, end=end, source="".join(out), pieces=pieces, lang=lang)


def is_marker(original: str) -> bool:
    """Whether an inline piece is formatting markers only (``*``, ``_``, ``*_``)."""
    return bool(_ONLY_MARKERS.fullmatch(original))


def formatting_pairs(pieces: list[tuple[str, str]], source: str = "") -> tuple[list[tuple[str, str]], list[str]]:
    """The unit's formatting pairs as (opening, closing) placeholders, and its markers left unpaired.

    A marker closes the last open one when it is its mirror (``*_`` … ``_*``); Slack nests no pair
    in a pair of the same marker, so this is how Slack reads them. Given the unit's ``source``, a
    marker opens only before a word and closes only after one, as Slack reads them too: in
    ``amigo[1] amigo [2]amigo`` the two markers close and open pairs whose partners lie outside the
    unit, and are no pair of their own.
    """
    stack: list[tuple[str, str]] = []
    pairs: list[tuple[str, str]] = []
    unpaired: list[str] = []
    for mark, original in pieces:
        if not is_marker(original):
            continue
        at = source.find(mark) if source else -1
        can_open = at < 0 or source[at + len(mark) : at + len(mark) + 1] not in ("", " ", "\t", "\n")
        can_close = at < 0 or (at > 0 and not source[at - 1].isspace())
        if stack and stack[-1][1] == original[::-1] and can_close:
            pairs.append((stack.pop()[0], mark))
        elif can_open:
            stack.append((mark, original))
        else:
            unpaired.append(mark)
    return pairs, sorted(unpaired + [mark for mark, _ in stack], key=[m for m, _ in pieces].index)


def split_at_formatting(unit: Unit) -> list[Unit | str]:
    """The unit cut at its formatting markers, the way structural markup cuts a message.

    Each stretch with words becomes a sub-unit (same language, its own inline pieces) to translate
    on its own; everything else (the markers, the spacing around them, a stretch of markup only)
    stays as the author wrote it. Joined in order with their translations, every pair wraps the
    translation of its own words, whatever a model did with the placeholders of the whole sentence.
    """
    originals = dict(unit.pieces)
    markers = [mark for mark, original in unit.pieces if is_marker(original)]
    if not markers:
        return []
    cut = regex.compile("|".join(regex.escape(mark) for mark in markers))
    parts: list[Unit | str] = []
    cursor = 0
    for match in [*cut.finditer(unit.source), None]:
        stretch = unit.source[cursor : match.start() if match else len(unit.source)]
        lead, core, trail = _EDGES.fullmatch(stretch).groups()
        if _WORD.search(MT_PLACEHOLDER.sub("", core)):
            pieces = [(mark, original) for mark, original in unit.pieces if mark in core]
            parts += [lead, Unit(start=unit.start, end=unit.end, source=core, pieces=pieces, lang=unit.lang), trail]
        else:  # markup, spacing or punctuation only: nothing to translate
            parts.append(MT_PLACEHOLDER.sub(lambda m: originals.get(m.group(0), m.group(0)), stretch))
        if match:
            parts.append(originals[match.group(0)])
            cursor = match.end()
    joined: list[Unit | str] = []
    for part in parts:
        if isinstance(part, str) and joined and isinstance(joined[-1], str):
            joined[-1] += part
        elif part != "":
            joined.append(part)
    return joined


def count_placeholders(text: str, pieces: list[tuple[str, str]]) -> int:
    return sum(1 for mark, _ in pieces if mark in text)
