"""The embedded code-switch tagger: a small BiLSTM over words, characters and word frequencies,
optionally averaged with a CRF over character n-grams.

Ships inside the package for es/en (``mixlingo/data/taggers/spaeng``) and hi/en
(``mixlingo/data/taggers/hineng``), so tagging is accurate with no model hub. A model
directory holds ``config.json``, ``vocab.json``, ``model.safetensors`` (all weights),
``sequence.onnx`` (the BiLSTM for ONNX Runtime, faster than torch), for the ensemble
``crf.safetensors``, and any word list named in its config (:mod:`.word_lists`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

from mixlingo.adapters.embedded.crf import CrfScorer
from mixlingo.adapters.embedded.features import DENSE_SIZE, FEATURE_CONTRACT, FeatureExtractor, Zipf, dense_features, hashed_ngrams
from mixlingo.adapters.embedded.onnx_head import head_session
from mixlingo.adapters.embedded.vector_table import VectorTable
from mixlingo.adapters.embedded.word_lists import model_zipf
from mixlingo.core.errors import ModelUnavailableError
from mixlingo.nlp.labels import is_language, map_label
from mixlingo.nlp.tagging import Tag
from mixlingo.nlp.word_frequency import zipf

CONFIG, VOCAB, WEIGHTS, CRF = "config.json", "vocab.json", "model.safetensors", "crf.safetensors"
HEAD = "sequence.onnx"
"""The BiLSTM and output layer for ONNX Runtime: about twice torch's speed on one core."""
MAX_WORD_CHARS = 20
EVIDENCE_ZIPF = 3.0
"""The least a word of the model's training vocabulary counts for in :meth:`EmbeddedTagger.evidence` (once per million words)."""
EVIDENCE_CAP = 7.0
"""Zipf frequency above which a word counts no more (the, el, hai): a few very common words must not outweigh the rest."""


class Encoding:
    """Turns token lists into the network's tensors; the vocabularies travel with the model."""

    def __init__(self, words: dict[str, int], chars: dict[str, int], langs: Sequence[str], buckets: int, zipf_of: Zipf = zipf):
        self.words, self.chars, self.langs, self.buckets = words, chars, tuple(langs), buckets
        self.zipf_of = zipf_of
        self._cache: dict[str, tuple] = {}

    def token(self, token: str) -> tuple:
        """(word id, char ids, dense features, n-gram buckets) as arrays, cached per token string."""
        cached = self._cache.get(token)
        if cached is None:
            cached = (
                self.words.get(token.lower(), 1),
                np.array([self.chars.get(c, 1) for c in token[:MAX_WORD_CHARS]] or [1], dtype=np.int64),
                np.array(dense_features(token, self.langs, self.zipf_of), dtype=np.float32),
                np.array(hashed_ngrams(token, self.buckets), dtype=np.int64),
            )
            if len(self._cache) < 200_000:
                self._cache[token] = cached
        return cached

    def batch(self, sentences: Sequence[Sequence[str]]) -> tuple[np.ndarray, ...]:
        """Padded arrays for a batch (words, chars, dense, n-grams, offsets), filled in place (nested lists are slow)."""
        encoded = [[self.token(t) for t in s] for s in sentences]
        length = max(1, max(len(s) for s in encoded))
        width = max([len(t[1]) for s in encoded for t in s] or [1])
        words = np.zeros((len(encoded), length), dtype=np.int64)
        chars = np.zeros((len(encoded), length, width), dtype=np.int64)
        dense = np.zeros((len(encoded), length, DENSE_SIZE), dtype=np.float32)
        grams: list[np.ndarray] = []
        pad = np.zeros(1, dtype=np.int64)
        for i, sentence in enumerate(encoded):
            if not sentence:
                grams += [pad] * length
                continue
            words[i, : len(sentence)] = [t[0] for t in sentence]
            dense[i, : len(sentence)] = np.stack([t[2] for t in sentence])
            for j, t in enumerate(sentence):
                chars[i, j, : len(t[1])] = t[1]
            grams += [t[3] for t in sentence] + [pad] * (length - len(sentence))
        sizes = np.fromiter((len(g) for g in grams), dtype=np.int64, count=len(grams))
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        return words, chars, dense, np.concatenate(grams), offsets


class InputLayer:
    """The network's per-token input vectors in numpy, equal (to float precision) to
    :meth:`BiLstmTagger.inputs <mixlingo.adapters.embedded.network.BiLstmTagger.inputs>` in eval mode.

    Why numpy: importing torch takes seconds, and tagging one message with a shipped model
    needs only these lookups, one small convolution and the ONNX head.
    """

    def __init__(self, weights: dict[str, np.ndarray]):
        self.words = weights["words.weight"]
        self.chars = weights["chars.weight"]
        self.conv = weights["conv.weight"]  # [out, in, kernel]
        self.conv_bias = weights["conv.bias"]
        self.ngrams = weights["ngrams.weight"]
        self.size = self.words.shape[1] + self.conv.shape[0] + self.ngrams.shape[1] + DENSE_SIZE
        if weights["lstm.weight_ih_l0"].shape[1] != self.size:
            raise ValueError(f"the LSTM takes {weights['lstm.weight_ih_l0'].shape[1]} inputs, the layers give {self.size}")

    def __call__(self, words: np.ndarray, chars: np.ndarray, dense: np.ndarray, ngrams: np.ndarray,
                 offsets: np.ndarray) -> np.ndarray:
        """[batch, length, size] from :meth:`Encoding.batch`'s arrays."""
        batch, length, width = chars.shape
        flat = chars.reshape(batch * length, width)
        embedded = self.chars[flat]  # [tokens, width, in]; row 0 (padding) is all zeros
        kernel = self.conv.shape[2]
        padded = np.pad(embedded, ((0, 0), (kernel // 2, kernel // 2), (0, 0)))
        convolved = sum(padded[:, k : k + width, :] @ self.conv[:, :, k].T for k in range(kernel)) + self.conv_bias
        convolved = np.maximum(convolved, 0.0)
        convolved[flat == 0] = 0.0  # max over real characters only, as the torch network does
        char_rep = convolved.max(1).reshape(batch, length, -1)
        sums = np.add.reduceat(self.ngrams[ngrams], offsets, axis=0)
        counts = np.diff(np.append(offsets, len(ngrams)))
        bag = (sums / np.maximum(counts, 1)[:, None]).reshape(batch, length, -1)
        return np.concatenate([self.words[words], char_rep, bag, dense], -1).astype(np.float32)


class EmbeddedTagger:
    """The ``Tagger`` protocol over a trained model directory."""

    name = "embedded"

    def __init__(self, model_dir: Path, batch_size: int = 128, threads: int | None = None):
        model_dir = Path(model_dir)
        try:
            config = json.loads((model_dir / CONFIG).read_text(encoding="utf-8"))
            vocab = json.loads((model_dir / VOCAB).read_text(encoding="utf-8"))
            weights = {k: v.astype(np.float32) if v.dtype.kind == "f" else v
                       for k, v in load_file(str(model_dir / WEIGHTS)).items()}
        except (OSError, ValueError) as error:
            raise ModelUnavailableError(f"{model_dir} is not an embedded tagger model ({error})") from error
        check_contract(model_dir, config)
        self.config = config
        self.raw_labels: list[str] = config["labels"]
        self.labels = [map_label(label, config["label_map"]) for label in self.raw_labels]
        try:
            self.zipf_of = model_zipf(model_dir, config.get("word_lists", {}))
            # Pair choice may also read lists the features do not (``evidence_lists``, see training).
            self.evidence_zipf = model_zipf(model_dir, config["evidence_lists"]) if config.get("evidence_lists") else None
        except (OSError, ValueError) as error:
            raise ModelUnavailableError(f"{model_dir}: a word list its config names cannot be read ({error})") from error
        self.encoding = Encoding(vocab["words"], vocab["chars"], config["langs"], config["buckets"], self.zipf_of)
        for lang in config["langs"]:  # load the word-frequency lists now, not on the first message
            self.zipf_of("the", lang)
        self.crf_weight = float(config.get("crf_weight", 0.0))
        self.crf_skip_above = config.get("crf_skip_above")  # None: the CRF sees every sentence
        scales = config.get("label_scales", {})
        self.label_scales = np.array([float(scales.get(label, 1.0)) for label in self.raw_labels], dtype=np.float32) \
            if scales else None
        self.crf: CrfScorer | None = None
        self.notes: list[str] = []
        self.net = None  # the torch network, only for a model without an ONNX head
        try:
            self.input_layer = InputLayer(weights)
            self.head = head_session(model_dir / HEAD, threads or os.cpu_count() or 1)
            if self.head is None:
                self.net = _torch_network(weights, len(vocab["words"]) + 2, len(vocab["chars"]) + 2,
                                          len(self.raw_labels), config["buckets"])
            if self.crf_weight > 0:
                self.crf = CrfScorer(model_dir / CRF, FeatureExtractor(config["langs"], zipf_of=self.zipf_of))
        except (RuntimeError, OSError, KeyError, ValueError) as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ModelUnavailableError(
                f"{model_dir.name} does not match this version of the embedded tagger; retrain it with "
                "`mixlingo tagger train --kind embedded`, or use the shipped model",
                detail=f"{model_dir}: {first_line}",
            ) from error
        # A token's input vector depends on its string alone (no dropout when tagging): cache it.
        self._inputs = VectorTable(self.input_layer.size, limit=50_000)
        self.batch_size = batch_size
        self.tag_batch([["warm", "up", "!"], ["ya", "casi"]])  # first-call setup belongs to loading

    def describe(self) -> str:
        return "embedded on " + ("onnxruntime" if self.head is not None else "torch")

    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({label for label in self.labels if is_language(label)}))

    def evidence(self, sentences: Sequence[Sequence[str]]) -> list[float]:
        """Per sentence, how well this model's languages fit its alphabetic words, 0..1: the mean of
        each word's best Zipf frequency in those languages (its own word lists included; a word of
        its training vocabulary counts at least :data:`EVIDENCE_ZIPF`), capped at :data:`EVIDENCE_CAP`.

        Graded, not known/unknown: English web text holds ``hai`` and ``kal`` too (Zipf 3.6, 3.1), so
        both models "know" a Hinglish message, but romanized Hindi counts put them at 7.6 and 6.7."""
        out = []
        for sentence in sentences:
            words = [token.lower() for token in sentence if token.isalpha()]
            out.append(sum(self._fit(word) for word in words) / len(words) / EVIDENCE_CAP if words else 0.0)
        return out

    def _fit(self, word: str) -> float:
        best = max(self.zipf_of(word, lang) for lang in self.encoding.langs)
        if self.evidence_zipf is not None:
            best = max(best, *(self.evidence_zipf(word, lang) for lang in self.encoding.langs))
        if word in self.encoding.words:
            best = max(best, EVIDENCE_ZIPF)
        return min(best, EVIDENCE_CAP)

    def tag_batch(
        self, sentences: Sequence[Sequence[str]], pair: tuple[str, str] | None = None
    ) -> list[list[Tag]]:
        results: list[list[Tag]] = [[] for _ in sentences]
        for chunk in self._equal_length_batches(sentences):
            probabilities = self.probabilities([sentences[i] for i in chunk])
            for i, probs in zip(chunk, probabilities):
                best = probs.argmax(-1)
                confidence = probs[np.arange(len(best)), best].tolist()
                results[i] = [Tag(self.labels[b], c) for b, c in zip(best.tolist(), confidence)]
        return results

    def _equal_length_batches(self, sentences: Sequence[Sequence[str]]) -> list[list[int]]:
        """Indices grouped by sentence length: no padding, so the LSTM runs unpacked and fast."""
        by_length: dict[int, list[int]] = {}
        for i, sentence in enumerate(sentences):
            if sentence:
                by_length.setdefault(len(sentence), []).append(i)
        return [
            group[start : start + self.batch_size]
            for _, group in sorted(by_length.items())
            for start in range(0, len(group), self.batch_size)
        ]

    def probabilities(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """[batch, length, labels] probabilities for equal-length sentences: the network's,
        averaged with the CRF's marginals when the model has a CRF and the network is unsure."""
        if self.head is None:
            probs = _torch_probabilities(self.net, self.encoding.batch(sentences))
        else:
            probs = self.head.run(None, {"x": self._input_vectors(sentences)})[0]
        if self.crf is not None:
            unsure = np.arange(len(sentences))
            if self.crf_skip_above is not None:  # a cascade: the CRF only where the network hesitates
                unsure = np.flatnonzero(probs.max(-1).min(-1) < self.crf_skip_above)
            if len(unsure):
                marginals = self.crf.marginals([sentences[i] for i in unsure.tolist()])
                probs[unsure] = (1 - self.crf_weight) * probs[unsure] + self.crf_weight * marginals
        if self.label_scales is not None:  # a prior chosen on held-out data (config.json's label_scales)
            probs = probs * self.label_scales
            probs /= probs.sum(-1, keepdims=True)
        return probs

    def _input_vectors(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """[batch, length, input size] network inputs, each distinct token computed once."""
        self._inputs.ensure((token for sentence in sentences for token in sentence), self._compute_inputs)
        index = self._inputs.ids
        return self._inputs.gather(np.array([[index[token] for token in sentence] for sentence in sentences]))

    def _compute_inputs(self, tokens: list[str]) -> np.ndarray:
        """Input vectors of new tokens, in chunks of similar length (little character padding)."""
        order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
        out = np.empty((len(tokens), self.input_layer.size), dtype=np.float32)
        for start in range(0, len(order), 256):
            chunk = order[start : start + 256]
            out[chunk] = self.input_layer(*self.encoding.batch([[tokens[i] for i in chunk]]))[0]
        return out


def check_contract(model_dir: Path, config: dict) -> None:
    """Refuse, in one line, a model trained on other features than this code computes.

    Its tags would be garbage rather than an error, so the version recorded at training
    (``feature_contract`` in config.json) must equal :data:`FEATURE_CONTRACT`."""
    recorded = config.get("feature_contract")
    if recorded != FEATURE_CONTRACT:
        found = "records no feature contract" if recorded is None else f"was trained on feature contract {recorded}"
        raise ModelUnavailableError(
            f"{model_dir} {found}, this mixlingo computes contract {FEATURE_CONTRACT}: "
            "retrain it with `mixlingo tagger train …` (or use the shipped model)"
        )


def _torch_network(weights: dict[str, np.ndarray], n_words: int, n_chars: int, n_labels: int, buckets: int):
    import torch

    from mixlingo.adapters.embedded.network import BiLstmTagger

    net = BiLstmTagger(n_words, n_chars, n_labels, buckets, hidden=weights["lstm.weight_hh_l0"].shape[1])
    net.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})
    return net.eval()


def _torch_probabilities(net, arrays: tuple[np.ndarray, ...]) -> np.ndarray:
    import torch

    from mixlingo.adapters.embedded.network import as_tensors

    with torch.inference_mode():
        return net(*as_tensors(arrays)).softmax(-1).numpy()
