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
from safetensors.numpy import save_file

from mixlingo.adapters.embedded.features import FeatureExtractor
from mixlingo.adapters.embedded.vector_table import VectorTable


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
    # one metadata entry: safetensors writes its metadata map in no fixed order, and the
    # same training run must give the same bytes
    metadata = {"crf": json.dumps({"labels": list(labels), "attributes": attributes}, ensure_ascii=False)}
    save_file({"state": state, "transitions": transitions, "unseen": unseen}, str(out), metadata=metadata)


class CrfScorer:
    """Per-token label marginals, equal (to float precision) to crfsuite's."""

    def __init__(self, path: Path, features: FeatureExtractor):
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as handle:  # one read: metadata and tensors
            described = json.loads(handle.metadata()["crf"])
            tensors = {name: handle.get_tensor(name) for name in handle.keys()}  # not a dict
        self.labels: list[str] = described["labels"]
        self.rows = {attribute: i for i, attribute in enumerate(described["attributes"])}
        # one extra zero row: the weights of an attribute the CRF never kept
        self.state = np.vstack([tensors["state"], np.zeros((1, len(self.labels)), dtype=np.float32)])
        self.transitions = tensors["transitions"].astype(np.float64)
        self.unseen = tensors["unseen"].astype(np.float64)
        self.features = features
        # One score vector per (word, offset) pair seen so far; row 0 stays zero for "no neighbour".
        self._pairs = VectorTable(len(self.labels), limit=600_000)
        self._flags = VectorTable(len(self.labels), limit=10_000)

    def marginals(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """[batch, length, labels] marginals for sentences that all have the same length."""
        return _forward_backward(self._scores(sentences) + self.unseen, self.transitions)

    def _scores(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        parts = [part for words in sentences for part in self.features.sentence_parts(words)]
        self._pairs.ensure((pair for pairs, _ in parts for pair in pairs), self._pair_scores)
        self._flags.ensure((flags for _, flags in parts), self._flag_scores)
        pair_ids, flag_ids = self._pairs.ids, self._flags.ids
        ids = [[pair_ids[pair] for pair in pairs] + [0] * (5 - len(pairs)) for pairs, _ in parts]
        shape = (len(sentences), len(sentences[0]))
        scores = self._pairs.gather(np.array(ids).reshape(*shape, 5)).sum(2)
        return scores + self._flags.gather(np.array([flag_ids[flags] for _, flags in parts]).reshape(shape))

    def _pair_scores(self, pairs: list[tuple[str, int]]) -> np.ndarray:
        """Score vectors of (word, offset) pairs: one gather and one segmented sum over all their
        attributes (an attribute the CRF has no weight for maps to the zero row at the end)."""
        attributes: list[str] = []
        values: list[float] = []
        starts = []
        for pair in pairs:  # every pair has at least its word attribute: no empty segment
            features = self.features.pair_features(*pair)
            starts.append(len(attributes))
            attributes.extend(features)
            values.extend(features.values())
        get, missing = self.rows.get, len(self.state) - 1
        rows = np.fromiter((get(attribute, missing) for attribute in attributes), dtype=np.int64, count=len(attributes))
        return np.add.reduceat(self.state[rows] * np.asarray(values)[:, None], starts, axis=0)

    def _flag_scores(self, flag_sets: list[tuple[str, ...]]) -> np.ndarray:
        return np.array([self.state[[self.rows.get(flag, -1) for flag in flags]].sum(0) for flags in flag_sets])


def _forward_backward(scores: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """Marginals of a linear-chain CRF (no start/end transitions, as in crfsuite) in log space."""
    length = scores.shape[1]
    alpha = np.empty_like(scores)
    beta = np.zeros_like(scores)
    alpha[:, 0] = scores[:, 0]
    for t in range(1, length):
        alpha[:, t] = scores[:, t] + np.logaddexp.reduce(alpha[:, t - 1, :, None] + transitions, axis=1)
    for t in range(length - 2, -1, -1):
        beta[:, t] = np.logaddexp.reduce(transitions + (scores[:, t + 1] + beta[:, t + 1])[:, None, :], axis=2)
    log_z = np.logaddexp.reduce(alpha[:, -1], axis=1)
    return np.exp(alpha + beta - log_z[:, None, None])
