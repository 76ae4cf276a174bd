"""Which two languages a message mixes: from config, or langid among the candidates."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from langid.langid import LanguageIdentifier, model

from mixlingo.nlp.markup import mask
from mixlingo.nlp.model import Message


class LangidRanker:
    """Scores languages for a text with langid's naive Bayes model (normalised probabilities)."""

    def __init__(self, languages: Sequence[str]):
        self.languages = sorted(set(languages))

    @cached_property
    def _identifier(self) -> LanguageIdentifier:
        identifier = LanguageIdentifier.from_modelstring(model, norm_probs=True)
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
