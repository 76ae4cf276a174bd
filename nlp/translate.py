"""Stage: n-best translation of every planned unit, batched per direction.

Directions without a model pivot through English (source → en → target): the
best English reading is translated n ways, and its score adds to each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from mixlingo.core.errors import InputError
from mixlingo.nlp.directions import PIVOT
from mixlingo.nlp.fill import formatting_fallbacks
from mixlingo.nlp.model import Message
from mixlingo.nlp.translation import Candidate, Scored, Translator, Unit


class Translate:
    needs_target = True  # a message without a reader's language stops before this stage

    def __init__(self, translator: Translator, n_best: int = 4):
        self.translator = translator
        self.n_best = n_best

    def __call__(self, message: Message) -> Message:
        return self.translate_many([message])[0]

    def translate_many(self, messages: Sequence[Message]) -> list[Message]:
        """One model call per direction for all units of all messages."""
        groups: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        for message in messages:
            if message.translation is None:
                continue
            for unit in message.translation.units:
                groups[(unit.lang, message.translation.target)].append(unit)
        self._translate_groups(groups)
        self._translate_groups(formatting_fallbacks(groups))  # only units whose outputs lost a *…* pair
        self._pass_on_notes(messages)
        return list(messages)

    def _translate_groups(self, groups: dict[tuple[str, str], list[Unit]]) -> None:
        for (source, target), units in groups.items():
            nbest = self.nbest([u.source for u in units], source, target)
            for unit, candidates in zip(units, nbest, strict=True):
                unit.scored = [Scored(c, final=c.score) for c in candidates]

    def _pass_on_notes(self, messages: Sequence[Message]) -> None:
        """A translator's remarks (e.g. a backend that fell back) reach the reader once, on these messages."""
        notes = self.translator.notes
        if not notes:
            return
        pending = list(notes)
        notes.clear()
        for message in messages:
            if message.translation is not None:
                message.translation.notes += pending

    def route(self, source: str, target: str) -> list[tuple[str, str]]:
        """The hops to translate ``source`` → ``target``: direct, or through English."""
        if self.translator.has_direction(source, target):
            return [(source, target)]
        if PIVOT not in (source, target) and self.translator.has_direction(source, PIVOT) and self.translator.has_direction(PIVOT, target):
            return [(source, PIVOT), (PIVOT, target)]
        raise InputError(
            f"no translation model for {source}→{target}"
            + ("" if PIVOT in (source, target) else f" (nor for a pivot through {PIVOT})")
            + f"; add one to MIXLINGO_TRANSLATION_MODELS, e.g. {source}-{target}=Helsinki-NLP/opus-mt-{source}-{target}"
        )

    def nbest(self, texts: list[str], source: str, target: str) -> list[list[Candidate]]:
        hops = self.route(source, target)
        if len(hops) == 1:
            return self.translator.translate(texts, source, target, self.n_best)
        first = [c[0] for c in self.translator.translate(texts, *hops[0], 1)]
        second = self.translator.translate([c.text for c in first], *hops[1], self.n_best)
        return [
            [Candidate(c.text, c.score + pivot.score) for c in candidates]
            for pivot, candidates in zip(first, second, strict=True)
        ]
