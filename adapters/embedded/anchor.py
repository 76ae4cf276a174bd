"""The unigram anchor for English and a romanized language XX: how English or XX each Latin word
looks, smoothed over a sentence.

Why: token-labelled code-mixed text is scarce. What there is: the language as people type it in
Latin letters (a romanization lexicon and romanized sentences), English word frequencies
(wordfreq), and often real but unlabelled code-mixed text. A word gets a log-likelihood per
language from its frequency in each (a character-trigram model for words no list knows); a
two-state Viterbi pass with a switch penalty, as the lexicon tagger does, then lets context
decide the words both languages write alike (Hindi ``to``, ``me``, ``is``). Its labels on the
unlabelled text are the silver data the embedded model trains on (:mod:`.silver_corpus`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import regex

from mixlingo.nlp.char_trigrams import CharTrigrams
from mixlingo.nlp.labels import OTHER
from mixlingo.nlp.switching import viterbi
from mixlingo.nlp.word_frequency import zipf

EN = "en"
_LATIN_WORD = regex.compile(r"^\p{Latin}[\p{Latin}'’\-]*$")

def is_latin_word(token: str) -> bool:
    return bool(_LATIN_WORD.match(token))


def native_script(script: str) -> Callable[[str], bool]:
    """A test for tokens holding a letter of the named Unicode script (``Devanagari``, ``Tamil``, ``Arabic``)."""
    try:
        pattern = regex.compile(rf"\p{{Script={script}}}")
    except regex.error as error:
        raise ValueError(f"unknown Unicode script {script!r}") from error
    return lambda token: bool(pattern.search(token))


@dataclass(frozen=True)
class AnchorParams:
    """Chosen on the Hinglish-TOP validation split (see docs/tagger.md, Hindi–English)."""

    switch_log_prob: float = -2.0
    frequency_floor: float = 1e-8
    char_weight: float = 4.0
    english_words: int = 40_000


class Anchor:
    """Per-word emissions for (en, XX) and the sentence-level Viterbi over them."""

    def __init__(self, lang: str, script: str, native_counts: Mapping[str, float], params: AnchorParams = AnchorParams()):
        import wordfreq  # training only: the top-n list is not in the tag-time index

        self.lang, self.params = lang, params
        self.is_native = native_script(script)
        self.native = {w: c for w, c in native_counts.items() if c > 0}
        self.native_total = sum(self.native.values()) or 1.0
        english = wordfreq.top_n_list("en", params.english_words)
        self.native_chars = CharTrigrams({w: math.sqrt(c) for w, c in self.native.items()})
        self.english_chars = CharTrigrams({w: math.sqrt(10 ** zipf(w, EN)) for w in english})
        self._cache: dict[str, tuple[float, float]] = {}

    def native_zipf(self, word: str) -> float:
        """Zipf value (log10 per billion, as wordfreq's) of a lowercased word in the romanized-XX counts."""
        count = self.native.get(word, 0.0)
        return math.log10(count / self.native_total * 1e9) if count else 0.0

    def emission(self, word: str) -> tuple[float, float]:
        """(log-likelihood as English, as XX) of one token (any case)."""
        lowered = word.lower()
        found = self._cache.get(lowered)
        if found is None:
            floor, weight = self.params.frequency_floor, self.params.char_weight
            en_freq = 10 ** (zipf(lowered, EN) - 9) if zipf(lowered, EN) else 0.0
            native_freq = self.native.get(lowered, 0.0) / self.native_total
            found = (
                math.log(en_freq + floor) + weight * self.english_chars.score(lowered),
                math.log(native_freq + floor) + weight * self.native_chars.score(lowered),
            )
            self._cache[lowered] = found
        return found

    def label(self, tokens: Sequence[str], hints: Sequence[float] | None = None) -> list[str]:
        """``en``/XX for each Latin word, XX for the native script, ``other`` for the rest.

        ``hints``: optional per-token log-odds added in favour of English (e.g. the word
        appears in a known English translation of the sentence)."""
        labels = [self.lang if self.is_native(t) else OTHER for t in tokens]
        positions = [i for i, t in enumerate(tokens) if is_latin_word(t)]
        if not positions:
            return labels
        emissions = []
        for i in positions:
            en, hi = self.emission(tokens[i])
            shift = hints[i] if hints is not None else 0.0
            emissions.append((en + shift / 2, hi - shift / 2))
        for i, state in zip(positions, viterbi(emissions, self.params.switch_log_prob)):
            labels[i] = (EN, self.lang)[state]
        return labels


def count_native(lexicon: Iterable[tuple[str, str, int]], sentences: Iterable[Sequence[str]],
                 lexicon_max_en: float = 3.0, sentence_max_en: float = 4.0, function_zipf: float = 5.5) -> Counter[str]:
    """Romanized XX word counts: sentence tokens once each, lexicon romanizations by their annotator count.

    Romanization lexicons write English loanwords in the native script (Hindi ``बैंक`` → ``bank``),
    but in code-mixed chat they are English: romanizations that are common English words (Zipf ≥
    ``lexicon_max_en`` for lexicon entries, ``sentence_max_en`` in running text) are left out,
    except the very common ones (Zipf ≥ ``function_zipf``): those are XX function words that
    English happens to spell alike (Hindi ``is`` इस, ``to`` तो, ``the`` थे, ``me`` में)."""
    counts: Counter[str] = Counter()

    def kept(word: str, limit: float) -> bool:
        english = zipf(word, EN)
        return english < limit or english >= function_zipf

    for sentence in sentences:
        counts.update(w for w in (t.lower() for t in sentence if is_latin_word(t)) if kept(w, sentence_max_en))
    for _, romanized, annotators in lexicon:
        word = romanized.lower()
        if kept(word, lexicon_max_en):
            counts[word] += annotators
    return counts


def aligned_counts(pairs: Iterable[tuple[Sequence[str], Sequence[str]]]) -> tuple[Counter[str], Counter[str]]:
    """(XX, English) counts from sentence pairs: a mixed-side word its English side repeats is English, the rest XX.

    Each word's XX count is scaled by its XX share across the corpus, so a word that is
    mostly English but sometimes paraphrased away (``alarm``) adds little XX weight."""
    native: Counter[str] = Counter()
    english: Counter[str] = Counter()
    for mixed, translation in pairs:
        seen = {t.lower() for t in translation}
        for token in mixed:
            if is_latin_word(token):
                (english if token.lower() in seen else native)[token.lower()] += 1
    scaled = Counter({w: n * n / (n + english[w]) for w, n in native.items()})
    return scaled, english


def mixture(parts: Sequence[tuple[Mapping[str, float], float]], scale: float = 1e7) -> dict[str, float]:
    """Count tables mixed as distributions (each normalised, then weighted), returned as pseudo-counts."""
    out: defaultdict[str, float] = defaultdict(float)
    for counts, weight in parts:
        total = sum(counts.values()) or 1.0
        for word, count in counts.items():
            out[word] += weight * scale * count / total
    return dict(out)
