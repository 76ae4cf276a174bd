"""The unigram anchor for Hindi–English: how Hindi or English each romanized word looks, smoothed over a sentence.

Why: there is no token-labelled Hinglish we may train on. What there is: romanized Hindi as
people type it (Dakshina's lexicon and sentences, CC BY-SA 4.0), English word frequencies
(wordfreq), and real but unlabelled Hinglish (PHINC tweets, Hinglish-TOP requests). A word
gets a log-likelihood per language from its frequency in each (a character-trigram model
for words no list knows); a two-state Viterbi pass with a switch penalty, as the lexicon
tagger does for es/en, then lets context decide the words both languages write alike
(``to``, ``me``, ``is``, ``do``). Its labels on the unlabelled text are the silver data the
embedded model trains on (:mod:`.hinglish_corpus`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import regex

from mixlingo.nlp.char_trigrams import CharTrigrams
from mixlingo.nlp.word_frequency import zipf

EN, HI, OTHER, ENTITY = "en", "hi", "other", "entity"
_DEVANAGARI = regex.compile(r"\p{Devanagari}")
_LATIN_WORD = regex.compile(r"^\p{Latin}[\p{Latin}'’\-]*$")


def is_latin_word(token: str) -> bool:
    return bool(_LATIN_WORD.match(token))


def is_devanagari(token: str) -> bool:
    return bool(_DEVANAGARI.search(token))


@dataclass(frozen=True)
class AnchorParams:
    """Chosen on the Hinglish-TOP validation split (see docs/tagger.md, Hindi–English)."""

    switch_log_prob: float = -2.0
    frequency_floor: float = 1e-8
    char_weight: float = 4.0
    english_words: int = 40_000


class Anchor:
    """Per-word emissions for (en, hi) and the sentence-level Viterbi over them."""

    def __init__(self, hindi_counts: Mapping[str, float], params: AnchorParams = AnchorParams()):
        import wordfreq  # training only: the top-n list is not in the tag-time index

        self.params = params
        self.hindi = {w: c for w, c in hindi_counts.items() if c > 0}
        self.hindi_total = sum(self.hindi.values())
        english = wordfreq.top_n_list("en", params.english_words)
        self.hindi_chars = CharTrigrams({w: math.sqrt(c) for w, c in self.hindi.items()})
        self.english_chars = CharTrigrams({w: math.sqrt(10 ** zipf(w, EN)) for w in english})
        self._cache: dict[str, tuple[float, float]] = {}

    def hindi_zipf(self, word: str) -> float:
        """Zipf value (log10 per billion, as wordfreq's) of a lowercased word in the romanized-Hindi counts."""
        count = self.hindi.get(word, 0.0)
        return math.log10(count / self.hindi_total * 1e9) if count else 0.0

    def emission(self, word: str) -> tuple[float, float]:
        """(log-likelihood as English, as Hindi) of one token (any case)."""
        lowered = word.lower()
        found = self._cache.get(lowered)
        if found is None:
            floor, weight = self.params.frequency_floor, self.params.char_weight
            en_freq = 10 ** (zipf(lowered, EN) - 9) if zipf(lowered, EN) else 0.0
            hi_freq = self.hindi.get(lowered, 0.0) / self.hindi_total
            found = (
                math.log(en_freq + floor) + weight * self.english_chars.score(lowered),
                math.log(hi_freq + floor) + weight * self.hindi_chars.score(lowered),
            )
            self._cache[lowered] = found
        return found

    def label(self, tokens: Sequence[str], hints: Sequence[float] | None = None) -> list[str]:
        """``en``/``hi`` for each Latin word, ``hi`` for Devanagari, ``other`` for the rest.

        ``hints``: optional per-token log-odds added in favour of English (e.g. the word
        appears in a known English translation of the sentence)."""
        labels = [HI if is_devanagari(t) else OTHER for t in tokens]
        positions = [i for i, t in enumerate(tokens) if is_latin_word(t)]
        if not positions:
            return labels
        emissions = []
        for i in positions:
            en, hi = self.emission(tokens[i])
            shift = hints[i] if hints is not None else 0.0
            emissions.append((en + shift / 2, hi - shift / 2))
        for i, state in zip(positions, viterbi(emissions, self.params.switch_log_prob)):
            labels[i] = (EN, HI)[state]
        return labels


def viterbi(emissions: Sequence[tuple[float, float]], switch: float) -> list[int]:
    """Best two-state path (0 = English, 1 = Hindi) with a fixed log-probability of switching."""
    stay = math.log1p(-math.exp(switch))
    score = list(emissions[0])
    back: list[tuple[int, int]] = []
    for en, hi in emissions[1:]:
        from_en = (score[0] + stay, score[1] + switch)
        from_hi = (score[0] + switch, score[1] + stay)
        best_en, best_hi = int(from_en[1] > from_en[0]), int(from_hi[1] > from_hi[0])
        back.append((best_en, best_hi))
        score = [from_en[best_en] + en, from_hi[best_hi] + hi]
    state = int(score[1] > score[0])
    path = [state]
    for pointers in reversed(back):
        state = pointers[state]
        path.append(state)
    return path[::-1]


def count_hindi(lexicon: Iterable[tuple[str, str, int]], sentences: Iterable[Sequence[str]],
                lexicon_max_en: float = 3.0, sentence_max_en: float = 4.0, function_zipf: float = 5.5) -> Counter[str]:
    """Romanized Hindi word counts: sentence tokens once each, lexicon romanizations by their annotator count.

    Dakshina writes English loanwords in Devanagari (``बैंक`` → ``bank``, ``क्रिकेट`` →
    ``cricket``), but in Hinglish they are English: romanizations that are common English
    words (Zipf ≥ ``lexicon_max_en`` for lexicon entries, ``sentence_max_en`` in running text)
    are left out, except the very common ones (Zipf ≥ ``function_zipf``): those are Hindi
    function words that English happens to spell alike (``is`` इस, ``to`` तो, ``the`` थे, ``me`` में)."""
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
    """(Hindi, English) counts from sentence pairs: a mixed-side word its English side repeats is English, the rest Hindi.

    Each word's Hindi count is scaled by its Hindi share across the corpus, so a word that is
    mostly English but sometimes paraphrased away (``alarm``) adds little Hindi weight."""
    hindi: Counter[str] = Counter()
    english: Counter[str] = Counter()
    for mixed, translation in pairs:
        seen = {t.lower() for t in translation}
        for token in mixed:
            if is_latin_word(token):
                (english if token.lower() in seen else hindi)[token.lower()] += 1
    scaled = Counter({w: n * n / (n + english[w]) for w, n in hindi.items()})
    return scaled, english


def mixture(parts: Sequence[tuple[Mapping[str, float], float]], scale: float = 1e7) -> dict[str, float]:
    """Count tables mixed as distributions (each normalised, then weighted), returned as pseudo-counts."""
    out: defaultdict[str, float] = defaultdict(float)
    for counts, weight in parts:
        total = sum(counts.values()) or 1.0
        for word, count in counts.items():
            out[word] += weight * scale * count / total
    return dict(out)
