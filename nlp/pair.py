"""Which two languages a message mixes: from config, or langid among the candidates."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from mixlingo.nlp.markup import mask
from mixlingo.nlp.model import Message

if TYPE_CHECKING:
    from langid.langid import LanguageIdentifier


@lru_cache(maxsize=1)
def _langid_model() -> tuple:
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


class ChoosePair:
    """Stage: set ``message.pair``.

    One candidate pair is simply used. With several, the pair whose two
    languages langid finds most probable in the (markup-free) text wins; with
    none, langid's top two languages among ``languages`` form the pair.
    """

    def __init__(self, pairs: Sequence[tuple[str, str]], languages: Sequence[str] = ()):
        self.pairs = list(pairs)
        pool = {lang for pair in self.pairs for lang in pair} or set(languages)
        self.ranker = LangidRanker(sorted(pool))

    def __call__(self, message: Message) -> Message:
        if message.pair is None:
            message.pair = self.choose(mask(message.text, message.protected))
        return message

    def choose(self, text: str) -> tuple[str, str]:
        if len(self.pairs) == 1:
            return self.pairs[0]
        scores = self.ranker.rank(text)
        if self.pairs:
            return max(self.pairs, key=lambda p: scores.get(p[0], 0.0) + scores.get(p[1], 0.0))
        top = sorted(scores, key=scores.__getitem__, reverse=True)[:2]
        return (top[0], top[1])


class OutsidePair:
    """langid's verdict that a message is in neither language of its pair, e.g. French typed into en-es.

    Taggers only choose between the pair's languages, so such a message gets confident but
    meaningless tags; this is the hint that the pair (``MIXLINGO_PAIRS`` or ``--pair``) does not fit."""

    def __init__(self, min_probability: float = 0.95, min_words: int = 3):
        self.ranker = LangidRanker(None)
        self.min_probability, self.min_words = min_probability, min_words

    def language(self, message: Message) -> str | None:
        """The language langid is sure the message is in, when that is neither of its pair; else None."""
        words = [t for t in message.tokens if t.is_word and not t.protected]
        self.ranker.rank("")  # loads langid's model on the first call, also when the message is too short to judge
        if message.pair is None or len(words) < self.min_words:
            return None
        scores = self.ranker.rank(" ".join(t.text for t in words))
        best = max(scores, key=scores.__getitem__)
        return best if best not in message.pair and scores[best] >= self.min_probability else None
