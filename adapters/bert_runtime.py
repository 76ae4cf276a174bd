"""One BERT forward on one of three runtimes: torch fp32 (the plain path), torch dynamic int8,
or ONNX Runtime with dynamic int8 quantisation.

A forward returns the last hidden layer and, for token classifiers, the logits too, so a
single call (and a single model in memory) can serve the tagger and a sentence encoder.
ONNX graphs are exported once from the same ``from_pretrained`` directory and cached next
to the model cache; any failure falls back to torch int8 with a note, never an exception.
Once a graph is exported, the ONNX path reads the tokenizer and config without transformers,
so it never imports torch (see :mod:`.bert_tokenizer`, :mod:`.bert_config`).
"""

from __future__ import annotations

import copy
import logging
import os
import threading
from pathlib import Path

import numpy as np

from mixlingo.adapters import levers
from mixlingo.adapters.bert_config import Head, read_config
from mixlingo.adapters.bert_graphs import WORD_INPUT, WordTable
from mixlingo.adapters.bert_tokenizer import JsonBertTokenizer
from mixlingo.adapters.hub import fingerprint, from_pretrained, resolve_model_dir
from mixlingo.adapters.onnx_session import cpu_session
from mixlingo.core.errors import ModelUnavailableError

BACKENDS = ("onnx", "torch-int8", "torch")
log = logging.getLogger(__name__)


def onnx_available() -> bool:
    try:
        import onnx  # noqa: F401 - imported only to see that it is installed
        import onnxruntime  # noqa: F401 - the same
    except ImportError:
        return False
    return True


def runs_on_onnx(backend: str) -> bool:
    """The ONNX path will be tried: tokenizer and config are then read without transformers where they can be."""
    return backend in ("auto", "onnx") and onnx_available()


class OnnxRunner:
    """An ONNX Runtime session over an exported graph (inputs: ids + mask; outputs: hidden[, logits]).

    ``table``: the word embeddings, memory-mapped outside the graph (:mod:`.bert_graphs`); the
    graph then takes the looked-up rows as its ``word_embeddings`` input."""

    name = "onnx"

    def __init__(self, path: Path, config, threads: int, table: WordTable | None = None,
                 source: Path | None = None):
        self.session = cpu_session(path, threads)
        self.config, self.path, self.table, self.threads = config, path, table, threads
        self.source = source or path
        """The whole exported graph this one was cut from (or is)."""
        self.inputs = [i.name for i in self.session.get_inputs()]

    def feeds(self, input_ids: np.ndarray, attention_mask: np.ndarray, words: np.ndarray | None = None) -> dict[str, np.ndarray]:
        out = {"input_ids": input_ids.astype(np.int64), "attention_mask": attention_mask.astype(np.int64)}
        if self.table is not None:
            out[WORD_INPUT] = self.table.lookup(input_ids) if words is None else words
        return {name: value for name, value in out.items() if name in self.inputs}

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        outputs = self.session.run(None, self.feeds(input_ids, attention_mask))
        return outputs[0], (outputs[1] if len(outputs) > 1 else None)


class SplitOnnxRunner:
    """A token classifier cut after layer L (:func:`.bert_graphs.cut`): the front (embeddings, layers
    1..L) and the back (the rest, the classifier) run one after the other; :meth:`front_runner` gives
    the front alone, a runner whose hidden states are layer L's, for a sentence encoder sharing the model."""

    name = "onnx"

    def __init__(self, front: OnnxRunner, back: OnnxRunner, config, layers: int):
        self.front, self.back, self.config, self.layers = front, back, config, layers
        self.path, self.source = front.path, front.source
        self._cut = front.session.get_outputs()[0].name

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        _, hidden, logits = self.run_with_middle(input_ids, attention_mask)
        return hidden, logits

    def run_with_middle(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(layer L's hidden states, the last layer's, the logits): what the front alone would give, for free."""
        words = self.front.table.lookup(input_ids) if self.front.table is not None else None
        (middle,) = self.front.session.run(None, self.front.feeds(input_ids, attention_mask, words))
        feeds = self.back.feeds(input_ids, attention_mask, words)
        feeds[self._cut] = middle
        outputs = self.back.session.run(None, feeds)
        return middle, outputs[0], (outputs[1] if len(outputs) > 1 else None)

    def front_runner(self) -> OnnxRunner:
        front = copy.copy(self.front)  # the same session; its config says how many layers it runs
        front.config = copy.copy(self.config)
        front.config.num_hidden_layers = self.layers
        return front


def split_runner(runner: OnnxRunner, layers: int) -> SplitOnnxRunner | None:
    """``runner``'s model cut after ``layers`` (pieces cached beside its graph); None where it cannot be cut."""
    from mixlingo.adapters.bert_graphs import cut

    if not 0 < layers < runner.config.num_hidden_layers:
        return None
    try:
        paths = cut(runner.source, layers)
    except Exception:  # a graph this cutter does not know keeps running whole
        log.info("could not cut %s after layer %d", runner.source, layers, exc_info=True)
        return None
    table = WordTable.open(paths["table"])
    return SplitOnnxRunner(OnnxRunner(paths["front"], runner.config, runner.threads, table, runner.source),
                           OnnxRunner(paths["back"], runner.config, runner.threads, table, runner.source),
                           runner.config, layers)


def onnx_path(model_dir: Path, head: Head, optimized_dir: Path, layers: int | None = None) -> Path:
    stem = head if not layers else f"{head}-L{layers}"
    return optimized_dir / "onnx" / f"{model_dir.name}-{fingerprint(model_dir)}" / f"{stem}.int8.onnx"


def load_runner(
    model_id: str,
    head: Head,
    *,
    backend: str,
    cache_dir: Path,
    offline: bool = False,
    threads: int | None = None,
    optimized_dir: Path | None = None,
    notes: list[str] | None = None,
    layers: int | None = None,
):
    """(tokenizer, runner) for ``backend`` in auto | onnx | torch-int8 | torch; failures fall back with a note.

    ``layers``: run only the first N encoder layers (a sentence encoder that stops at a middle layer)."""
    notes = notes if notes is not None else []
    threads = threads or os.cpu_count() or 1
    tokenizer = load_tokenizer(model_id, backend=backend, cache_dir=cache_dir, offline=offline)
    if backend in ("auto", "onnx"):
        if not onnx_available():
            notes.append(
                f"ONNX Runtime is not installed; {model_id} runs on torch int8 instead "
                "(pip install onnxruntime onnx for the faster backend)"
            )
        else:
            try:
                return tokenizer, load_onnx(model_id, head, cache_dir=cache_dir, offline=offline, threads=threads,
                                            optimized_dir=optimized_dir or cache_dir / "optimized", layers=layers)
            except ModelUnavailableError:
                raise
            except Exception as error:  # an exporter or runtime failure must not stop translation
                log.info("ONNX export of %s failed", model_id, exc_info=True)
                notes.append(f"ONNX export of {model_id} failed ({type(error).__name__}: {error}); using torch int8")
        backend = "torch-int8"
    from mixlingo.adapters.torch_bert import LOADERS, TorchRunner, keep_layers

    model = keep_layers(from_pretrained(LOADERS[head], model_id, cache_dir=cache_dir, offline=offline), layers)
    return tokenizer, TorchRunner(model, head, int8=backend == "torch-int8")


def load_tokenizer(model_id: str, *, backend: str, cache_dir: Path, offline: bool):
    """The model's tokenizer: read from tokenizer.json without transformers where the ONNX path runs
    and the file needs nothing of transformers to give the same tokens; transformers' otherwise."""
    if runs_on_onnx(backend):
        tokenizer = JsonBertTokenizer.from_dir(resolve_model_dir(model_id, cache_dir=cache_dir, offline=offline))
        if tokenizer is not None:
            return tokenizer
    from transformers import AutoTokenizer

    return from_pretrained(AutoTokenizer, model_id, cache_dir=cache_dir, offline=offline)


def load_config(model_id: str, *, backend: str, cache_dir: Path, offline: bool):
    """The model's config: its config.json read with json where the ONNX path runs, transformers' otherwise."""
    if runs_on_onnx(backend):
        model_dir = resolve_model_dir(model_id, cache_dir=cache_dir, offline=offline)
        if (model_dir / "config.json").is_file():
            return read_config(model_dir)
    from transformers import AutoConfig

    return from_pretrained(AutoConfig, model_id, cache_dir=cache_dir, offline=offline)


def load_onnx(
    model_id: str, head: Head, *, cache_dir: Path, offline: bool, threads: int, optimized_dir: Path,
    layers: int | None = None,
) -> OnnxRunner:
    """The cached int8 graph for this model directory (and layer count), exported on first use (with torch)."""
    model_dir = resolve_model_dir(model_id, cache_dir=cache_dir, offline=offline)
    path = onnx_path(model_dir, head, optimized_dir, layers)
    if not path.is_file():
        from mixlingo.adapters.torch_bert import LOADERS, export_onnx, keep_layers

        model = keep_layers(from_pretrained(LOADERS[head], str(model_dir), cache_dir=cache_dir, offline=offline), layers)
        export_onnx(model, head, path)
        del model
    config = read_config(model_dir)
    if layers and layers < config.num_hidden_layers:
        config.num_hidden_layers = layers  # what the graph runs
    graph, table = _words_outside(path)
    return OnnxRunner(graph, config, threads, table, source=path)


def _words_outside(path: Path) -> tuple[Path, WordTable | None]:
    """The graph without its word-embedding table, and the table memory-mapped; the whole graph where it cannot be cut."""
    from mixlingo.adapters.bert_graphs import cut

    if not levers.is_on("words"):  # the lever off (scripts/bench_levers.py)
        return path, None
    try:
        paths = cut(path)
    except Exception:  # a graph this cutter does not know keeps its table inside
        log.info("could not cut the word embeddings out of %s", path, exc_info=True)
        return path, None
    return paths["whole"], WordTable.open(paths["table"])


def position_limit(config, cap: int = 512) -> int:
    """The most tokens one forward of this model takes: its own position table, at most ``cap``.

    Longer inputs index past the table (torch: an index error; ONNX: ``invalid expand shape``).
    """
    return int(min(getattr(config, "max_position_embeddings", None) or cap, cap))


_TOKENIZER_LOCKS: dict[int, threading.Lock] = {}
_GUARD = threading.Lock()


def tokenizer_lock(tokenizer) -> threading.Lock:
    """One lock per tokenizer: fast tokenizers raise 'Already borrowed' when two threads pad at once."""
    with _GUARD:
        return _TOKENIZER_LOCKS.setdefault(id(tokenizer), threading.Lock())


def set_torch_threads(count: int) -> None:
    """Intra-op threads for torch (the plain path); ONNX Runtime and CTranslate2 take theirs per session."""
    if count > 0:
        import torch

        torch.set_num_threads(count)
