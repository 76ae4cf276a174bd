"""The model card a recipe-trained tagger gets (``README.md`` beside its files): what it is, what
it was trained on, under which licence, and the held-out figures measured right after training.

Written by ``mixlingo tagger train --pair en-XX``, so every shipped language's card states the
same things in the same layout, and its numbers are the ones the training run printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mixlingo.adapters.embedded.recipe import LanguageRecipe
    from mixlingo.nlp.language_scores import LanguageScores

HELD_OUT = {
    "spliced": "romanized {name} Wikipedia sentences (every {every}th of Dakshina's, never trained on) with a "
               "1–5-word English phrase from held-out English text spliced into each: synthetic code-mixing, "
               "labelled by the same rules as the training text",
    "english": "English sides of the held-out parallel pairs (all `en`)",
    "gold": "held-out gold messages (every {every}th), labelled by people in context",
}


def write_card(out: Path, recipe: LanguageRecipe, sizes: dict[str, int], scores: dict[str, LanguageScores]) -> Path:
    lang, name = recipe.lang, recipe.name
    every = recipe.held_out_sentences_every or (recipe.gold.held_out_every if recipe.gold else 0)
    size_mb = sum(f.stat().st_size for f in out.iterdir() if f.is_file() and f.name != "README.md") / 1e6
    rows = "\n".join(
        f"| {part} | {HELD_OUT.get(part, part).format(name=name, every=every)} | {s.tokens:,} | {s.accuracy:.2%} | "
        f"{s.f1.get('en', 0.0):.3f} | {s.f1.get(lang, 0.0):.3f} | {s.non_language_share:.2%} |"
        for part, s in scores.items()
    )
    headline = scores.get("gold") or scores.get("spliced")
    index = "" if headline is None else (
        "model-index:\n"
        f"- name: mixlingo-{lang}eng-tagger\n  results:\n  - task:\n      type: token-classification\n"
        f"      name: Token-level language identification ({name}–English, romanized)\n"
        f"    dataset:\n      type: {'gold' if 'gold' in scores else 'dakshina-spliced'}\n"
        f"      name: held-out {'gold messages' if 'gold' in scores else 'romanized sentences with spliced English'}\n"
        f"    metrics:\n    - type: accuracy\n      value: {headline.accuracy:.4f}\n      name: Accuracy on {lang}/en tokens\n"
        f"    - type: f1\n      value: {headline.f1.get('en', 0.0):.3f}\n      name: English F1 on {lang}/en tokens\n")
    sources = ", ".join(f"{part} {count:,}" for part, count in sizes.items())
    text = f"""---
license: cc-by-sa-4.0
language:
- {lang}
- en
library_name: mixlingo
pipeline_tag: token-classification
tags:
- code-switching
- language-identification
datasets:
- dakshina
training_data: "Silver labels from Dakshina v1.0 {name} (CC BY-SA 4.0) and English text (PHINC CC BY 4.0, Hinglish-TOP Apache-2.0)"
{index}---

# {name}–English token tagger (embedded)

Tells, word by word, which parts of a message are {name} — typed in Latin letters or in its own
script — and which are English, so that only what the reader does not read gets translated. It
runs on the CPU in the bot's process with no download; mixlingo uses it for the `en-{lang}` pair.
Labels: `{lang}`, `en`, `entity`, `other`.

## Training

`mixlingo tagger train --pair en-{lang} --data-dir DATA --out DIR` with the recipe
`mixlingo/data/languages/{lang}.json` ({size_mb:.1f} MB on disk). No code-mixed {name} labelled by
people exists under a licence that lets a model ship, so every label is silver: romanized
Wikipedia sentences (Dakshina) labelled {name} except clear English words, English sentences
labelled `en`, synthetic switches (an English phrase spliced into a {name} sentence) and
native-script sentences. Sentences per source: {sources}.

## Held-out figures (measured right after training)

These are measured on **synthetic** code-mixing, not on real chat: real {name}–English chat may
score lower, most of all on words both languages spell alike.

| part | what | tokens | accuracy ({lang}/en tokens tagged {lang} or en) | en F1 | {lang} F1 | tagged entity/other |
| --- | --- | --- | --- | --- | --- | --- |
{rows}

## Licence

The model and its word list `{lang}-latn-frequency.tsv` are derived from the Dakshina dataset
v1.0 (Roark et al., "Processing South Asian Languages Written in the Latin Script: the Dakshina
Dataset", LREC 2020), licensed **CC BY-SA 4.0**; they are shared under the same licence.
English text: PHINC (Srivastava and Singh 2020, CC BY 4.0) and Hinglish-TOP (Google, Apache-2.0).
"""
    path = out / "README.md"
    path.write_text(text, encoding="utf-8")
    return path
