"""Beam search over graphone sequences: the best spellings of one word in the other script.

A word is cut into chunks the model knows (1–3 characters); each chunk may be written as any
graphone with that chunk on its input side, and the n-gram scores the sequence so far. Hypotheses at
the same input position with the same recent graphones are interchangeable for the rest of the word,
so only the best of them goes on; ``beam`` bounds how many go on per position. Spellings reached by
several cuts add up their probabilities.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from mixlingo.adapters.transliteration.ngram import BOUNDARY, NGramModel

Choices = Mapping[str, Sequence[tuple[int, str]]]
"""Input chunk → (graphone id, output chunk) for every graphone with that chunk on its input side."""


def decode(
    word: str, choices: Choices, model: NGramModel, *, beam: int = 24, nbest: int = 5, max_chunk: int = 3
) -> list[tuple[str, float]]:
    """Up to ``nbest`` (spelling, log probability) pairs, best first; empty when no cut of ``word`` is known."""
    keep = model.order - 1
    states: list[dict[tuple[int, ...], tuple[float, str]]] = [{} for _ in range(len(word) + 1)]
    states[0][(BOUNDARY,)] = (0.0, "")
    for i in range(len(word)):
        ranked = sorted(states[i].items(), key=lambda item: -item[1][0])[:beam]
        for history, (score, spelled) in ranked:
            context = model.context(history)
            for size in range(1, min(max_chunk, len(word) - i) + 1):
                options = choices.get(word[i : i + size])
                if not options:
                    continue
                place = states[i + size]
                for graphone, output in options:
                    total = score + model.score_in(context, graphone)
                    after = (*history, graphone)[-keep:]
                    if after not in place or place[after][0] < total:
                        place[after] = (total, spelled + output)
    finals: dict[str, list[float]] = {}
    for history, (score, spelled) in states[len(word)].items():
        finals.setdefault(spelled, []).append(score + model.score(history, BOUNDARY))
    ranked_words = sorted(((w, _logsumexp(s)) for w, s in finals.items()), key=lambda item: -item[1])
    return ranked_words[:nbest]


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))
