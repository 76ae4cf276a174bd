"""Stage: rerank n-best candidates by cross-lingual similarity to the source plus the model score.

Guards catch what a beam search alone misses: a candidate that copies the source
untranslated, drops markup placeholders, or is far too short or long.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from mixlingo.nlp.model import Message
from mixlingo.nlp.translation import Encoder, Unit
from mixlingo.nlp.units import MT_PLACEHOLDER, count_placeholders

_NON_LETTERS = regex.compile(r"[^\p{L}\p{N}]+")


@dataclass(frozen=True)
class RerankWeights:
    model: float = 1.0
    similarity: float = 2.0
    copy_penalty: float = 1.0
    placeholder_penalty: float = 2.0
    length_penalty: float = 1.0
    min_length_ratio: float = 0.4
    max_length_ratio: float = 2.5
    skip_margin: float = 0.0
    """A sentence whose best candidate leads by more than this without similarity is not embedded (0: always)."""


def plain(text: str) -> str:
    """Text without MT placeholders, for embedding and length checks."""
    return " ".join(MT_PLACEHOLDER.sub(" ", text).split())


def _normalised(text: str) -> str:
    letters: str = _NON_LETTERS.sub("", plain(text).lower())
    return letters


class Rerank:
    needs_target = True  # a message without a reader's language stops before this stage

    def __init__(self, encoder: Encoder, weights: RerankWeights = RerankWeights()):
        self.encoder = encoder
        self.weights = weights

    def __call__(self, message: Message) -> Message:
        return self.rerank_many([message])[0]

    def rerank_many(self, messages: Sequence[Message]) -> list[Message]:
        """All sources and candidates still in doubt, across all messages, are embedded in one encoder call.

        The model score and the penalties need no encoder, so they come first: a sentence whose
        best candidate already leads by more than ``skip_margin`` (or that has one distinct
        candidate) keeps that choice without a forward. Each distinct text is embedded once.
        """
        units = [u for m in messages if m.translation for u in m.translation.units if u.scored]
        for unit in units:
            self._score_without_similarity(unit)
        doubtful = [u for u in units if not self._decided(u)]
        if not doubtful:
            return list(messages)
        texts = list(dict.fromkeys([plain(u.source) for u in doubtful] + [plain(s.candidate.text) for u in doubtful for s in u.scored]))
        row = {text: i for i, text in enumerate(texts)}
        vectors = self.encoder.embed(texts)
        for unit in doubtful:
            source = vectors[row[plain(unit.source)]]
            self._add_similarity(unit, [float(vectors[row[plain(s.candidate.text)]] @ source) for s in unit.scored])
        return list(messages)


    def _score_without_similarity(self, unit: Unit) -> None:
        w = self.weights
        for scored in unit.scored:
            scored.similarity = None
            scored.penalties = self.penalties(unit, scored.candidate.text)
            scored.final = w.model * scored.candidate.score - sum(scored.penalties.values())
        unit.chosen = max(range(len(unit.scored)), key=lambda i: unit.scored[i].final)

    def _decided(self, unit: Unit) -> bool:
        """Similarity cannot (or is not worth trying to) change this sentence's choice."""
        if len({plain(s.candidate.text) for s in unit.scored}) < 2:
            return True
        if self.weights.skip_margin <= 0:
            return False
        best, second = sorted((s.final for s in unit.scored), reverse=True)[:2]
        return best - second > self.weights.skip_margin

    def _add_similarity(self, unit: Unit, similarities: Sequence[float]) -> None:
        for scored, similarity in zip(unit.scored, similarities, strict=True):
            scored.similarity = similarity
            scored.final += self.weights.similarity * similarity
        unit.chosen = max(range(len(unit.scored)), key=lambda i: unit.scored[i].final)

    def penalties(self, unit: Unit, text: str) -> dict[str, float]:
        w, out = self.weights, {}
        source_letters = _normalised(unit.source)
        if source_letters and _normalised(text) == source_letters:
            out["copy"] = w.copy_penalty
        if unit.pieces:
            dropped = 1 - count_placeholders(text, unit.pieces) / len(unit.pieces)
            if dropped:
                out["placeholders"] = w.placeholder_penalty * dropped
        ratio = len(plain(text)) / max(1, len(plain(unit.source)))
        if ratio < w.min_length_ratio:
            out["length"] = w.length_penalty * (w.min_length_ratio - ratio) / w.min_length_ratio
        elif ratio > w.max_length_ratio:
            out["length"] = w.length_penalty * min(1.0, (ratio - w.max_length_ratio) / w.max_length_ratio)
        return out
