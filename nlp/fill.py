"""Putting inline pieces back into a model's output, without trusting the output.

A translation model writes free text. Whatever it writes between placeholders
is escaped the way Slack escapes text (``&``, ``<``, ``>``), so it can never
become a mention, a channel ping or a link the author did not write; only the
author's own pieces, put back from the placeholders, stay live. Formatting
markers (``*bold*``, ``_italic_``, ``~strike~``) go back in pairs. A model output
that lost track of a pair's placeholders (:func:`keeps_formatting`) is not used
for the unit: the unit is translated again cut at its markers, each formatted
stretch on its own, and wrapped in its markers byte for byte
(:func:`fill_fallback`). Only without that fallback is a broken pair dropped,
its words kept, and never left as a stray asterisk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import regex

from mixlingo.nlp.markup import slack_escape
from mixlingo.nlp.translation import Unit
from mixlingo.nlp.units import MT_PLACEHOLDER, formatting_pairs, is_marker, split_at_formatting

@dataclass(frozen=True)
class Filled:
    text: str
    missing: int
    """Pieces the translation dropped (kept, at the end of the sentence)."""
    unformatted: int = 0
    """Formatting pairs the translation broke, dropped with their words kept."""


def fill_placeholders(translated: str, pieces: list[tuple[str, str]], source: str = "") -> Filled:
    """Put inline pieces back into ``translated``; ``source`` is the unit's model input.

    One pass, so a piece's own text is never searched again. A dropped piece is
    appended at the end rather than lost; a repeated placeholder keeps its first
    occurrence only.
    """
    originals = dict(pieces)
    pairs, opening = _marker_roles(pieces, source)
    text, dropped = _first_occurrences(translated, originals), set[str]()
    broken = True
    while broken:  # dropping one pair can leave another around nothing
        broken = False
        for start, end in pairs:
            if start not in dropped and not _pair_kept(text, start, end, opening, originals, dropped):
                text = regex.sub(r" {2,}", " ", text.replace(start, " ").replace(end, " ")).strip()
                dropped |= {start, end}
                broken = True
    for mark, opens in opening.items():
        if mark not in dropped:
            text = _hug(text, mark, opens)
    used: set[str] = set()
    out, cursor = [], 0
    for match in MT_PLACEHOLDER.finditer(text):
        out.append(slack_escape(text[cursor : match.start()]))
        mark = match.group(0)
        if mark not in originals:
            out.append(mark)
        elif mark not in used:
            used.add(mark)
            out.append(originals[mark])
        cursor = match.end()
    out.append(slack_escape(text[cursor:]))
    text = "".join(out)
    missing = [(mark, original) for mark, original in pieces if mark not in used and mark not in dropped]
    for mark, original in missing:
        if mark in opening:  # a marker whose partner lies outside this unit: glued to the words, as it was
            text = original + text.lstrip() if opening[mark] else text.rstrip() + original
        else:
            text = " ".join(part for part in [text.rstrip(), original] if part)
    return Filled(text, len(missing), len(dropped) // 2)


def _first_occurrences(text: str, originals: dict[str, str]) -> str:
    """A repeated placeholder keeps its first occurrence only."""
    seen: set[str] = set()

    def first(match: regex.Match) -> str:
        mark: str = match.group(0)
        if mark in originals and mark in seen:
            return ""
        seen.add(mark)
        return mark

    return str(MT_PLACEHOLDER.sub(first, text))


def keeps_formatting(translated: str, pieces: list[tuple[str, str]], source: str = "") -> bool:
    """Whether a model output can carry the unit's formatting markers where the author put them.

    Only when it has every placeholder once, in the source's order, and each pair still holds more
    than markers: a model that dropped, repeated, swapped or garbled one may have moved a marker to
    other words, and nothing in the output says which. Otherwise the unit is translated again cut at
    its markers (:func:`fill_fallback`). A unit without a marker (a pair's or one whose partner lies
    outside the unit) keeps any output.
    """
    markers = [mark for mark, original in pieces if is_marker(original)]
    if not markers:
        return True
    originals = dict(pieces)
    found = [m.group(0) for m in MT_PLACEHOLDER.finditer(translated) if m.group(0) in originals]
    if found != [mark for mark, _ in pieces]:
        return False
    pairs, _ = formatting_pairs(pieces, source)
    for start, end in pairs:
        inside = translated[translated.index(start) + len(start) : translated.index(end)]
        for mark in markers:
            inside = inside.replace(mark, "")
        if not inside.strip():
            return False
    return True


def formatting_fallbacks(groups: Mapping[tuple[str, str], list[Unit]]) -> dict[tuple[str, str], list[Unit]]:
    """Per direction, the sub-units to translate for the units some of whose candidates lost track of
    a formatting marker (each such unit's :attr:`~.Unit.fallback` is set); most messages need none."""
    more: dict[tuple[str, str], list[Unit]] = {}
    for direction, units in groups.items():
        for unit in units:
            if any(not keeps_formatting(s.candidate.text, unit.pieces, unit.source) for s in unit.scored):
                unit.fallback = split_at_formatting(unit)
                more.setdefault(direction, []).extend(p for p in unit.fallback if isinstance(p, Unit))
    return more


def fill_fallback(unit: Unit) -> Filled:
    """The unit from its structural fallback: each sub-unit's translation filled on its own, and the
    markers and spacing between them as the author wrote them, so every pair wraps its own words."""
    out: list[str] = []
    missing = 0
    for part in unit.fallback:
        if isinstance(part, str):
            out.append(part)
            continue
        filled = fill_placeholders(part.scored[part.chosen].candidate.text, part.pieces, part.source) if part.scored \
            else Filled("", 0)
        written = filled.text.strip()
        if not written:  # nothing came back: the words as written rather than a pair around nothing
            written = fill_placeholders(part.source, part.pieces, part.source).text
        part.output, part.missing_pieces = written, filled.missing
        missing += filled.missing
        out.append(written)
    return Filled("".join(out), missing)


def _marker_roles(pieces: list[tuple[str, str]], source: str) -> tuple[list[tuple[str, str]], dict[str, bool]]:
    """Formatting-marker pieces of a unit: the pairs (opening, closing) and whether each marker opens."""
    pairs, unpaired = formatting_pairs(pieces, source)
    opening: dict[str, bool] = {}
    for start, end in pairs:
        opening[start], opening[end] = True, False
    for mark in unpaired:  # its partner is outside the unit (or the author left it unpaired)
        at = source.find(mark)
        after = source[at + len(mark) : at + len(mark) + 1] if at >= 0 else ""
        opening[mark] = bool(after) and not after.isspace() and (at <= 0 or source[at - 1].isspace())
    return pairs, opening


def _pair_kept(
    text: str, start: str, end: str, markers: dict[str, bool], originals: dict[str, str], dropped: set[str]
) -> bool:
    """Both markers there, in order, around more than markers, and not around the same marker again
    (Slack cannot nest ``*…*`` in ``*…*``): the pair can still format."""
    i, j = text.find(start), text.find(end)
    if not 0 <= i < j:
        return False
    inside = text[i + len(start) : j]
    if any(mark in inside and originals[mark] == originals[start] for mark in markers if mark not in dropped):
        return False
    for mark in markers:
        inside = inside.replace(mark, "")
    return bool(inside.strip())


def _hug(text: str, mark: str, opens: bool) -> str:
    """Slack formats ``*words*`` only when the markers touch the words and not the words around them."""
    escaped = regex.escape(mark)
    if opens:
        text = str(regex.sub(rf"{escaped}\s+", mark, text))
        return str(regex.sub(rf"(?<=[\p{{L}}\p{{N}}]){escaped}", " " + mark, text))
    text = str(regex.sub(rf"\s+{escaped}", mark, text))
    return str(regex.sub(rf"{escaped}(?=[\p{{L}}\p{{N}}])", mark + " ", text))
