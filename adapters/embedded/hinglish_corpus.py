"""The Hindi–English training corpus, built from shippable sources only (see :mod:`.hinglish_sources`).

No token-labelled Hinglish may train the shipped model, so labels are silver, each source
labelled by the best evidence it carries:

- Hinglish-TOP requests and PHINC tweets (real Hinglish): the :class:`~.hinglish_anchor.Anchor`'s
  Viterbi pass, nudged by the English version of each sentence (a word the translation
  repeats is likely English; one it lacks, likely Hindi; weakly for words common in both).
- English sentences (their English sides): all ``en``, so English context is learnt from real English.
- Dakshina's romanized Wikipedia sentences: Hindi context; the anchor relabels the clear English loanwords.
- Synthetic switches: an English phrase spliced into a Dakshina sentence.

Devanagari is ``hi``; punctuation, numbers, emoji, @handles and #hashtags are ``other``;
a capitalised mid-sentence word the name list knows and neither language uses is ``entity``.

The development split (never trained on) is Hinglish-TOP's validation part, labelled by
alignment alone (a word its English request repeats is ``en``, other Latin words ``hi``),
plus one PHINC pair in ten: its English side all ``en``, its Hinglish side silver.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mixlingo.adapters.embedded import hinglish_sources as sources
from mixlingo.adapters.embedded.hinglish_anchor import (
    EN,
    ENTITY,
    HI,
    OTHER,
    Anchor,
    AnchorParams,
    aligned_counts,
    count_hindi,
    is_devanagari,
    is_latin_word,
    mixture,
)
from mixlingo.nlp.corpus import Corpus, Sentence
from mixlingo.nlp.gazetteer import name_strengths
from mixlingo.nlp.word_frequency import zipf

FUNCTION_ZIPF = 5.5
"""English Zipf above which a word is a function word both languages may write (to, me, is): translation hints are weak for them."""


@dataclass
class HinglishCorpus:
    train: Corpus
    dev: dict[str, Corpus] = field(default_factory=dict)
    """Held-out parts by name: ``top`` (alignment labels), ``phinc-en`` (English sides), ``phinc-silver``."""
    hindi_counts: dict[str, float] = field(default_factory=dict)
    """The anchor's romanized-Hindi pseudo-counts, for the model's own frequency list."""
    anchor: Anchor | None = None
    sizes: dict[str, int] = field(default_factory=dict)
    """Sentences per source in ``train``."""


def hints(mixed: Sequence[str], english: Sequence[str], strength: float = 3.0) -> list[float]:
    """Per-token log-odds for English from the translation: repeated → English, missing → Hindi.

    A function word both languages write (``is``, ``to``) is in almost every English
    translation whatever it meant in the tweet, so its presence says nothing; its absence still does."""
    seen = {t.lower() for t in english}
    out = []
    for token in mixed:
        if not is_latin_word(token):
            out.append(0.0)
            continue
        common = zipf(token.lower(), EN) >= FUNCTION_ZIPF
        out.append((0.0 if common else strength) if token.lower() in seen else -strength)
    return out


def finish(tokens: Sequence[str], labels: Sequence[str], anchor: Anchor) -> list[str]:
    """Non-words to ``other``, Devanagari to ``hi``, likely names to ``entity``."""
    out = []
    for i, (token, label) in enumerate(zip(tokens, labels)):
        if is_devanagari(token):
            label = HI
        elif not is_latin_word(token):
            label = OTHER
        elif looks_like_name(tokens, i, anchor):
            label = ENTITY
        out.append(label)
    return out


def looks_like_name(tokens: Sequence[str], i: int, anchor: Anchor) -> bool:
    token = tokens[i]
    if i == 0 or not token[:1].isupper() or token.isupper() or not tokens[i - 1][:1].isalpha():
        return False
    lowered = token.lower()
    return max(name_strengths(lowered)) >= 2 and zipf(lowered, EN) < 3.5 and anchor.hindi_zipf(lowered) < 3.0


def build(data_dir: Path, seed: int = 0, english_sentences: int = 1000, dakshina_sentences: int = 6000,
          splices: int = 3000) -> HinglishCorpus:
    """The silver training corpus and the development split, the same for the same data and seed."""
    rng = random.Random(seed)
    dakshina, top, phinc = (sources.find(data_dir, name) for name in (sources.DAKSHINA, sources.TOP, sources.PHINC))
    wiki = list(sources.dakshina_sentences(dakshina))
    top_train = list(sources.top_pairs(top, "train"))
    top_dev = list(sources.top_pairs(top, "validation"))
    tweets = list(sources.phinc_pairs(phinc))
    tweets_train = [p for i, p in enumerate(tweets) if i % 10 != 9]
    tweets_dev = [p for i, p in enumerate(tweets) if i % 10 == 9]

    book = count_hindi(sources.dakshina_lexicon(dakshina), wiki)
    chat, _ = aligned_counts((p.mixed, p.english) for p in top_train)
    hindi_counts = mixture([(book, 0.5), (chat, 0.5)])
    anchor = Anchor(hindi_counts, AnchorParams())

    def silver(pair: sources.Pair) -> list[str]:
        return finish(pair.mixed, anchor.label(pair.mixed, hints(pair.mixed, pair.english)), anchor)

    def english(tokens: list[str]) -> list[str]:
        return finish(tokens, [EN] * len(tokens), anchor)

    def hindi(tokens: list[str]) -> list[str]:  # Hindi text: function words are Hindi, only clear English loanwords stay English
        leaning = [-2.0 if zipf(t.lower(), EN) < FUNCTION_ZIPF else -50.0 for t in tokens]
        return finish(tokens, anchor.label(tokens, leaning), anchor)

    parts: dict[str, list[tuple[list[str], list[str]]]] = {
        "phinc": [(p.mixed, silver(p)) for p in tweets_train],
        "top": [(p.mixed, silver(p)) for p in top_train],
        "english": [(t, english(t)) for t in _sample(rng, [p.english for p in tweets_train], english_sentences)
                    + [p.english for p in top_train]],
    }
    wiki_sample = _sample(rng, wiki, dakshina_sentences)
    parts["dakshina"] = [(t, hindi(t)) for t in wiki_sample]
    phrases = [p.english for p in tweets_train if sum(map(is_latin_word, p.english)) >= 3]
    short = [(t, labels) for t, labels in parts["dakshina"] if 4 <= len(t) <= 20]
    spliced = []
    for _ in range(splices if short and phrases else 0):
        tokens, labels = rng.choice(short)
        source = rng.choice(phrases)
        size = rng.randint(1, min(5, len(source)))
        start = rng.randrange(len(source) - size + 1)
        phrase = source[start : start + size]
        at = rng.randrange(len(tokens) + 1)
        new_tokens = tokens[:at] + phrase + tokens[at:]
        spliced.append((new_tokens, labels[:at] + english(phrase) + labels[at:]))
    parts["splice"] = spliced
    sentences = [Sentence(t, labels, 0) for part in parts.values() for t, labels in part if t]
    rng.shuffle(sentences)

    def aligned(pair: sources.Pair) -> list[str]:
        seen = {t.lower() for t in pair.english}
        labels = [(EN if t.lower() in seen else HI) if is_latin_word(t) else OTHER for t in pair.mixed]
        return [HI if is_devanagari(t) else label for t, label in zip(pair.mixed, labels)]

    dev = {
        "top": Corpus([Sentence(p.mixed, aligned(p), 0) for p in top_dev if p.mixed]),
        "phinc-en": Corpus([Sentence(p.english, english(p.english), 0) for p in tweets_dev if p.english]),
        "phinc-silver": Corpus([Sentence(p.mixed, silver(p), 0) for p in tweets_dev if p.mixed]),
    }
    return HinglishCorpus(Corpus(sentences), dev, hindi_counts, anchor, {name: len(part) for name, part in parts.items()})


def _sample(rng: random.Random, items: list[list[str]], count: int) -> list[list[str]]:
    return rng.sample(items, min(count, len(items)))
