"""The model card a freshly trained transliterator gets: what it is, its license, and the figures just measured.

Written beside the model files by ``mixlingo transliterator train`` when the folder has no README.md
yet (a card edited by hand is never overwritten), so every language ships with a card that
``mixlingo models list`` can show.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

CARD = "README.md"


class _Score(Protocol):
    inputs: int
    top1: float
    top5: float
    ms_per_word: float


def write_card(out: Path, lang: str, script: str, scores: Mapping[str, _Score], training_pairs: int, load_seconds: float) -> bool:
    """Write ``out/README.md`` unless it exists; whether it was written."""
    path = out / CARD
    if path.exists():
        return False
    native, latin = scores["native"], scores["latin"]
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file()) / 1e6
    path.write_text(f"""---
license: cc-by-sa-4.0
language:
- {lang}
library_name: mixlingo
tags:
- transliteration
- romanization
datasets:
- dakshina
metrics:
- accuracy
training_data: "Dakshina v1.0 ({lang}): romanization lexicon, train split, and the romanized sentences; every dev-split word held out"
---

# Transliterator for `{lang}` (romanized ⇄ {script} script)

Writes romanized `{lang}` words in {script} script and back, offline, with onnxruntime and NumPy (no
torch). Known spellings come from the Dakshina lexicon; other words from a small character
transformer, re-ranked with a word list of the language. Built with
`mixlingo transliterator train --lang {lang}`; see docs/transliteration.md in the mixlingo repository.

## Evaluation

Dakshina's lexicon dev split, words never seen in training, lexicon switched off.

| direction | inputs | top-1 | top-5 | ms per word (one batch) |
| --- | --- | --- | --- | --- |
| romanized → {script} | {native.inputs:,} | {native.top1:.1%} | {native.top5:.1%} | {native.ms_per_word:.2f} |
| {script} → romanized | {latin.inputs:,} | {latin.top1:.1%} | {latin.top5:.1%} | {latin.ms_per_word:.2f} |

{training_pairs:,} training pairs; the folder holds {size:.1f} MB; loading took {load_seconds:.2f} s when measured.

## License and attribution

Derived from the Dakshina dataset v1.0 (© Google, CC BY-SA 4.0; Roark et al., *Processing South Asian
Languages Written in the Latin Script: the Dakshina Dataset*, LREC 2020) and shared under the same
license, **CC BY-SA 4.0**, unlike the rest of mixlingo (Apache-2.0). `words.npz` holds hashes and
frequencies of the word lists used for re-ranking (Dakshina's Wikipedia text, and wordfreq's list where
it has one, CC BY-SA 4.0).
""", encoding="utf-8")
    return True
