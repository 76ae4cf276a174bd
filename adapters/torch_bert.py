"""The torch side of a BERT forward: the plain and int8 runners, layer trimming and the ONNX export.

Kept apart from :mod:`.bert_runtime` so that loading an already-exported ONNX graph
never imports torch or transformers (together about 220 MiB of resident memory).
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

import numpy as np
import torch
from transformers import AutoModel, AutoModelForTokenClassification, PreTrainedModel

from mixlingo.adapters.bert_config import Head

LOADERS = {"tokens": AutoModelForTokenClassification, "base": AutoModel}


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


class _Outputs(torch.nn.Module):
    """Exposes (hidden, logits) or (hidden,) as plain tensors for the exporter."""

    def __init__(self, model: torch.nn.Module, head: Head):
        super().__init__()
        self.model, self.head = model, head

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
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


def keep_layers(model: PreTrainedModel, layers: int | None) -> PreTrainedModel:
    """Only the first ``layers`` encoder layers: the forward stops there, and the rest is never loaded
    into a session. A middle layer's mean-pool aligns languages at least as well as the last one."""
    encoder = getattr(getattr(model, "base_model", model), "encoder", None)
    if not layers or encoder is None or layers >= len(encoder.layer):
        return model
    encoder.layer = encoder.layer[:layers]
    model.config.num_hidden_layers = layers
    return model
