"""One BERT forward on one of three runtimes: torch fp32 (the plain path), torch dynamic int8,
or ONNX Runtime with dynamic int8 quantisation.

A forward returns the last hidden layer and, for token classifiers, the logits too, so a
single call (and a single model in memory) can serve the tagger and a sentence encoder.
ONNX graphs are exported once from the same ``from_pretrained`` directory and cached next
to the model cache; any failure falls back to torch int8 with a note, never an exception.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import threading
import warnings
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from transformers import AutoConfig, AutoModel, AutoModelForTokenClassification, AutoTokenizer

from mixlingo.adapters.hub import fingerprint, from_pretrained, resolve_model_dir
from mixlingo.adapters.onnx_session import cpu_session
from mixlingo.errors import ModelUnavailableError

Head = Literal["tokens", "base"]
BACKENDS = ("onnx", "torch-int8", "torch")
_LOADERS = {"tokens": AutoModelForTokenClassification, "base": AutoModel}
log = logging.getLogger(__name__)


def onnx_available() -> bool:
    try:
        import onnx  # noqa: F401 - imported only to see that it is installed
        import onnxruntime  # noqa: F401 - the same
    except ImportError:
        return False
    return True


class TorchRunner:
    """The plain transformers forward (fp32), or the same model with int8 dynamic-quantised Linear layers."""

    def __init__(self, model: torch.nn.Module, head: Head, *, int8: bool = False):
        self.config, self.head = model.config, head
        model = model.eval()
        if int8:
            with warnings.catch_warnings():  # quantize_dynamic is deprecated in favour of torchao, still correct
                warnings.simplefilter("ignore")
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model
        self.name = "torch-int8" if int8 else "torch"

    @torch.inference_mode()
    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        out = self.model(
            input_ids=torch.from_numpy(input_ids.astype(np.int64)),
            attention_mask=torch.from_numpy(attention_mask.astype(np.int64)),
            output_hidden_states=self.head == "tokens",
        )
        if self.head == "tokens":
            return out.hidden_states[-1].float().numpy(), out.logits.float().numpy()
        return out.last_hidden_state.float().numpy(), None


class OnnxRunner:
    """An ONNX Runtime session over an exported graph (inputs: ids + mask; outputs: hidden[, logits])."""

    name = "onnx"

    def __init__(self, path: Path, config, threads: int):  # noqa: ANN001
        self.session = cpu_session(path, threads)
        self.config, self.path = config, path

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        outputs = self.session.run(
            None, {"input_ids": input_ids.astype(np.int64), "attention_mask": attention_mask.astype(np.int64)}
        )
        return outputs[0], (outputs[1] if len(outputs) > 1 else None)


class _Outputs(torch.nn.Module):
    """Exposes (hidden, logits) or (hidden,) as plain tensors for the exporter."""

    def __init__(self, model: torch.nn.Module, head: Head):
        super().__init__()
        self.model, self.head = model, head

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):  # noqa: ANN201
        out = self.model(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=self.head == "tokens")
        if self.head == "tokens":
            return out.hidden_states[-1], out.logits
        return (out.last_hidden_state,)


def export_onnx(model: torch.nn.Module, head: Head, out_path: Path, *, quantize: bool = True) -> Path:
    """Export a BERT to ONNX (dynamic batch and length), then quantise its weights to int8.

    Written to a temporary name and renamed, so a concurrent or interrupted export never
    leaves a half-written graph where a later run would load it.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.parent / f".tmp-{os.getpid()}-{threading.get_ident()}"
    tmp.mkdir(exist_ok=True)
    try:
        wrapper = _Outputs(model, head).eval()  # a new Module is in training mode: dropout would be exported
        ids = torch.ones((2, 8), dtype=torch.long)
        mask = torch.ones((2, 8), dtype=torch.long)
        names = ["hidden", "logits"] if head == "tokens" else ["hidden"]
        axes = {name: {0: "batch", 1: "length"} for name in ["input_ids", "attention_mask", *names]}
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapper, (ids, mask), str(tmp / "model.onnx"), input_names=["input_ids", "attention_mask"],
                output_names=names, dynamic_axes=axes, opset_version=17, dynamo=False,
            )
        final = tmp / "model.onnx"
        if quantize:
            root, level = logging.getLogger(), logging.getLogger().level
            root.setLevel(logging.ERROR)  # quantize_dynamic logs a "run pre-processing" hint on the root logger
            try:
                quantize_dynamic(str(tmp / "model.onnx"), str(tmp / "model.int8.onnx"), weight_type=QuantType.QInt8)
            finally:
                root.setLevel(level)
            final = tmp / "model.int8.onnx"
        os.replace(final, out_path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_path


def onnx_path(model_dir: Path, head: Head, optimized_dir: Path, layers: int | None = None) -> Path:
    stem = head if not layers else f"{head}-L{layers}"
    return optimized_dir / "onnx" / f"{model_dir.name}-{fingerprint(model_dir)}" / f"{stem}.int8.onnx"


def keep_layers(model: torch.nn.Module, layers: int | None) -> torch.nn.Module:
    """Only the first ``layers`` encoder layers: the forward stops there, and the rest is never loaded
    into a session. A middle layer's mean-pool aligns languages at least as well as the last one."""
    encoder = getattr(getattr(model, "base_model", model), "encoder", None)
    if not layers or encoder is None or layers >= len(encoder.layer):
        return model
    encoder.layer = encoder.layer[:layers]
    model.config.num_hidden_layers = layers
    return model


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
):  # noqa: ANN201
    """(tokenizer, runner) for ``backend`` in auto | onnx | torch-int8 | torch; failures fall back with a note.

    ``layers``: run only the first N encoder layers (a sentence encoder that stops at a middle layer)."""
    notes = notes if notes is not None else []
    threads = threads or os.cpu_count() or 1
    tokenizer = from_pretrained(AutoTokenizer, model_id, cache_dir=cache_dir, offline=offline)
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
            except Exception as error:  # noqa: BLE001 - an exporter or runtime failure must not stop translation
                log.info("ONNX export of %s failed", model_id, exc_info=True)
                notes.append(f"ONNX export of {model_id} failed ({type(error).__name__}: {error}); using torch int8")
        backend = "torch-int8"
    model = keep_layers(from_pretrained(_LOADERS[head], model_id, cache_dir=cache_dir, offline=offline), layers)
    return tokenizer, TorchRunner(model, head, int8=backend == "torch-int8")


def load_onnx(
    model_id: str, head: Head, *, cache_dir: Path, offline: bool, threads: int, optimized_dir: Path,
    layers: int | None = None,
) -> OnnxRunner:
    """The cached int8 graph for this model directory (and layer count), exported on first use."""
    model_dir = resolve_model_dir(model_id, cache_dir=cache_dir, offline=offline)
    path = onnx_path(model_dir, head, optimized_dir, layers)
    if not path.is_file():
        model = keep_layers(from_pretrained(_LOADERS[head], str(model_dir), cache_dir=cache_dir, offline=offline), layers)
        export_onnx(model, head, path)
        del model
    config = from_pretrained(AutoConfig, str(model_dir), cache_dir=cache_dir, offline=offline)
    if layers and layers < config.num_hidden_layers:
        config.num_hidden_layers = layers  # what the graph runs
    return OnnxRunner(path, config, threads)


def position_limit(config, cap: int = 512) -> int:  # noqa: ANN001
    """The most tokens one forward of this model takes: its own position table, at most ``cap``.

    Longer inputs index past the table (torch: an index error; ONNX: ``invalid expand shape``).
    """
    return int(min(getattr(config, "max_position_embeddings", None) or cap, cap))


_TOKENIZER_LOCKS: dict[int, threading.Lock] = {}
_GUARD = threading.Lock()


def tokenizer_lock(tokenizer) -> threading.Lock:  # noqa: ANN001
    """One lock per tokenizer: fast tokenizers raise 'Already borrowed' when two threads pad at once."""
    with _GUARD:
        return _TOKENIZER_LOCKS.setdefault(id(tokenizer), threading.Lock())


def set_torch_threads(count: int) -> None:
    """Intra-op threads for torch (the plain path); ONNX Runtime and CTranslate2 take theirs per session."""
    if count > 0:
        torch.set_num_threads(count)
