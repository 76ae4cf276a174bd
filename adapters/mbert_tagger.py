"""Token-level language tagging with a BERT token classifier (mBERT fine-tuned on LinCE).

Words are fed pre-split (``is_split_into_words``) and each word takes the label
of its first sub-token. Long messages are cut into windows of words; the words a
window's sub-tokens push past the model's positions go into the next window.
The forward runs on torch, torch int8 or ONNX Runtime (``backend``, see
:mod:`.bert_runtime`); the word alignment is the same for all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from mixlingo.adapters import levers
from mixlingo.adapters.bert_encoder import VectorMemo, pool, row_ids
from mixlingo.adapters.bert_runtime import SplitOnnxRunner, load_config, load_runner, position_limit, tokenizer_lock
from mixlingo.core.errors import ModelUnavailableError
from mixlingo.nlp.labels import UNKNOWN, describe_mapping, is_language, label_mapping, pairs_covered
from mixlingo.nlp.tagging import Tag


class MBertTagger:
    """The ``Tagger`` protocol over any ``AutoModelForTokenClassification``."""

    name = "mbert"

    def __init__(
        self,
        model_id: str,
        *,
        label_map: Mapping[str, str],
        cache_dir: Path,
        offline: bool = False,
        batch_size: int = 16,
        window_words: int = 96,
        backend: str = "torch",
        threads: int | None = None,
        optimized_dir: Path | None = None,
        pairs: Sequence[tuple[str, str]] = (),
    ):
        self.model_id = model_id
        self.notes: list[str] = []
        self.source_vectors: VectorMemo | None = None
        """Layer-L vectors of what it tagged, for an encoder sharing its model (see :meth:`layer_encoder`)."""
        config = load_config(model_id, backend=backend, cache_dir=cache_dir, offline=offline)
        self.mapping = label_mapping([config.id2label[i] for i in range(config.num_labels)], label_map)
        self.labels = [tag for _, tag in self.mapping]
        if pairs and not pairs_covered(self.labels, list(pairs)):  # refuse before any weights load or export
            raise ModelUnavailableError(
                f"{Path(model_id).name!r} cannot tag {', '.join('-'.join(p) for p in pairs)} with its labels; name each "
                f"language's label in MIXLINGO_MBERT_LABEL_MAP (e.g. lang2={pairs[0][1]}) or choose a model trained on the pair",
                detail=f"{model_id}: its labels read {describe_mapping(self.mapping)}",
            )
        self.tokenizer, self.runner = load_runner(
            model_id, "tokens", backend=backend, cache_dir=cache_dir, offline=offline, threads=threads,
            optimized_dir=optimized_dir, notes=self.notes,
        )
        if not getattr(self.tokenizer, "is_fast", False):
            raise ModelUnavailableError(f"{model_id!r} has no fast tokenizer (tokenizer.json); word alignment needs one")
        config = self.runner.config
        self.batch_size = batch_size
        self.window_words = window_words
        self.max_tokens = position_limit(config)

    def describe(self) -> str:
        return f"mbert on {self.runner.name}"

    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({label for label in self.labels if is_language(label)}))

    def tag_batch(
        self, sentences: Sequence[Sequence[str]], pair: tuple[str, str] | None = None
    ) -> list[list[Tag]]:
        windows: list[tuple[int, int, list[str]]] = []
        for index, words in enumerate(sentences):
            for start in range(0, len(words), self.window_words):
                windows.append((index, start, list(words[start : start + self.window_words])))
        results: list[list[Tag]] = [[Tag(UNKNOWN, 0.0)] * len(words) for words in sentences]
        while windows:
            overflow: list[tuple[int, int, list[str]]] = []
            for start in range(0, len(windows), self.batch_size):
                chunk = windows[start : start + self.batch_size]
                for (index, offset, words), (tags, fitted) in zip(chunk, self._tag_windows([w for _, _, w in chunk])):
                    results[index][offset : offset + fitted] = tags[:fitted]
                    if 0 < fitted < len(words):
                        overflow.append((index, offset + fitted, words[fitted:]))
            windows = overflow
        return results

    def _tag_windows(self, windows: list[list[str]]) -> list[tuple[list[Tag], int]]:
        """Tags per window, and how many of its words fitted in the model's positions."""
        with tokenizer_lock(self.tokenizer):
            encoded = self.tokenizer(
                windows,
                is_split_into_words=True,
                truncation=True,
                max_length=self.max_tokens,
                padding=True,
                return_tensors="np",
            )
        if self.source_vectors is not None and isinstance(self.runner, SplitOnnxRunner):
            # the front's output is the shared reranker's layer: pool it, so sentences tagged here need no second forward
            middle, _, logits = self.runner.run_with_middle(encoded["input_ids"], encoded["attention_mask"])
            for row, vector in enumerate(pool(middle, encoded["attention_mask"])):
                self.source_vectors.put(row_ids(encoded["input_ids"], encoded["attention_mask"], row), vector)
        else:
            _, logits = self.runner(encoded["input_ids"], encoded["attention_mask"])
        assert logits is not None  # the tagger loads the token-classification head, which gives logits
        probs = np.exp(logits - logits.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        best_p, best_i = probs.max(-1), probs.argmax(-1)
        out = []
        for row, words in enumerate(windows):
            first: dict[int, int] = {}
            for position, word_id in enumerate(encoded.word_ids(row)):
                if word_id is not None and word_id not in first:
                    first[word_id] = position
            tags = [
                Tag(self.labels[int(best_i[row, first[w]])], float(best_p[row, first[w]]))
                if w in first
                else Tag(UNKNOWN, 0.0)  # the tokenizer dropped it
                for w in range(len(words))
            ]
            out.append((tags, max(first) + 1 if first else 0))
        return out

    def encoder(self, layers: int | None = None):
        """A sentence encoder sharing this tagger's model (no second copy in memory, same runtime).

        ``layers``: pool that layer where :meth:`layer_encoder` can; elsewhere (torch) the encoder pools
        the last layer, as before."""
        from mixlingo.adapters.bert_encoder import BertEncoder

        return (self.layer_encoder(layers) if layers else None) or BertEncoder(self.tokenizer, self.runner)

    def layer_encoder(self, layers: int, share_sources: bool = True):
        """An encoder pooling layer ``layers`` of this tagger's model with no second copy of it (ONNX: the
        graph cut there); None where that cannot be done (torch, a graph the cutter does not know).

        ``share_sources``: the tagger also pools that layer over what it tags, and the encoder takes
        those vectors for any text whose token ids are the same (a one-sentence message without
        markup: its source needs no encoder forward), up to ``VectorMemo.size`` recent ones."""
        from mixlingo.adapters.bert_encoder import BertEncoder, VectorMemo
        from mixlingo.adapters.bert_runtime import OnnxRunner, split_runner

        split = self.runner if isinstance(self.runner, SplitOnnxRunner) and self.runner.layers == layers else None
        if split is None and layers and isinstance(self.runner, OnnxRunner):
            split = split_runner(self.runner, layers)
        if split is None:
            return None
        if self.runner is not split:
            from mixlingo.adapters.onnx_session import trim_heap

            self.runner = split  # the whole graph's session goes
            trim_heap()
        if self.source_vectors is None and share_sources and levers.is_on("sources"):
            self.source_vectors = VectorMemo()
        return BertEncoder(self.tokenizer, split.front_runner(), known=self.source_vectors)
