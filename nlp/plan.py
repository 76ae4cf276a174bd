"""Deciding how to translate a tagged message for a reader of language T.

- nothing to do: every word is already in T, or there are no words at all;
- ``whole``: translate the message from its dominant foreign language;
- ``spans``: translate only the maximal foreign-language spans, in place;
- ``auto``: spans when most words are already in T, whole otherwise.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from mixlingo.nlp.labels import is_language
from mixlingo.nlp.model import Message
from mixlingo.nlp.tagging import TAGGABLE
from mixlingo.nlp.translation import Strategy, Translation
from mixlingo.nlp.units import build_units, is_structural

StrategyChoice = Literal["auto", "whole", "spans"]


class PlanTranslation:
    """Stage: set ``message.translation`` with a strategy, its reason and the units to translate."""

    needs_target = True  # a message without a reader's language stops before this stage

    def __init__(self, strategy: StrategyChoice = "auto", spans_threshold: float = 0.5, max_unit_chars: int = 400):
        self.strategy = strategy
        self.spans_threshold = spans_threshold
        self.max_unit_chars = max_unit_chars

    def __call__(self, message: Message) -> Message:
        target = message.target
        if target is None:
            raise ValueError("set Message.target before planning a translation")
        words = [t for t in message.tokens if t.kind in TAGGABLE and is_language(t.lang)]
        foreign = Counter(lang for t in words if (lang := t.lang) is not None and lang != target)
        if not words:
            message.translation = Translation(target, "none", "nothing to translate: no words, only markup, emoji, code or links")
            return message
        if not foreign:
            message.translation = Translation(target, "none", f"every word is already in {target}")
            return message
        share = 1 - sum(foreign.values()) / len(words)
        strategy: Strategy
        if self.strategy == "auto":
            strategy = "spans" if share >= self.spans_threshold else "whole"
            reason = (
                f"auto: {share:.0%} of the {len(words)} words are already in {target} "
                f"({'≥' if strategy == 'spans' else '<'} {self.spans_threshold:.0%}), so "
                + ("only the foreign spans are translated in place" if strategy == "spans"
                   else f"the whole message is translated from {foreign.most_common(1)[0][0]}")
            )
        else:
            strategy = self.strategy
            reason = f"{strategy}: chosen explicitly"
        translation = Translation(target, strategy, reason)
        if strategy == "whole":
            source = foreign.most_common(1)[0][0]
            translation.units = build_units(message, 0, len(message.text), source, self.max_unit_chars)
        else:
            for start, end, lang in foreign_spans(message, target):
                translation.units += build_units(message, start, end, lang, self.max_unit_chars)
        message.translation = translation
        return message


def foreign_spans(message: Message, target: str) -> list[tuple[int, int, str]]:
    """Maximal runs of words in one foreign language, as character ranges.

    A run goes on over punctuation, inline markup, names and words no language
    claims, and stops at a word of another language or at structural markup
    (a line break, a list item, a code block). It ends on its last foreign word.
    """
    structural = {p.start for p in message.protected if is_structural(p)}
    tokens = message.tokens
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not (token.kind in TAGGABLE and is_language(token.lang) and token.lang != target):
            i += 1
            continue
        lang, last = token.lang, i
        for k in range(i + 1, len(tokens)):
            other = tokens[k]
            if other.protected and other.start in structural:
                break
            if other.kind in TAGGABLE and is_language(other.lang):
                if other.lang != lang:
                    break
                last = k
        spans.append((tokens[i].start, tokens[last].end, lang))
        i = last + 1
    return spans
