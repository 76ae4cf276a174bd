"""Training the character transformer on (source word, target word) pairs, with torch on the CPU.

Batches hold words of about the same length (little padding), matrix products run in bfloat16 where
the CPU has it (autocast), and the learning rate follows one cycle: that keeps a run to minutes on
one or two cores. The seed fixes the initial weights and the batch order.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mixlingo.adapters.transliteration.network import BOS, EOS, MAX_LENGTH, PAD, Shape, Transliterator

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class FitOptions:
    epochs: int = 12
    batch: int = 256
    learning_rate: float = 2e-3
    label_smoothing: float = 0.1
    width: int = 128
    feed_forward: int = 512
    encoder_layers: int = 2
    decoder_layers: int = 2
    dropout: float = 0.1
    seed: int = 0
    threads: int = 1
    """torch's CPU threads while training."""


def alphabet(words: Sequence[str]) -> str:
    """Every character of ``words``, sorted: id ``3 + i`` is character ``i``."""
    return "".join(sorted({ch for word in words for ch in word}))


def _ids(words: Sequence[str], table: dict[str, int], extra: int) -> np.ndarray:
    out = np.full((len(words), max(len(w) for w in words) + extra), PAD, dtype=np.int64)
    for row, word in enumerate(words):
        out[row, extra // 2 : extra // 2 + len(word)] = [table[ch] for ch in word]
    return out


def fit(
    pairs: Sequence[tuple[str, str]], options: FitOptions, progress: Progress | None = None, label: str = "training"
) -> tuple[Transliterator, str, str]:
    """(trained network, source alphabet, target alphabet) from ``(source, target)`` word pairs."""
    pairs = [(s, t) for s, t in pairs if 0 < len(s) <= MAX_LENGTH and 0 < len(t) < MAX_LENGTH]
    source_alphabet, target_alphabet = alphabet([s for s, _t in pairs]), alphabet([t for _s, t in pairs])
    source_ids = {ch: i for i, ch in enumerate(source_alphabet, start=3)}
    target_ids = {ch: i for i, ch in enumerate(target_alphabet, start=3)}
    torch.set_num_threads(options.threads)
    torch.manual_seed(options.seed)
    shuffle = random.Random(options.seed)
    shape = Shape(len(source_alphabet) + 3, len(target_alphabet) + 3, width=options.width, feed_forward=options.feed_forward,
                  encoder_layers=options.encoder_layers, decoder_layers=options.decoder_layers, dropout=options.dropout)
    model = Transliterator(shape)
    batches_per_epoch = -(-len(pairs) // options.batch)
    optimizer = torch.optim.AdamW(model.parameters(), lr=options.learning_rate, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=options.learning_rate, total_steps=options.epochs * batches_per_epoch,
                                                   pct_start=0.1)
    loss_function = nn.CrossEntropyLoss(ignore_index=PAD, label_smoothing=options.label_smoothing)
    use_bf16 = torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported()
    model.train()
    started = time.process_time()
    for epoch in range(options.epochs):
        ordered = sorted(pairs, key=lambda pair: len(pair[0]) + 2 * shuffle.random())
        batches = [ordered[i : i + options.batch] for i in range(0, len(ordered), options.batch)]
        shuffle.shuffle(batches)
        for done, batch in enumerate(batches):
            source = torch.from_numpy(_ids([s for s, _t in batch], source_ids, 0))
            target = _ids([t for _s, t in batch], target_ids, 2)  # BOS, the word, EOS
            target[:, 0] = BOS
            ends = np.array([len(t) + 1 for _s, t in batch])
            target[np.arange(len(batch)), ends] = EOS
            target_in, target_out = torch.from_numpy(target[:, :-1]), torch.from_numpy(target[:, 1:])
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
                logits = model(source, target_in)
            loss = loss_function(logits.float().reshape(-1, logits.shape[-1]), target_out.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            if progress and done % 20 == 0:
                progress(f"{label}: epoch {epoch + 1}/{options.epochs}, loss {loss.item():.3f}", epoch * len(batches) + done,
                         options.epochs * len(batches))
    if progress:
        progress(f"{label}: {time.process_time() - started:.0f} s of CPU", 1, 1)
    model.eval()
    return model, source_alphabet, target_alphabet
