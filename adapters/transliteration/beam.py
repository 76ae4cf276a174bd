"""Batched beam search over the exported seq2seq graphs, in NumPy and onnxruntime (no torch).

Many words are decoded together: words are sorted by length and cut into batches, each batch runs
the encoder once per word length (so no padding reaches it) and then one decoder call per output
character for all its hypotheses at once. That amortizes onnxruntime's per-call cost, which is what
makes a word cost well under a millisecond or two in a batch. A word's result does not depend on the
other words in its batch: padded source positions are masked out of attention, and each word keeps its
own beam and its own stopping point.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort

PAD, BOS, EOS = 0, 1, 2
NEG = -1e9

Candidates = list[tuple[str, float]]
"""(spelling, log probability), best first."""


def _session(path: Path, threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class BeamSearch:
    """The ``beam`` best spellings of words, one alphabet to another, from the exported encoder and step graphs."""

    def __init__(self, encoder: Path, decoder: Path, source_alphabet: str, target_alphabet: str, *, threads: int = 1, batch: int = 256):
        self.encoder = _session(encoder, threads)
        self.decoder = _session(decoder, threads)
        self.source_ids = {ch: i for i, ch in enumerate(source_alphabet, start=3)}
        self.target_alphabet = target_alphabet
        self.target_ids = {ch: i for i, ch in enumerate(target_alphabet, start=3)}
        self.batch = batch

    def search(self, words: Sequence[str], beam: int) -> list[Candidates]:
        """Per word, up to ``beam`` spellings; empty for a word with a character the model never saw."""
        results: list[Candidates] = [[] for _ in words]
        usable = sorted((i for i, w in enumerate(words) if w and all(ch in self.source_ids for ch in w)), key=lambda i: (len(words[i]), i))
        for start in range(0, len(usable), self.batch):
            chunk = usable[start : start + self.batch]
            for i, found in zip(chunk, self._search_batch([words[i] for i in chunk], beam)):
                results[i] = found
        return results

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """log P(target | source) for each (source, target) pair, the target forced one character at a time.

        -inf for a pair with a character the network does not know."""
        results = [-np.inf] * len(pairs)
        usable = sorted((i for i, (s, t) in enumerate(pairs) if s and t and all(ch in self.source_ids for ch in s)
                         and all(ch in self.target_ids for ch in t)), key=lambda i: (len(pairs[i][0]), len(pairs[i][1]), i))
        for start in range(0, len(usable), self.batch * 4):
            chunk = usable[start : start + self.batch * 4]
            for i, value in zip(chunk, self._score_batch([pairs[i] for i in chunk])):
                results[i] = value
        return results

    def _score_batch(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        cross_keys, cross_values, mask = self._encode([s for s, _t in pairs])
        longest = max(len(t) for _s, t in pairs) + 1
        target = np.full((len(pairs), longest), PAD, dtype=np.int64)
        for row, (_s, t) in enumerate(pairs):
            target[row, : len(t) + 1] = [*(self.target_ids[ch] for ch in t), EOS]
        layers, n, heads, _s, size = cross_keys.shape
        self_keys = self_values = np.zeros((layers, n, heads, 0, size), dtype=np.float32)
        previous = np.full(n, BOS, dtype=np.int64)
        total = np.zeros(n, dtype=np.float64)
        for step in range(longest):
            log_probs, self_keys, self_values = self.decoder.run(None, {
                "previous": previous, "position": np.array([step], dtype=np.int64), "self_keys": self_keys, "self_values": self_values,
                "cross_keys": cross_keys, "cross_values": cross_values, "mask": mask})
            written = target[:, step] != PAD
            total[written] += log_probs[np.nonzero(written)[0], target[written, step]]
            previous = np.where(written, target[:, step], EOS)
        return total.tolist()

    def _encode(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cross-attention keys and values [L, N, H, S, W/H] and the attention mask [N, S] for ``words``, padded to the
        longest; each word length is encoded on its own, so no padding enters the encoder."""
        longest = max(len(w) for w in words)
        mask = np.full((len(words), longest), NEG, dtype=np.float32)
        by_length: dict[int, list[int]] = {}
        for i, w in enumerate(words):
            by_length.setdefault(len(w), []).append(i)
        keys = values = np.zeros(0, dtype=np.float32)
        for length, rows in by_length.items():
            ids = np.array([[self.source_ids[ch] for ch in words[i]] for i in rows], dtype=np.int64)
            k, v = self.encoder.run(None, {"source": ids})
            if not keys.size:
                keys = np.zeros((k.shape[0], len(words), k.shape[2], longest, k.shape[4]), dtype=np.float32)
                values = np.zeros_like(keys)
            keys[:, rows, :, :length] = k
            values[:, rows, :, :length] = v
            mask[rows, :length] = 0.0
        return keys, values, mask

    def _step(self, previous: np.ndarray, step: int, caches: tuple[np.ndarray, np.ndarray], cross: tuple[np.ndarray, np.ndarray, np.ndarray]
              ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        log_probs, keys, values = self.decoder.run(None, {
            "previous": previous, "position": np.array([step], dtype=np.int64), "self_keys": caches[0], "self_values": caches[1],
            "cross_keys": cross[0], "cross_values": cross[1], "mask": cross[2]})
        log_probs[:, [PAD, BOS]] = -np.inf  # never written, but not to be picked even by chance
        if step == 0:
            log_probs[:, EOS] = -np.inf  # no empty word
        return log_probs, (keys, values)

    def _search_batch(self, words: Sequence[str], beam: int) -> list[Candidates]:
        n = len(words)
        cross = self._encode(words)
        layers, _n, heads, _s, size = cross[0].shape
        empty = np.zeros((layers, n, heads, 0, size), dtype=np.float32)
        # The first step is the same for every hypothesis of a word: run it once per word, then fan out.
        log_probs, caches = self._step(np.full(n, BOS, dtype=np.int64), 0, (empty, empty), cross)
        first = np.argsort(-log_probs, axis=1, kind="stable")[:, :beam]
        scores = np.take_along_axis(log_probs, first, axis=1)
        history = first[:, :, None]
        fan_out = np.repeat(np.arange(n), beam)
        caches = (caches[0][:, fan_out], caches[1][:, fan_out])
        cross = (cross[0][:, fan_out], cross[1][:, fan_out], cross[2][fan_out])
        previous = first.reshape(-1)
        finished: list[list[tuple[float, tuple[int, ...]]]] = [[] for _ in words]
        ids = np.arange(n)  # which word each remaining row group is
        limits = np.array([2 * len(w) + 6 for w in words])
        step = 1
        while len(ids):
            log_probs, caches = self._step(previous, step, caches, cross)
            vocab = log_probs.shape[1]
            total = (scores.reshape(-1, 1) + log_probs).reshape(len(ids), beam * vocab)
            top = np.argpartition(-total, 2 * beam, axis=1)[:, : 2 * beam]
            top_scores = np.take_along_axis(total, top, axis=1)
            order = np.argsort(-top_scores, axis=1, kind="stable")
            top, top_scores = np.take_along_axis(top, order, axis=1), np.take_along_axis(top_scores, order, axis=1)
            origin, token = top // vocab, top % vocab
            ends = (token == EOS) & np.isfinite(top_scores)
            ends[:, beam:] = False  # an ending counts when it is among the best ``beam`` continuations
            for i, j in zip(*np.nonzero(ends)):
                finished[ids[i]].append((float(top_scores[i, j]), tuple(history[i, origin[i, j]].tolist())))
            live_scores = np.where(token == EOS, -np.inf, top_scores)
            keep = np.argsort(-live_scores, axis=1, kind="stable")[:, :beam]
            origin = np.take_along_axis(origin, keep, axis=1)
            scores = np.take_along_axis(live_scores, keep, axis=1)
            history = np.concatenate([np.take_along_axis(history, origin[:, :, None], axis=1),
                                      np.take_along_axis(token, keep, axis=1)[:, :, None]], axis=2)
            step += 1
            # A word is done when it has enough endings that no live hypothesis can beat (scores only fall), or is too long.
            done = np.array([step >= limits[w] or (len(finished[w]) >= beam
                                                   and scores[i, 0] <= sorted(finished[w], reverse=True)[beam - 1][0])
                             for i, w in enumerate(ids)])
            remaining = np.nonzero(~done)[0]
            rows = ((remaining[:, None] * beam) + origin[remaining]).reshape(-1)  # the surviving hypotheses' rows, reordered
            caches = (caches[0][:, rows], caches[1][:, rows])
            if done.any():
                same = np.repeat(remaining * beam, beam)
                cross = (cross[0][:, same], cross[1][:, same], cross[2][same])
            ids, scores, history = ids[remaining], scores[remaining], history[remaining]
            previous = history[:, :, -1].reshape(-1)
        return [[("".join(self.target_alphabet[t - 3] for t in seq), score) for score, seq in sorted(found, reverse=True)[:beam]]
                for found in finished]
