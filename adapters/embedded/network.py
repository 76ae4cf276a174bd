"""The embedded tagger's network in torch: what training runs and the fallback when a model has no ONNX head.

Tagging with a shipped model needs no torch (see :class:`~mixlingo.adapters.embedded.tagger.InputLayer`);
this module is imported only to train, to export, or to run a model without ``sequence.onnx``.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from mixlingo.adapters.embedded.features import DENSE_SIZE


class BiLstmTagger(nn.Module):
    """Word embedding + char-CNN + hashed n-gram bag + dense features → 2-layer BiLSTM → labels."""

    def __init__(self, n_words: int, n_chars: int, n_labels: int, buckets: int, hidden: int = 128):
        super().__init__()
        self.buckets = buckets
        self.words = nn.Embedding(n_words, 64, padding_idx=0)
        self.chars = nn.Embedding(n_chars, 24, padding_idx=0)
        self.conv = nn.Conv1d(24, 64, 3, padding=1)
        self.ngrams = nn.EmbeddingBag(buckets, 48, mode="mean")
        self.lstm = nn.LSTM(64 + 64 + 48 + DENSE_SIZE, hidden, num_layers=2, bidirectional=True,
                            batch_first=True, dropout=0.3)
        self.dropout = nn.Dropout(0.3)
        self.out = nn.Linear(2 * hidden, n_labels)

    def forward(self, words, chars, dense, ngrams, offsets):
        return self.sequence(self.inputs(words, chars, dense, ngrams, offsets), words)

    def inputs(self, words, chars, dense, ngrams, offsets):
        """Per-token input vectors: word, characters, n-gram bag and dense features."""
        batch, length, width = chars.shape
        flat_chars = chars.view(batch * length, width)
        convolved = torch.relu(self.conv(self.chars(flat_chars).transpose(1, 2)))
        # max over real characters only, so the batch's longest word does not change the result
        convolved = convolved.masked_fill((flat_chars == 0).unsqueeze(1), 0.0)
        char_rep = convolved.max(2).values.view(batch, length, 64)
        bag = self.ngrams(ngrams, offsets).view(batch, length, 48)
        return torch.cat([self.dropout(self.words(words)), char_rep, self.dropout(bag), dense], -1)

    def sequence(self, x, words):
        """BiLSTM over the input vectors, then label logits."""
        # Packed, so padding never reaches the backward direction: a sentence's tags do not
        # depend on what else shares its batch.
        length = x.shape[1]
        lengths = (words != 0).sum(1).clamp(min=1).cpu()
        if bool((lengths == length).all()):  # no padding (the tagger batches equal lengths): fast path
            hidden, _ = self.lstm(x)
        else:
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            hidden, _ = self.lstm(packed)
            hidden, _ = nn.utils.rnn.pad_packed_sequence(hidden, batch_first=True, total_length=length)
        return self.out(self.dropout(hidden))


class SequenceHead(nn.Module):
    """The BiLSTM and output layer alone, for export: inputs of equal-length sentences → probabilities."""

    def __init__(self, net: BiLstmTagger):
        super().__init__()
        self.lstm, self.out = net.lstm, net.out

    def forward(self, x):
        return self.out(self.lstm(x)[0]).softmax(-1)


def as_tensors(arrays: tuple[np.ndarray, ...]) -> tuple[torch.Tensor, ...]:
    """:meth:`Encoding.batch`'s arrays as the tensors :class:`BiLstmTagger` takes."""
    return tuple(torch.from_numpy(array) for array in arrays)
