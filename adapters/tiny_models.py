"""Tiny models in the real on-disk formats, built locally in seconds.

Tests load them through the same ``from_pretrained`` code as production, so the
whole path (config, weights, tokenizer files) is exercised without a model hub.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import BertConfig, BertForTokenClassification, PreTrainedTokenizerFast

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_wordpiece_tokenizer(corpus: Sequence[str], vocab_size: int = 600) -> PreTrainedTokenizerFast:
    """A cased BERT WordPiece tokenizer trained on ``corpus`` (the real tokenizer.json format)."""
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS)
    tokenizer.train_from_iterator(corpus, trainer)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
    )


def build_tiny_token_classifier(
    out_dir: Path,
    words_by_label: Mapping[str, Sequence[str]],
    *,
    steps: int = 150,
    seed: int = 0,
) -> Path:
    """Train a 2-layer BERT to tag words by label on synthetic mixed sentences; save it.

    The words of each label are the whole 'language'; sentences mix them with
    runs, so the model learns a real (if tiny) word → label mapping.
    """
    rng = random.Random(seed)
    torch.manual_seed(seed)
    labels = sorted(words_by_label)
    sentences = [_synthetic_sentence(rng, words_by_label) for _ in range(400)]
    tokenizer = build_wordpiece_tokenizer([" ".join(w for w, _ in s) for s in sentences])
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    model = BertForTokenClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for step in range(steps):
        batch = [sentences[(step * 16 + i) % len(sentences)] for i in range(16)]
        encoded = tokenizer(
            [[w for w, _ in s] for s in batch], is_split_into_words=True, padding=True, return_tensors="pt"
        )
        targets = torch.full(encoded["input_ids"].shape, -100)
        for row, sentence in enumerate(batch):
            seen = set()
            for position, word_id in enumerate(encoded.word_ids(row)):
                if word_id is not None and word_id not in seen:
                    seen.add(word_id)
                    targets[row, position] = labels.index(sentence[word_id][1])
        loss = model(**encoded, labels=targets).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def _synthetic_sentence(rng: random.Random, words_by_label: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    labels = sorted(words_by_label)
    sentence: list[tuple[str, str]] = []
    while len(sentence) < rng.randint(4, 14):
        label = rng.choice(labels)
        for _ in range(rng.randint(1, 4)):
            sentence.append((rng.choice(list(words_by_label[label])), label))
    return sentence
