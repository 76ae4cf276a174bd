"""Linear-chain CRF marginals in numpy, from weights crfsuite trained.

Why not ask crfsuite at tagging time: its tagger takes one sentence at a time, rebuilds
every token's attribute dict and answers one (label, position) marginal per Python call
— about half of the embedded tagger's time — and parsing its model takes 0.6 s. Training
exports the weights once (``export``); here each cached (word, offset) feature dict
becomes one score vector, a token's scores are a sum of five cached vectors, and
forward–backward runs over a whole batch of equal-length sentences at once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

from mixlingo.nlp.word_features import FeatureExtractor


def export(crfsuite_model: Path, labels: Sequence[str], out: Path) -> None:
    """Write a crfsuite model's weights as ``out`` (safetensors), columns in ``labels`` order.

    A label the CRF never saw scores -inf (marginal 0, as crfsuite reports it)."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(crfsuite_model))
    info = tagger.info()
    column = {label: i for i, label in enumerate(labels)}
    attributes = sorted({attribute for attribute, _ in info.state_features})
    row = {attribute: i for i, attribute in enumerate(attributes)}
    state = np.zeros((len(attributes), len(labels)), dtype=np.float32)
    for (attribute, label), weight in info.state_features.items():
        state[row[attribute], column[label]] = weight
    transitions = np.zeros((len(labels), len(labels)), dtype=np.float32)
    for (before, after), weight in info.transitions.items():
        transitions[column[before], column[after]] = weight
    seen = set(tagger.labels())
    unseen = np.array([0.0 if label in seen else -np.inf for label in labels], dtype=np.float32)
    metadata = {"attributes": json.dumps(attributes, ensure_ascii=False), "labels": json.dumps(list(labels))}
    save_file({"state": state, "transitions": transitions, "unseen": unseen}, str(out), metadata=metadata)


class CrfScorer:
    """Per-token label marginals, equal (to float precision) to crfsuite's."""

    def __init__(self, path: Path, features: FeatureExtractor):
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as handle:
            metadata = handle.metadata()
        tensors = load_file(str(path))
        self.labels: list[str] = json.loads(metadata["labels"])
        self.rows = {attribute: i for i, attribute in enumerate(json.loads(metadata["attributes"]))}
        self.state = tensors["state"].astype(np.float64)
        self.transitions = tensors["transitions"].astype(np.float64)
        self.unseen = tensors["unseen"].astype(np.float64)
        self.features = features
        # One score vector per (word, offset) pair seen so far; row 0 stays zero for "no neighbour".
        self._ids: dict[tuple[str, int], int] = {}
        self._table = np.zeros((1024, len(self.labels)))
        self._flags: dict[tuple[str, ...], np.ndarray] = {}

    def marginals(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """[batch, length, labels] marginals for sentences that all have the same length."""
        return _forward_backward(self._scores(sentences) + self.unseen, self.transitions)

    def _scores(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        parts = [self.features.sentence_parts(words) for words in sentences]
        self._add_pairs({pair for sentence in parts for pairs, _ in sentence for pair in pairs})
        ids = np.zeros((len(sentences), len(sentences[0]), 5), dtype=np.int64)
        flags = np.empty((len(sentences), len(sentences[0]), len(self.labels)))
        for b, sentence in enumerate(parts):
            for t, (pairs, names) in enumerate(sentence):
                ids[b, t, : len(pairs)] = [self._ids[pair] for pair in pairs]
                flags[b, t] = self._flag_vector(names)
        return self._table[ids].sum(2) + flags

    def _add_pairs(self, pairs: set[tuple[str, int]]) -> None:
        """Score vectors for pairs not yet in the table: one gather and one segmented sum."""
        new = sorted(pair for pair in pairs if pair not in self._ids)
        if not new:
            return
        if len(self._ids) + len(new) >= 600_000:  # bound the memory of a long-running bot
            self._ids.clear()
        rows, values, starts = [], [], []
        for pair in new:
            starts.append(len(rows))
            for attribute, value in self.features.pair_features(*pair).items():
                row = self.rows.get(attribute)
                if row is not None:
                    rows.append(row)
                    values.append(value)
        # an empty pair (no known attribute) contributes a zero row, appended last
        rows.append(0)
        values.append(0.0)
        weighted = self.state[rows] * np.asarray(values)[:, None]
        sums = np.add.reduceat(weighted, starts, axis=0)
        sums[np.diff(starts + [len(rows) - 1]) == 0] = 0.0
        first = len(self._ids) + 1
        if first + len(new) > len(self._table):
            grown = np.zeros((max(2 * len(self._table), first + len(new)), len(self.labels)))
            grown[: len(self._table)] = self._table
            self._table = grown
        self._table[first : first + len(new)] = sums
        self._ids.update((pair, first + i) for i, pair in enumerate(new))

    def _flag_vector(self, flags: tuple[str, ...]) -> np.ndarray:
        vector = self._flags.get(flags)
        if vector is None:
            rows = [self.rows[flag] for flag in flags if flag in self.rows]
            vector = self._flags[flags] = self.state[rows].sum(0)
        return vector


def _forward_backward(scores: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """Marginals of a linear-chain CRF (no start/end transitions, as in crfsuite) in log space."""
    length = scores.shape[1]
    alpha = np.empty_like(scores)
    beta = np.zeros_like(scores)
    alpha[:, 0] = scores[:, 0]
    for t in range(1, length):
        alpha[:, t] = scores[:, t] + _logsumexp(alpha[:, t - 1, :, None] + transitions, axis=1)
    for t in range(length - 2, -1, -1):
        beta[:, t] = _logsumexp(transitions + (scores[:, t + 1] + beta[:, t + 1])[:, None, :], axis=2)
    log_z = _logsumexp(alpha[:, -1], axis=1)
    return np.exp(alpha + beta - log_z[:, None, None])


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    peak = np.max(x, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0.0)
    return np.log(np.sum(np.exp(x - peak), axis=axis)) + np.squeeze(peak, axis=axis)
