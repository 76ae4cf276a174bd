"""The en/XX training corpus, built from a language's recipe (:mod:`.recipe`) and shippable sources only.

Token labels decided by people are scarce, so most labels are silver, each source labelled by
the best evidence it carries:

- Real code-mixed text with English versions (Hinglish-TOP requests, PHINC tweets): the
  :class:`~.anchor.Anchor`'s Viterbi pass, nudged by the English version of each sentence (a word
  the translation repeats is likely English; one it lacks, likely XX; weakly for common words).
- English sentences (those English versions): all ``en``, so English context is learnt from real English.
- Dakshina's romanized Wikipedia sentences: XX context; the anchor relabels the clear English loanwords.
- Synthetic switches: an English phrase spliced into a romanized sentence.
- Native-script sentences, where the recipe asks: all XX.

The native script is XX; punctuation, numbers, emoji, @handles and #hashtags are ``other``;
a capitalised mid-sentence word the name list knows and neither language uses is ``entity``.
Gold messages, where the recipe has them, are kept apart (:attr:`SilverCorpus.gold_train`): the
trainer fine-tunes on them (:mod:`.pair_training`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mixlingo.adapters.embedded import sources
from mixlingo.adapters.embedded.anchor import EN, Anchor, AnchorParams, aligned_counts, count_native, is_latin_word, mixture
from mixlingo.adapters.embedded.recipe import LanguageRecipe
from mixlingo.nlp.corpus import Corpus, Sentence
from mixlingo.nlp.gazetteer import name_strengths
from mixlingo.nlp.labels import ENTITY, OTHER
from mixlingo.nlp.word_frequency import zipf

FUNCTION_ZIPF = 5.5
"""English Zipf above which a word is a function word both languages may write (Hindi to, me, is): translation hints are weak for them."""

Labelled = tuple[list[str], list[str]]


@dataclass
class SilverCorpus:
    train: Corpus
    dev: dict[str, Corpus] = field(default_factory=dict)
    """Held-out parts by name (never trained on): see :func:`build`."""
    list_counts: dict[str, float] = field(default_factory=dict)
    """Romanized-XX pseudo-counts for the model's own frequency list: the anchor's, or the lexicon's alone (see
    :attr:`~.recipe.LanguageRecipe.word_list_from_sentences`)."""
    anchor: Anchor | None = None
    parts: dict[str, list[Sentence]] = field(default_factory=dict)
    """``train``'s sentences by source, in the order built."""
    gold_train: list[Sentence] = field(default_factory=list)
    """Gold messages to fine-tune on (the held-out ones are ``dev["gold"]``)."""
    script_counts: dict[str, int] = field(default_factory=dict)
    """Native-script word counts from the language's Wikipedia text, where the source has it."""
    evidence_counts: dict[str, float] = field(default_factory=dict)
    """Where the feature list leaves the romanized sentences out: the anchor's fuller counts, for pair choice only."""

    @property
    def sizes(self) -> dict[str, int]:
        """Sentences per source in ``train``."""
        return {name: len(part) for name, part in self.parts.items()}


def hints(mixed: Sequence[str], english: Sequence[str], strength: float = 3.0) -> list[float]:
    """Per-token log-odds for English from the translation: repeated → English, missing → XX.

    A function word both languages write (Hindi ``is``, ``to``) is in almost every English
    translation whatever it meant in the message, so its presence says nothing; its absence still does."""
    seen = {t.lower() for t in english}
    out = []
    for token in mixed:
        if not is_latin_word(token):
            out.append(0.0)
            continue
        common = zipf(token.lower(), EN) >= FUNCTION_ZIPF
        out.append((0.0 if common else strength) if token.lower() in seen else -strength)
    return out


class Labeller:
    """The silver labelling rules of one language, around its anchor."""

    def __init__(self, anchor: Anchor, homograph_zipf: float):
        self.anchor, self.homograph_zipf = anchor, homograph_zipf

    def finish(self, tokens: Sequence[str], labels: Sequence[str]) -> list[str]:
        """Non-words to ``other``, the native script to XX, likely names to ``entity``."""
        out = []
        for i, (token, label) in enumerate(zip(tokens, labels)):
            if self.anchor.is_native(token):
                label = self.anchor.lang
            elif not is_latin_word(token):
                label = OTHER
            elif self.looks_like_name(tokens, i):
                label = ENTITY
            out.append(label)
        return out

    def looks_like_name(self, tokens: Sequence[str], i: int) -> bool:
        token = tokens[i]
        if i == 0 or not token[:1].isupper() or token.isupper() or not tokens[i - 1][:1].isalpha():
            return False
        lowered = token.lower()
        return max(name_strengths(lowered)) >= 2 and zipf(lowered, EN) < 3.5 and self.anchor.native_zipf(lowered) < 3.0

    def mixed(self, pair: sources.Pair) -> list[str]:
        return self.finish(pair.mixed, self.anchor.label(pair.mixed, hints(pair.mixed, pair.english)))

    def english(self, tokens: list[str]) -> list[str]:
        return self.finish(tokens, [EN] * len(tokens))

    def native(self, tokens: list[str]) -> list[str]:
        """Romanized XX text: XX words that English spells alike (Hindi ``to`` तो) are XX, clear English words stay English."""
        leaning = [-50.0 if zipf(t.lower(), EN) >= FUNCTION_ZIPF and self.anchor.native_zipf(t.lower()) >= self.homograph_zipf
                   else -2.0 for t in tokens]
        return self.finish(tokens, self.anchor.label(tokens, leaning))

    def aligned(self, pair: sources.Pair) -> list[str]:
        """Alignment alone (a word the English version repeats is ``en``, other Latin words XX): gold-ish, for reports."""
        seen = {t.lower() for t in pair.english}
        labels = [(EN if t.lower() in seen else self.anchor.lang) if is_latin_word(t) else OTHER for t in pair.mixed]
        return [self.anchor.lang if self.anchor.is_native(t) else label for t, label in zip(pair.mixed, labels)]


def splice(rng: random.Random, base: Sequence[Labelled], phrases: Sequence[list[str]], count: int,
           english: Labeller) -> list[Labelled]:
    """``count`` sentences of ``base``, each with a 1–5-word English phrase inserted at a random place."""
    out: list[Labelled] = []
    for _ in range(count if base and phrases else 0):
        tokens, labels = rng.choice(base)
        source = rng.choice(phrases)
        size = rng.randint(1, min(5, len(source)))
        start = rng.randrange(len(source) - size + 1)
        phrase = source[start : start + size]
        at = rng.randrange(len(tokens) + 1)
        out.append((tokens[:at] + phrase + tokens[at:], labels[:at] + english.english(phrase) + labels[at:]))
    return out


def build(recipe: LanguageRecipe, data_dir: Path, seed: int = 0) -> SilverCorpus:
    """The silver training corpus, the gold messages and the held-out parts; the same for the same data and seed.

    Held out: each code-mixed source's own held-out pairs (``<folder>``: alignment labels;
    ``english``: their English sides, all ``en``), gold messages (``gold``), and for a recipe with
    ``held_out_sentences_every``, romanized sentences with English phrases spliced in (``spliced``)."""
    rng = random.Random(seed)
    mix_ = recipe.mix
    dakshina = sources.find(data_dir, recipe.dakshina)
    sentence_pairs = sources.dakshina_sentence_pairs(dakshina, recipe.lang)
    every = recipe.held_out_sentences_every
    held_sentences = [pair for i, pair in enumerate(sentence_pairs) if every and i % every == every - 1]
    sentence_pairs = [pair for i, pair in enumerate(sentence_pairs) if not every or i % every != every - 1]
    wiki = [sources.tokens(romanized) for _, romanized in sentence_pairs]

    splits = {source.folder: sources.split_pairs(sources.find(data_dir, source.folder), source.format)
              for source in recipe.parallel}
    lexicon = list(sources.dakshina_lexicon(dakshina, recipe.lang))
    native_counts: dict[str, float] = dict(count_native(lexicon, wiki))
    chat = [pair for source in recipe.parallel if source.counts for pair in splits[source.folder][0]]
    if chat:
        native_counts = mixture([(native_counts, 0.5), (aligned_counts((p.mixed, p.english) for p in chat)[0], 0.5)])
    list_counts = native_counts if recipe.word_list_from_sentences else {w: float(c) for w, c in count_native(lexicon, []).items()}
    anchor = Anchor(recipe.lang, recipe.script, native_counts, AnchorParams())
    label = Labeller(anchor, recipe.homograph_zipf)

    parts: dict[str, list[Labelled]] = {}
    for source in recipe.parallel:
        if source.mixed:
            parts[source.folder] = [(p.mixed, label.mixed(p)) for p in splits[source.folder][0]]
    pool = [p.english for s in recipe.parallel if s.english == "sample" for p in splits[s.folder][0]]
    always = [p.english for s in recipe.parallel if s.english == "all" for p in splits[s.folder][0]]
    parts["english"] = [(t, label.english(t)) for t in _sample(rng, pool, mix_.english_sentences) + always]
    parts["dakshina"] = [(t, label.native(t)) for t in _sample(rng, wiki, mix_.native_sentences)]
    phrases = [t for t in pool if sum(map(is_latin_word, t)) >= 3]
    short = [(t, labels) for t, labels in parts["dakshina"] if 4 <= len(t) <= 20]
    parts["splice"] = splice(rng, short, phrases, mix_.splices, label)
    if mix_.native_script_sentences:
        native_text = [sources.tokens(native) for native, _ in sentence_pairs]
        parts["native"] = [(t, label.finish(t, [recipe.lang] * len(t)))
                           for t in _sample(rng, native_text, mix_.native_script_sentences)]
    by_source = {name: [Sentence(t, labels, 0) for t, labels in part if t] for name, part in parts.items()}
    sentences = [sentence for part in by_source.values() for sentence in part]
    rng.shuffle(sentences)

    dev: dict[str, Corpus] = {}
    for source in recipe.parallel:
        held = splits[source.folder][1]
        if source.mixed:
            dev[source.folder] = Corpus([Sentence(p.mixed, label.aligned(p), 0) for p in held if p.mixed])
    held_english = [p.english for s in recipe.parallel if s.english != "none" for p in splits[s.folder][1]]
    if held_english:
        dev["english"] = Corpus([Sentence(t, label.english(t), 0) for t in held_english if t])
    if held_sentences:
        base = [(t, label.native(t)) for t in (sources.tokens(r) for _, r in held_sentences) if 4 <= len(t) <= 40]
        held_phrases = [t for t in held_english if sum(map(is_latin_word, t)) >= 3] or phrases
        dev["spliced"] = Corpus([Sentence(t, labels, 0) for t, labels in
                                 splice(random.Random(seed + 1), base, held_phrases, len(base), label)])
    gold_train: list[Sentence] = []
    if recipe.gold is not None:
        gold = sources.gold_sentences(data_dir / recipe.gold.path, recipe.lang)
        n = recipe.gold.held_out_every
        gold_train = [s for i, s in enumerate(gold) if i % n != n - 1]
        dev["gold"] = Corpus([s for i, s in enumerate(gold) if i % n == n - 1])
    script_counts = dict(sources.dakshina_native_words(dakshina, recipe.lang))
    return SilverCorpus(Corpus(sentences), dev, list_counts, anchor, by_source, gold_train, script_counts,
                        native_counts if list_counts is not native_counts else {})


def _sample(rng: random.Random, items: list[list[str]], count: int) -> list[list[str]]:
    return rng.sample(items, min(count, len(items)))
