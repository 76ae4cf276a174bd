"""Sentence embeddings from a (multilingual) BERT: mean-pooled last layer, L2-normalised."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

from mixlingo.adapters.hub import from_pretrained


class BertEncoder:
    """The ``Encoder`` protocol; loads its own model, or shares a tagger's (see ``MBertTagger.encoder``)."""

    def __init__(self, tokenizer, model, batch_size: int = 32, max_length: int = 256):  # noqa: ANN001
        self.tokenizer, self.model = tokenizer, model.eval()
        self.batch_size, self.max_length = batch_size, max_length

    @classmethod
    def load(cls, model_id: str, *, cache_dir: Path, offline: bool = False) -> BertEncoder:
        tokenizer = from_pretrained(AutoTokenizer, model_id, cache_dir=cache_dir, offline=offline)
        model = from_pretrained(AutoModel, model_id, cache_dir=cache_dir, offline=offline)
        return cls(tokenizer, model)

    @torch.inference_mode()
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        chunks = []
        for start in range(0, len(texts), self.batch_size):
            batch = [text or " " for text in texts[start : start + self.batch_size]]
            encoded = self.tokenizer(batch, return_tensors="pt", padding=True, truncation=True, max_length=self.max_length)
            hidden = self.model(**encoded).last_hidden_state
            mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            chunks.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
        return np.concatenate(chunks) if chunks else np.zeros((0, 0), dtype=np.float32)
