"""A tagger that needs no training: word frequencies + a sentence-level HMM.

Each word gets a likelihood per language from wordfreq's frequency lists, with
a character-trigram model (built from those same lists) for words no list
knows. A two-state Viterbi pass with a switch penalty then smooths the choice
over the sentence, since people switch languages at phrase boundaries, not on
every word. Posteriors from forward-backward give each tag its confidence.
Works for any pair of languages wordfreq covers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import regex
from mixlingo.core.errors import InputError
from mixlingo.nlp.char_trigrams import CharTrigrams
from mixlingo.nlp.labels import ENTITY, OTHER
from mixlingo.nlp.switching import posteriors, viterbi
from mixlingo.nlp.tagging import Tag
from mixlingo.nlp.word_frequency import frequencies, wordfreq_languages

_WORDLIKE = regex.compile(r"^#?\p{L}")


def supported_languages() -> frozenset[str]:
    """Languages wordfreq covers: the ones this tagger (and pair detection) can handle."""
    return wordfreq_languages()


def __getattr__(name: str) -> frozenset[str]:
    if name == "SUPPORTED_LANGUAGES":  # the old constant, now read on first use
        return supported_languages()
    raise AttributeError(name)


@dataclass(frozen=True)
class LexiconParams:
    """Tuned on the first 90% of LinCE spa-eng train (see docs/tagger.md)."""

    switch_log_prob: float = -1.5
    frequency_floor: float = 1e-8
    char_weight: float = 5.0
    ne_max_zipf: float = 3.0


class _CharModel(CharTrigrams):
    """Character trigrams weighted by word frequency: a language's 'look'."""

    def __init__(self, lang: str, top_words: int = 30_000):
        import wordfreq

        freqs = frequencies(lang)
        super().__init__({word: math.sqrt(freqs.get(word, 0.0)) * 1e3 + 1.0 for word in wordfreq.top_n_list(lang, top_words)})


@cache
def _char_model(lang: str) -> _CharModel:
    return _CharModel(lang)


def check_pair(pair: tuple[str, str]) -> None:
    unknown = [lang for lang in pair if lang not in supported_languages()]
    if unknown:
        known = sorted(supported_languages())
        raise InputError(
            f"the lexicon tagger has no word list for {', '.join(map(repr, unknown))}; it has {len(known)} "
            "languages, named by ISO 639-1 codes such as en, es, fr, hi",
            detail=f"supported: {', '.join(known)}",
        )
    if pair[0] == pair[1]:
        raise InputError(f"a language pair needs two different languages, got {pair[0]}-{pair[1]}")


class LexiconTagger:
    """Word-frequency HMM tagger for any pair wordfreq covers."""

    name = "lexicon"

    def __init__(self, params: LexiconParams = LexiconParams()):
        self.params = params
        self._emission_cache: dict[tuple[str, str], float] = {}
        self.notes: list[str] = []

    def describe(self) -> str:
        return "lexicon (word frequencies + HMM)"

    def languages(self) -> None:
        return None

    def tag_batch(
        self, sentences: Sequence[Sequence[str]], pair: tuple[str, str] | None = None
    ) -> list[list[Tag]]:
        if pair is None:
            raise InputError("the lexicon tagger needs a language pair, e.g. --pair en-es")
        check_pair(pair)
        return [self.tag(sentence, pair) for sentence in sentences]

    def tag(self, tokens: Sequence[str], pair: tuple[str, str]) -> list[Tag]:
        """Tags every token; only word-like ones (``#hashtags`` included) go through the HMM."""
        tags = [Tag(OTHER, 1.0)] * len(tokens)
        positions = [i for i, token in enumerate(tokens) if _WORDLIKE.match(token)]
        words = [tokens[i].lstrip("#") for i in positions]
        for i, tag in zip(positions, self._tag_words(words, pair)):
            tags[i] = tag
        return tags

    def _tag_words(self, words: Sequence[str], pair: tuple[str, str]) -> list[Tag]:
        if not words:
            return []
        emissions = [[self._emission(word, lang) for lang in pair] for word in words]
        confidence = posteriors(emissions, self.params.switch_log_prob)
        path = viterbi(emissions, self.params.switch_log_prob)
        tags = [Tag(pair[state], confidence[i][state]) for i, state in enumerate(path)]
        return [self._named_entity(i, words, pair) or tag for i, tag in enumerate(tags)]

    def _emission(self, word: str, lang: str) -> float:
        key = (word, lang)
        cached = self._emission_cache.get(key)
        if cached is None:
            parts = _CAMEL_PARTS.findall(word) if _is_camel_case(word) else [word]
            cached = sum(self._word_emission(part.lower(), lang) for part in parts) / len(parts)
            if len(self._emission_cache) < 500_000:
                self._emission_cache[key] = cached
        return cached

    def _word_emission(self, lowered: str, lang: str) -> float:
        freq = frequencies(lang).get(lowered, 0.0)
        char = _char_model(lang).score(lowered)
        return math.log(freq + self.params.frequency_floor) + self.params.char_weight * char

    def _named_entity(self, i: int, words: Sequence[str], pair: tuple[str, str]) -> Tag | None:
        """Capitalised mid-sentence words that neither language uses lowercase are names."""
        word = words[i]
        if i == 0 or not word[:1].isupper() or word.isupper() and len(word) > 1 or _is_camel_case(word):
            return None
        import wordfreq

        zipf = max(wordfreq.zipf_frequency(word.lower(), lang) for lang in pair)
        return Tag(ENTITY, 0.6) if zipf < self.params.ne_max_zipf else None


# "MeAgarroElGol" → Me, Agarro, El, Gol: hashtags are often several words in camel case.
_CAMEL_PARTS = regex.compile(r"\p{Lu}?\p{Ll}+|\p{Lu}+(?!\p{Ll})|\p{N}+")


def _is_camel_case(word: str) -> bool:
    return any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)
