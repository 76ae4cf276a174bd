"""Sentence embeddings from a (multilingual) BERT: mean-pooled last (or a chosen middle) layer, L2-normalised.

Texts are sorted by length before batching so a batch pads to similar lengths;
the forward runs on any :mod:`.bert_runtime` runner (torch, torch int8, ONNX).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mixlingo.adapters.bert_runtime import load_runner, position_limit, tokenizer_lock


class BertEncoder:
    """The ``Encoder`` protocol; loads its own model, or shares a tagger's (see ``MBertTagger.encoder``)."""

    def __init__(self, tokenizer, runner, batch_size: int = 32, max_length: int = 256):  # noqa: ANN001
        """``runner``: a runner from :mod:`.bert_runtime` (torch, torch int8 or ONNX).

        Inputs are truncated to ``max_length`` tokens or the model's own position limit, whichever is less.
        """
        self.tokenizer, self.runner = tokenizer, runner
        self.batch_size, self.max_length = batch_size, min(max_length, position_limit(self.runner.config))
        self.notes: list[str] = []

    @classmethod
    def load(
        cls,
        model_id: str,
        *,
        cache_dir: Path,
        offline: bool = False,
        backend: str = "torch",
        threads: int | None = None,
        optimized_dir: Path | None = None,
        layers: int | None = None,
    ) -> BertEncoder:
        """``layers``: mean-pool the N-th layer and stop the forward there (0/None: the last layer)."""
        notes: list[str] = []
        tokenizer, runner = load_runner(
            model_id, "base", backend=backend, cache_dir=cache_dir, offline=offline, threads=threads,
            optimized_dir=optimized_dir, notes=notes, layers=layers,
        )
        encoder = cls(tokenizer, runner)
        encoder.notes = notes
        return encoder

    def describe(self) -> str:
        return self.runner.name

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[np.ndarray | None] = [None] * len(texts)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            for row, vector in zip(rows, self._embed_batch([texts[i] or " " for i in rows])):
                out[row] = vector
        return np.stack(out)  # type: ignore[arg-type]

    def _embed_batch(self, batch: list[str]) -> np.ndarray:
        with tokenizer_lock(self.tokenizer):
            encoded = self.tokenizer(
                batch, return_tensors="np", padding=True, truncation=True, max_length=self.max_length,
                return_token_type_ids=False,
            )
        hidden, _ = self.runner(encoded["input_ids"], encoded["attention_mask"])
        mask = encoded["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1.0)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=-1, keepdims=True), 1e-12)).astype(np.float32)
