"""Language switching as a hidden Markov model: one state per language, a fixed log-probability of switching.

Both the lexicon tagger (tagging) and the code-mix anchor (silver labels for training) smooth
per-word language scores over a sentence this way, so context decides the words two languages
spell alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def viterbi(emissions: Sequence[Sequence[float]], switch: float) -> list[int]:
    """The best state path; ties go to the lower state."""
    states = range(len(emissions[0]))
    stay = math.log1p(-math.exp(switch))
    score = list(emissions[0])
    back: list[list[int]] = []
    for row in emissions[1:]:
        pointers, new = [], []
        for s in states:
            best = max(states, key=lambda p: score[p] + (stay if p == s else switch))
            pointers.append(best)
            new.append(score[best] + (stay if best == s else switch) + row[s])
        back.append(pointers)
        score = new
    state = max(states, key=score.__getitem__)
    path = [state]
    for pointers in reversed(back):
        state = pointers[state]
        path.append(state)
    return path[::-1]


def posteriors(emissions: Sequence[Sequence[float]], switch: float) -> list[list[float]]:
    """Per position, the probability of each state (forward–backward)."""
    n, k = len(emissions), len(emissions[0])
    stay = math.log1p(-math.exp(switch))

    def trans(a: int, b: int) -> float:
        return stay if a == b else switch

    forward = [list(emissions[0])]
    for row in emissions[1:]:
        prev = forward[-1]
        forward.append([logsumexp([prev[a] + trans(a, b) for a in range(k)]) + row[b] for b in range(k)])
    backward = [[0.0] * k for _ in range(n)]
    for i in range(n - 2, -1, -1):
        nxt = emissions[i + 1]
        backward[i] = [logsumexp([trans(a, b) + nxt[b] + backward[i + 1][b] for b in range(k)]) for a in range(k)]
    out = []
    for f, b in zip(forward, backward):
        joint = [x + y for x, y in zip(f, b)]
        total = logsumexp(joint)
        out.append([math.exp(x - total) for x in joint])
    return out


def logsumexp(values: Sequence[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(v - top) for v in values))
