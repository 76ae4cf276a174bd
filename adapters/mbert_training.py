"""Fine-tuning a BERT token classifier (mBERT by default) on a LinCE-format corpus.

The saved directory loads with ``MBertTagger`` through ``from_pretrained``. Labels
are stored as ISO codes where the caller names the languages (``lang1`` → ``en``),
so a hin-eng or nep-eng model needs no label map at tagging time.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer

from mixlingo.adapters.hub import from_pretrained
from mixlingo.core.errors import ModelUnavailableError
from mixlingo.nlp.corpus import Corpus
from mixlingo.nlp.labels import alpha3, is_language, label_mapping

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class MBertTrainingOptions:
    base: str = "bert-base-multilingual-cased"
    epochs: int = 3
    batch_size: int = 16
    learning_rate: float = 5e-5
    max_length: int = 128
    seed: int = 0
    threads: int = 2


def fine_tune_mbert(
    corpus: Corpus,
    out_dir: Path,
    options: MBertTrainingOptions,
    *,
    label_map: Mapping[str, str],
    cache_dir: Path,
    offline: bool = False,
    progress: Progress | None = None,
) -> Path:
    progress = progress or (lambda *_: None)
    random.seed(options.seed)
    torch.manual_seed(options.seed)
    torch.set_num_threads(options.threads)
    raw = sorted({label for s in corpus.sentences for label in s.labels})
    # Stored as the published codeswitch models name them: ISO 639-3 for languages (``nep``, never ``ne``,
    # which is LinCE's name label), LinCE's names for the rest, so the labels read back unambiguously.
    names = [alpha3(tag) if is_language(tag) else label for label, tag in label_mapping(raw, label_map)]
    tokenizer = from_pretrained(AutoTokenizer, options.base, cache_dir=cache_dir, offline=offline)
    if not getattr(tokenizer, "is_fast", False):
        raise ModelUnavailableError(f"{options.base!r} has no fast tokenizer; word alignment needs one")
    model = from_pretrained(
        AutoModelForTokenClassification,
        options.base,
        cache_dir=cache_dir,
        offline=offline,
        num_labels=len(raw),
        id2label=dict(enumerate(names)),
        label2id={name: i for i, name in enumerate(names)},
        ignore_mismatched_sizes=True,
    )
    index = {label: i for i, label in enumerate(raw)}
    examples = [(s.tokens, [index[label] for label in s.labels]) for s in corpus.sentences]
    optimizer = torch.optim.AdamW(model.parameters(), lr=options.learning_rate)
    order = random.Random(options.seed)
    steps = (len(examples) + options.batch_size - 1) // options.batch_size
    model.train()
    for epoch in range(options.epochs):
        order.shuffle(examples)
        for step in range(steps):
            batch = examples[step * options.batch_size : (step + 1) * options.batch_size]
            encoded = tokenizer(
                [tokens for tokens, _ in batch], is_split_into_words=True, truncation=True,
                max_length=options.max_length, padding=True, return_tensors="pt",
            )
            targets = torch.full(encoded["input_ids"].shape, -100)
            for row, (_, ids) in enumerate(batch):
                seen: set[int] = set()
                for position, word in enumerate(encoded.word_ids(row)):
                    if word is not None and word not in seen:
                        seen.add(word)
                        targets[row, position] = ids[word]
            loss = model(**encoded, labels=targets).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            progress(f"fine-tuning, epoch {epoch + 1}/{options.epochs}", epoch * steps + step + 1, steps * options.epochs)
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir
