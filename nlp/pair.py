"""Which two languages a message mixes: from config, or langid among the candidates."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from mixlingo.nlp.markup import mask
from mixlingo.nlp.model import Message

if TYPE_CHECKING:
    from langid.langid import LanguageIdentifier


@lru_cache(maxsize=1)
def _langid_model() -> tuple[Any, ...]:
    """langid's model, unpacked once per process (decompressing it takes seconds), on first use."""
    from langid.langid import LanguageIdentifier, model

    loaded = LanguageIdentifier.from_modelstring(model)
    return (loaded.nb_ptc, loaded.nb_pc, loaded.nb_numfeats, loaded.nb_classes, loaded.tk_nextmove, loaded.tk_output)


class LangidRanker:
    """Scores languages for a text with langid's naive Bayes model (normalised probabilities)."""

    def __init__(self, languages: Sequence[str] | None):
        self.languages = None if languages is None else sorted(set(languages))

    @cached_property
    def _identifier(self) -> LanguageIdentifier:
        from langid.langid import LanguageIdentifier

        identifier = LanguageIdentifier(*_langid_model(), norm_probs=True)  # set_languages below makes new arrays
        if self.languages is not None:  # None: every language langid knows
            identifier.set_languages([lang for lang in self.languages if lang in identifier.nb_classes])
        return identifier

    def rank(self, text: str) -> dict[str, float]:
        return dict(self._identifier.rank(text))


WordEvidence = Callable[[Sequence[str]], float]
"""How well a pair's tagger explains a message's words, 0..1, from its own vocabulary and word lists."""


class ChoosePair:
    """Stage: set ``message.pair`` (and ``pair_reason``, for ``--explain`` and the playground).

    One candidate pair is simply used. With several, each pair's tagger says how well its
    languages fit the message's words (``evidence``), and the pair that fits best wins:
    langid reads romanized Hindi as Spanish, a Hindi–English tagger does not. Ties go
    to the pair configured first. Without evidence for every pair, the pair whose two
    languages langid finds most probable wins; with no pairs, langid's top two languages
    among ``languages`` form the pair.
    """

    def __init__(
        self,
        pairs: Sequence[tuple[str, str]],
        languages: Sequence[str] = (),
        evidence: Mapping[tuple[str, str], WordEvidence] | None = None,
        tie_margin: float = 0.05,
    ):
        """``tie_margin``: scores this close are a tie, won by the pair configured first. A message in
        English alone fits en-es and en-hi alike; 0.05 is where routing LinCE's Spanish–English tweets
        through en-es,en-hi lost 5 of 19,209 en/es tokens (35 with no margin) while 2 of 3,540 gold
        Hinglish tweets went to en-es (0 with none); see docs/tagger.md."""
        self.pairs = list(pairs)
        pool = {lang for pair in self.pairs for lang in pair} or set(languages)
        self.ranker = LangidRanker(sorted(pool))
        evidence = evidence or {}
        self.evidence = dict(evidence) if all(pair in evidence for pair in self.pairs) else {}
        self.tie_margin = tie_margin

    def __call__(self, message: Message) -> Message:
        if message.pair is not None:
            return message
        if self.evidence:
            words = [t.text for t in message.tokens if t.is_word and not t.protected]
            message.pair, message.pair_evidence, message.pair_reason = self.choose_by_evidence(words)
        else:
            message.pair = self.choose(mask(message.text, message.protected))
            message.pair_reason = _langid_reason(self.pairs)
        return message

    def choose_by_evidence(self, words: Sequence[str]) -> tuple[tuple[str, str], float, str]:
        """(pair, its evidence, why) for a message's words: the pair whose tagger explains most of them."""
        scores = {pair: explain(words) for pair, explain in self.evidence.items()}
        top = max(scores.values())
        best = next(p for p in self.pairs if scores[p] >= top - self.tie_margin)  # near-ties go to config order
        others = ", ".join(f"{_name(p)} {scores[p]:.2f}" for p in self.pairs if p != best)
        if len(self.pairs) == 1:
            return best, scores[best], f"{_name(best)}: the only configured pair (its words fit it {scores[best]:.2f})"
        if not words:
            return best, scores[best], f"{_name(best)}: no words to judge, so the first configured pair"
        tie = [p for p in self.pairs if scores[p] >= top - self.tie_margin]
        why = (f"{_name(best)}: its tagger's languages fit the {len(words)} words {scores[best]:.2f} of 1 "
               f"({others}{'; a near-tie, so the pair configured first' if len(tie) > 1 else ''})")
        return best, scores[best], why

    def choose(self, text: str) -> tuple[str, str]:
        """The pair langid prefers for ``text`` (see the class docstring)."""
        if len(self.pairs) == 1:
            return self.pairs[0]
        scores = self.ranker.rank(text)
        if self.pairs:
            return max(self.pairs, key=lambda p: scores.get(p[0], 0.0) + scores.get(p[1], 0.0))
        top = sorted(scores, key=scores.__getitem__, reverse=True)[:2]
        return (top[0], top[1])


def _name(pair: tuple[str, str]) -> str:
    return "-".join(pair)


def _langid_reason(pairs: Sequence[tuple[str, str]]) -> str:
    if len(pairs) == 1:
        return f"{_name(pairs[0])}: the only configured pair"
    if pairs:
        return "langid found these two languages the most probable of the configured pairs"
    return "langid's two most probable languages (no pair configured)"


class OutsidePair:
    """langid's verdict that a message is in neither language of its pair, e.g. French typed into en-es.

    Taggers only choose between the pair's languages, so such a message gets confident but
    meaningless tags; this is the hint that the pair (``MIXLINGO_PAIRS`` or ``--pair``) does not fit."""

    def __init__(self, min_probability: float = 0.95, min_words: int = 3, trusted_evidence: float = 0.6):
        """``trusted_evidence``: when the pair's own tagger fits the words this well, langid is not asked
        (it reads romanized Hindi as Spanish or Indonesian)."""
        self.ranker = LangidRanker(None)
        self.min_probability, self.min_words, self.trusted_evidence = min_probability, min_words, trusted_evidence

    def language(self, message: Message) -> str | None:
        """The language langid is sure the message is in, when that is neither of its pair; else None."""
        words = [t for t in message.tokens if t.is_word and not t.protected]
        self.ranker.rank("")  # loads langid's model on the first call, also when the message is too short to judge
        if message.pair is None or len(words) < self.min_words:
            return None
        if message.pair_evidence is not None and message.pair_evidence >= self.trusted_evidence:
            return None
        scores = self.ranker.rank(" ".join(t.text for t in words))
        best = max(scores, key=scores.__getitem__)
        return best if best not in message.pair and scores[best] >= self.min_probability else None
