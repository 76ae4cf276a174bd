"""LinCE-style evaluation of a tagger: accuracy, weighted F1, per-label scores, confusion matrix."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from mixlingo.nlp.labels import is_language
from mixlingo.nlp.language_scores import LanguageScores


@dataclass
class LabelScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Report:
    tagger: str
    tokens: int
    sentences: int
    accuracy: float
    weighted_f1: float
    language_accuracy: float
    """Accuracy over tokens whose gold label is a language (LinCE's lang1/lang2)."""
    labels: dict[str, LabelScore] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    """gold label → predicted label → count."""
    seconds: float = 0.0
    languages: LanguageScores | None = None
    """Figures on the gold tokens of the pair's two languages alone (see :mod:`mixlingo.nlp.language_scores`)."""

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tokens_per_second"] = round(self.tokens_per_second, 1)
        return data


def evaluate(tagger: str, gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]], seconds: float = 0.0) -> Report:
    pairs = [(g, p) for gs, ps in zip(gold, predicted, strict=True) for g, p in zip(gs, ps, strict=True)]
    if not pairs:
        raise ValueError("nothing to evaluate: no tokens")
    confusion: dict[str, Counter[str]] = {}
    for g, p in pairs:
        confusion.setdefault(g, Counter())[p] += 1
    predicted_counts = Counter(p for _, p in pairs)
    labels = sorted(set(confusion) | set(predicted_counts))
    scores: dict[str, LabelScore] = {}
    for label in labels:
        true_positive = confusion.get(label, Counter())[label]
        support = sum(confusion.get(label, Counter()).values())
        precision = true_positive / predicted_counts[label] if predicted_counts[label] else 0.0
        recall = true_positive / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = LabelScore(precision, recall, f1, support)
    total = len(pairs)
    language_pairs = [(g, p) for g, p in pairs if is_language(g)]
    return Report(
        tagger=tagger,
        tokens=total,
        sentences=len(gold),
        accuracy=sum(g == p for g, p in pairs) / total,
        weighted_f1=sum(s.f1 * s.support for s in scores.values()) / total,
        language_accuracy=sum(g == p for g, p in language_pairs) / max(1, len(language_pairs)),
        labels=scores,
        confusion={g: dict(sorted(c.items())) for g, c in sorted(confusion.items())},
        seconds=seconds,
    )
