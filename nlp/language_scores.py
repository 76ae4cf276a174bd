"""Scores for two-language tagging judged on language tokens only.

Some gold data labels only ``hi``/``en`` reliably and lumps everything else (names,
punctuation) together, so these figures look at the tokens whose gold label is one of the
pair's languages, and keep apart the two ways a tagger can miss them: a wrong language, or
no language at all (``entity``/``other``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class LanguageScores:
    tokens: int
    """Gold tokens labelled with one of the pair's languages."""
    accuracy: float
    """Right language, over the tokens the tagger gave one of the pair's languages."""
    overall_accuracy: float
    """Right language, over all the gold language tokens (a non-language answer counts as wrong)."""
    non_language_share: float
    """Share of gold language tokens the tagger called something else than a language of the pair (entity, other)."""
    f1: dict[str, float]
    """Per language: F1 among the gold language tokens."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def language_scores(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]], pair: tuple[str, str]) -> LanguageScores:
    pairs = [(g, p) for gs, ps in zip(gold, predicted, strict=True) for g, p in zip(gs, ps, strict=True) if g in pair]
    if not pairs:
        raise ValueError(f"nothing to score: no gold {pair[0]} or {pair[1]} tokens")
    called = [(g, p) for g, p in pairs if p in pair]
    right = sum(g == p for g, p in called)
    f1 = {}
    for lang in pair:
        true_positive = sum(g == p == lang for g, p in pairs)
        said = sum(p == lang for _, p in pairs)
        support = sum(g == lang for g, _ in pairs)
        precision = true_positive / said if said else 0.0
        recall = true_positive / support if support else 0.0
        f1[lang] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return LanguageScores(
        tokens=len(pairs),
        accuracy=right / len(called) if called else 0.0,
        overall_accuracy=right / len(pairs),
        non_language_share=1 - len(called) / len(pairs),
        f1=f1,
    )
