"""Training an en/XX tagger from a language recipe (:mod:`.recipe`) and the data folders it names.

1. Builds the silver corpus (:mod:`.silver_corpus`) and writes the romanized-XX frequency list
   the features read for XX (derived from the recipe's sources, so it carries their notice).
2. Trains the embedded network on the silver corpus, as for es/en.
3. Where the recipe has gold messages: fine-tunes that network on them, each counted
   ``gold.weight`` times, beside a sample of the silver text; then relabels that sample with the
   fine-tuned model (its labels now follow the gold rules for homographs and chat abbreviations)
   and fine-tunes the step-2 network again on gold plus the relabelled sample (self-training).

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


@dataclass(frozen=True)
class GoldOptions:
    """Fine-tuning on gold messages (chosen on a split of the gold training messages; docs/tagger.md)."""

    epochs: int = 3
    learning_rate: float = 1e-3
    silver_sample: int = 4000
    """Silver sentences drawn to train beside the gold ones, so the network keeps what it learnt."""
    rounds: int = 2
    """1: fine-tune once; 2: relabel the silver sample with that model and fine-tune again."""


def word_list_name(lang: str) -> str:
    return f"{lang}-latn-frequency.tsv"


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
    total = sum(corpus.native_counts.values()) or 1.0
    table = {w: math.log10(c / total * 1e9) for w, c in corpus.native_counts.items()}
    words = {w: z for w, z in table.items() if z >= MIN_ZIPF}
    header = f"Romanized {recipe.name} word frequencies (Zipf scale) for the {recipe.lang}/en tagger's features.\n{recipe.notice}"

    def word_list(folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        write_word_list(words, folder / word_list_name(recipe.lang), header)

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
        rng = random.Random(options.seed)
        sample = rng.sample(corpus.train.sentences, min(gold_options.silver_sample, len(corpus.train.sentences)))
        tuned = replace(options, epochs=gold_options.epochs, learning_rate=gold_options.learning_rate)
        for round_ in range(gold_options.rounds):
            last = round_ == gold_options.rounds - 1
            target = out_dir if last else Path(scratch) / f"gold-{round_}"
            word_list(target)
            mixed = sample + corpus.gold_train * recipe.gold.weight
            random.Random(options.seed + round_).shuffle(mixed)
            train_embedded(Corpus(mixed), target, tuned, progress, start_from=base)
            if not last:
                sample = relabel(EmbeddedTagger(target), sample)
    return corpus


def relabel(tagger: EmbeddedTagger, sentences: list[Sentence]) -> list[Sentence]:
    """The same sentences with the tagger's labels."""
    tags = tagger.tag_batch([s.tokens for s in sentences])
    return [Sentence(s.tokens, [t.lang for t in row], s.line) for s, row in zip(sentences, tags)]
