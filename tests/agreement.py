"""Comparing an int8 path with a float32 one without tripping over near-ties.

Quantised kernels round differently on each CPU family, so two candidates whose
scores are closer than the rounding can swap places on another machine. These
helpers compare exactly only what a stated tolerance ``eps`` cannot flip: the
top candidate where it leads by more than ``eps``, scores to within ``eps``, and
otherwise membership of the near-tied group.
"""

from __future__ import annotations

from collections.abc import Sequence

from mixlingo.nlp.translation import Candidate

INT8_SCORE_EPS = 0.15
"""Largest int8-vs-fp32 difference of a length-normalised log-probability we accept (seen: ≤ 0.08 on the tiny Marian)."""


def margin(candidates: Sequence[Candidate]) -> float:
    """How far the best candidate leads the runner-up (infinite with a single candidate)."""
    return candidates[0].score - candidates[1].score if len(candidates) > 1 else float("inf")


def assert_nbest_agree(want: Sequence[Candidate], have: Sequence[Candidate], eps: float = INT8_SCORE_EPS) -> None:
    assert len(have) == len(want)
    scores = [c.score for c in have]
    assert scores == sorted(scores, reverse=True)
    if margin(want) > eps:
        assert have[0].text == want[0].text, (want, have)
    else:  # a near-tie: the winner must be one of the tied group
        assert have[0].text in {c.text for c in want if want[0].score - c.score <= eps}, (want, have)
    expected = {c.text: c.score for c in want}
    for candidate in have:
        if candidate.text in expected:
            assert abs(candidate.score - expected[candidate.text]) <= eps, (candidate, expected[candidate.text])


def assert_same_order_where_decisive(want: Sequence[float], have: Sequence[float], eps: float) -> None:
    """Every pair whose ``want`` values differ by more than ``eps`` keeps its order in ``have``."""
    assert len(want) == len(have)
    for i in range(len(want)):
        for j in range(len(want)):
            if want[i] - want[j] > eps:
                assert have[i] > have[j], (i, j, want, have)
