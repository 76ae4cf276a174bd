"""Training the shipped Hindi–English tagger from the data folders named on the command line.

Builds the silver corpus (:mod:`.hinglish_corpus`), writes the romanized-Hindi frequency list
the features read for ``hi`` (derived from Dakshina, so it carries Dakshina's CC BY-SA 4.0
notice), then trains the embedded network as for es/en. Same data, seed and thread count:
same files.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

from mixlingo.adapters.embedded.hinglish_corpus import HinglishCorpus, build
from mixlingo.adapters.embedded.training import EmbeddedTrainingOptions, Progress, train_embedded
from mixlingo.adapters.embedded.word_lists import write_word_list

WORD_LIST = "hi-latn-frequency.tsv"
WORD_LIST_HEADER = """Romanized Hindi word frequencies (Zipf scale) for the hi/en tagger's features.
Derived from the Dakshina dataset v1.0, Hindi (Roark et al., LREC 2020), licensed CC BY-SA 4.0
(https://creativecommons.org/licenses/by-sa/4.0/), and from Hinglish-TOP (Apache-2.0).
This file is shared under CC BY-SA 4.0; see README.md beside it."""
MIN_ZIPF = 2.5
"""Words rarer than this in the romanized-Hindi counts are left out of the shipped list (smaller, no loss of signal)."""

HINENG_OPTIONS = EmbeddedTrainingOptions(
    langs=("en", "hi"), label_map=(), epochs=4, batch_size=64, learning_rate=3e-3, crf_weight=0.0,
    word_lists=(("hi", WORD_LIST),),
)


def train_hinglish(data_dir: Path, out_dir: Path, options: EmbeddedTrainingOptions = HINENG_OPTIONS,
                   progress: Progress | None = None) -> HinglishCorpus:
    """Train into ``out_dir``; returns the corpus (its ``dev`` parts are for the report)."""
    corpus = build(data_dir, seed=options.seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    total = sum(corpus.hindi_counts.values())
    table = {w: math.log10(c / total * 1e9) for w, c in corpus.hindi_counts.items()}
    write_word_list({w: z for w, z in table.items() if z >= MIN_ZIPF}, out_dir / WORD_LIST, WORD_LIST_HEADER)
    train_embedded(corpus.train, out_dir, replace(options, word_lists=(("hi", WORD_LIST),)), progress)
    return corpus
