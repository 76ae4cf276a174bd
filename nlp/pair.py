"""Which two languages a message mixes: from config, or langid among the candidates."""

from __future__ import annotations

import base64
import bz2
import pickle
from collections.abc import Sequence
from functools import cache, cached_property

import numpy as np
from langid.langid import LanguageIdentifier, model

from mixlingo.nlp.markup import mask
from mixlingo.nlp.model import Message


class LangidRanker:
    """Scores languages for a text with langid's naive Bayes model (normalised probabilities)."""

    def __init__(self, languages: Sequence[str]):
        self.languages = sorted(set(languages))

    @cached_property
    def _identifier(self) -> LanguageIdentifier:
        identifier = LanguageIdentifier(*_langid_model(), norm_probs=True)
        identifier.set_languages([lang for lang in self.languages if lang in identifier.nb_classes])
        return identifier

    def rank(self, text: str) -> dict[str, float]:
        return dict(self._identifier.rank(text))


@cache
def _langid_model() -> tuple:
    """langid's model, unpacked once per process (seconds of work); each identifier trims its own copy of it.

    The same steps as ``LanguageIdentifier.from_modelstring``, which would unpack it again for every instance.
    """
    nb_ptc, nb_pc, nb_classes, tk_nextmove, tk_output = pickle.loads(bz2.decompress(base64.b64decode(model)))
    numfeats = len(nb_ptc) // len(nb_pc)
    return np.array(nb_ptc).reshape(numfeats, len(nb_pc)), np.array(nb_pc), numfeats, nb_classes, tk_nextmove, tk_output


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
