"""Training an en/XX tagger from a language recipe (:mod:`.recipe`) and the data folders it names.

1. Builds the silver corpus (:mod:`.silver_corpus`) and writes the romanized-XX frequency list
   the features read for XX (derived from the recipe's sources, so it carries their notice).
2. Trains the embedded network on the silver corpus, as for es/en.
3. Where the recipe has gold messages: fine-tunes that network on them, each counted
   ``gold.weight`` times, beside a sample of the silver text whose labels are surest (English,
   romanized sentences, splices: the anchor's labels on real code-mixed text get chat
   abbreviations and homographs wrong). Then relabels all the silver text with that model (its
   labels now follow the gold rules) and fine-tunes the step-2 network again on gold beside a
   sample of it (self-training on the real code-mixed text).

Same data, seed and thread count: same files.
"""

from __future__ import annotations

import math
import random
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from mixlingo.adapters.embedded.recipe import LanguageRecipe
from mixlingo.adapters.embedded.silver_corpus import SilverCorpus, build
from mixlingo.adapters.embedded.tagger import EmbeddedTagger
from mixlingo.adapters.embedded.training import EmbeddedTrainingOptions, Progress, train_embedded
from mixlingo.adapters.embedded.word_lists import write_word_list
from mixlingo.nlp.corpus import Corpus, Sentence

MIN_ZIPF = 2.5
"""Words rarer than this in the romanized-XX counts are left out of the shipped list (smaller, no loss of signal)."""
MIN_SCRIPT_COUNT = 5
"""Native-script words seen fewer times in the language's Wikipedia text are left out of the list."""


@dataclass(frozen=True)
class GoldOptions:
    """Fine-tuning on gold messages (chosen on a split of the gold training messages; docs/tagger.md)."""

    epochs: int = 3
    learning_rate: float = 1e-3
    clean_sample: int = 3000
    """Round 1: silver sentences drawn from the sources without real code-mixed text, beside the gold ones."""
    silver_sample: int = 4000
    """Round 2: sentences drawn from all the silver text relabelled by round 1's model."""


def word_list_name(lang: str) -> str:
    return f"{lang}-latn-frequency.tsv"


def evidence_list_name(lang: str) -> str:
    return f"{lang}-latn-evidence.tsv"


def frequency_table(romanized: dict[str, float], script: dict[str, int]) -> dict[str, float]:
    """Zipf values of the romanized counts (the rarest left out) and of the native-script words seen often enough."""
    total = sum(romanized.values()) or 1.0
    table = {w: math.log10(c / total * 1e9) for w, c in romanized.items()}
    words = {w: z for w, z in table.items() if z >= MIN_ZIPF}
    script_total = sum(script.values()) or 1
    words.update({w: round(math.log10(c / script_total * 1e9), 2) for w, c in script.items()
                  if c >= MIN_SCRIPT_COUNT and w not in words})
    return words


def pair_options(lang: str, **changes: object) -> EmbeddedTrainingOptions:
    """The en/XX network's settings: the BiLSTM alone (a CRF beside it scored lower on held-out Hinglish)."""
    options = EmbeddedTrainingOptions(langs=("en", lang), label_map=(), epochs=4, batch_size=64, learning_rate=3e-3,
                                      crf_weight=0.0, word_lists=((lang, word_list_name(lang)),))
    return replace(options, **changes)  # type: ignore[arg-type]


def train_pair(recipe: LanguageRecipe, data_dir: Path, out_dir: Path, options: EmbeddedTrainingOptions,
               progress: Progress | None = None, start_from: Path | None = None,
               gold_options: GoldOptions = GoldOptions()) -> SilverCorpus:
    """Train into ``out_dir``; returns the corpus (its ``dev`` parts are for the report).

    ``start_from``: a network already trained on this recipe's silver corpus (step 2's output),
    to fine-tune on the gold messages without training it again."""
    corpus = build(recipe, data_dir, seed=options.seed)
    words = frequency_table(corpus.list_counts, corpus.script_counts)
    fuller = frequency_table(corpus.evidence_counts, corpus.script_counts) if corpus.evidence_counts else {}
    evidence = {w: z for w, z in fuller.items() if z > words.get(w, 0.0)}  # what the feature list lacks or ranks lower
    header = f"Romanized {recipe.name} word frequencies (Zipf scale) for the {recipe.lang}/en tagger's features.\n{recipe.notice}"
    evidence_header = (f"Romanized {recipe.name} word frequencies (Zipf scale) for choosing a message's pair "
                       f"(not a feature of the {recipe.lang}/en tagger).\n{recipe.notice}")
    if evidence:
        options = replace(options, evidence_lists=((recipe.lang, evidence_list_name(recipe.lang)),))

    def word_list(folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        write_word_list(words, folder / word_list_name(recipe.lang), header)
        if evidence:
            write_word_list(evidence, folder / evidence_list_name(recipe.lang), evidence_header)

    word_list(out_dir)
    if recipe.gold is None or not corpus.gold_train:
        train_embedded(corpus.train, out_dir, options, progress)
        return corpus
    with tempfile.TemporaryDirectory() as scratch:
        base = start_from
        if base is None:
            base = Path(scratch) / "silver"
            word_list(base)
            gold_labels = tuple(sorted({label for s in corpus.gold_train for label in s.labels}))
            train_embedded(corpus.train, base, replace(options, extra_labels=gold_labels), progress)
        mixed_sources = {source.folder for source in recipe.parallel if source.mixed}
        clean = [s for name, part in corpus.parts.items() if name not in mixed_sources for s in part]
        rng = random.Random(options.seed)
        tuned = replace(options, epochs=gold_options.epochs, learning_rate=gold_options.learning_rate)
        # Round 1: gold beside the silver text whose labels are surest (English, romanized sentences, splices).
        sample = rng.sample(clean, min(gold_options.clean_sample, len(clean)))
        first = Path(scratch) / "gold-1"
        word_list(first)
        _fine_tune(sample, corpus.gold_train, recipe.gold.weight, first, tuned, progress, base, options.seed)
        # Round 2: every silver part relabelled by round 1 (the real code-mixed text included), gold beside it.
        everything = relabel(EmbeddedTagger(first), corpus.train.sentences)
        sample = rng.sample(everything, min(gold_options.silver_sample, len(everything)))
        scales = tuple(sorted(recipe.gold.label_scales.items()))
        _fine_tune(sample, corpus.gold_train, recipe.gold.weight, out_dir, replace(tuned, label_scales=scales), progress,
                   base, options.seed + 1)
    return corpus


def _fine_tune(silver: list[Sentence], gold: list[Sentence], weight: int, out_dir: Path, options: EmbeddedTrainingOptions,
               progress: Progress | None, base: Path, seed: int) -> None:
    mixed = silver + gold * weight
    random.Random(seed).shuffle(mixed)
    train_embedded(Corpus(mixed), out_dir, options, progress, start_from=base)


def relabel(tagger: EmbeddedTagger, sentences: list[Sentence]) -> list[Sentence]:
    """The same sentences with the tagger's labels."""
    tags = tagger.tag_batch([s.tokens for s in sentences])
    return [Sentence(s.tokens, [t.lang for t in row], s.line) for s, row in zip(sentences, tags)]
