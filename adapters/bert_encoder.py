"""Sentence embeddings from a (multilingual) BERT: mean-pooled last (or a chosen middle) layer, L2-normalised.

Texts are sorted by length before batching so a batch pads to similar lengths;
the forward runs on any :mod:`.bert_runtime` runner (torch, torch int8, ONNX).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mixlingo.adapters.bert_runtime import load_runner, position_limit, tokenizer_lock


class VectorMemo:
    """Sentence vectors another forward already computed, keyed by the exact token ids they pooled
    (a tagger sharing the encoder's model pools its own inputs here); the most recent ``size`` kept."""

    def __init__(self, size: int = 2048):
        self.size = size
        self._vectors: OrderedDict[tuple[int, ...], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def put(self, ids: tuple[int, ...], vector: np.ndarray) -> None:
        with self._lock:
            self._vectors[ids] = vector
            self._vectors.move_to_end(ids)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)

    def get(self, ids: tuple[int, ...]) -> np.ndarray | None:
        with self._lock:
            found = self._vectors.get(ids)
            self.hits += found is not None
            return found


def pool(hidden: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Mean over the unmasked tokens, L2-normalised: one vector per row."""
    mask = attention_mask[..., None].astype(np.float32)
    pooled = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1.0)
    return (pooled / np.maximum(np.linalg.norm(pooled, axis=-1, keepdims=True), 1e-12)).astype(np.float32)


def row_ids(input_ids: np.ndarray, attention_mask: np.ndarray, row: int) -> tuple[int, ...]:
    """The unpadded token ids of one row (the key of :class:`VectorMemo`)."""
    return tuple(int(i) for i, m in zip(input_ids[row], attention_mask[row]) if m)


class BertEncoder:
    """The ``Encoder`` protocol; loads its own model, or shares a tagger's (see ``MBertTagger.encoder``)."""

    def __init__(self, tokenizer, runner, batch_size: int = 16, max_length: int = 256,
                 known: VectorMemo | None = None):
        """``runner``: a runner from :mod:`.bert_runtime` (torch, torch int8 or ONNX).

        Inputs are truncated to ``max_length`` tokens or the model's own position limit, whichever is less;
        ``batch_size`` texts per forward (16: ORT's arena grows with the largest forward; 32 raised the
        bench's peak RSS by 60–80 MiB, docs/performance.md).
        ``known``: vectors another forward of the same model (layer, pooling) already gave, by token ids:
        a text whose ids are there is not run again.
        """
        self.tokenizer, self.runner, self.known = tokenizer, runner, known
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
        out: list[np.ndarray | None] = [None] * len(texts)
        todo = list(range(len(texts)))
        if self.known is not None:  # texts another forward of this model already pooled are not run again
            encoded = self._tokenize([texts[i] or " " for i in todo])
            out = [self.known.get(row_ids(encoded["input_ids"], encoded["attention_mask"], i)) for i in todo]
            todo = [i for i in todo if out[i] is None]
        order = sorted(todo, key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            for row, vector in zip(rows, self._embed_batch([texts[i] or " " for i in rows])):
                out[row] = vector
        return np.stack(out)  # type: ignore[arg-type]

    def _tokenize(self, batch: list[str]):
        with tokenizer_lock(self.tokenizer):
            return self.tokenizer(
                batch, return_tensors="np", padding=True, truncation=True, max_length=self.max_length,
                return_token_type_ids=False,
            )

    def _embed_batch(self, batch: list[str]) -> np.ndarray:
        encoded = self._tokenize(batch)
        hidden, _ = self.runner(encoded["input_ids"], encoded["attention_mask"])
        return pool(hidden, encoded["attention_mask"])
