"""The embedded tagger's sequence head (BiLSTM + output layer) as ONNX: written by training, run at tag time.

ONNX Runtime runs the head about twice as fast as torch on one core, and tagging then needs
no torch at all (the per-token inputs are numpy lookups, see
:class:`~mixlingo.adapters.embedded.tagger.InputLayer`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mixlingo.adapters.onnx_session import cpu_session

if TYPE_CHECKING:
    from mixlingo.adapters.embedded.network import BiLstmTagger


def head_session(path: Path, threads: int):  # an onnxruntime.InferenceSession, or None
    """ONNX Runtime session for the exported sequence head; None (torch runs it) when absent."""
    return cpu_session(path, threads) if path.is_file() else None


def export_head(net: BiLstmTagger, path: Path) -> None:
    """The BiLSTM and output layer as ONNX, for ONNX Runtime (twice torch's speed on one core).

    float32 on purpose: int8 dynamic quantisation was 2.4x faster still, but it scales
    activations over the whole batch, so a message's tags would depend on its batch-mates.
    Exported from the float16-rounded weights the tagger loads, so both paths start from
    the same numbers."""
    import warnings

    import torch

    from mixlingo.adapters.embedded.network import BiLstmTagger, SequenceHead

    rounded = BiLstmTagger(net.words.num_embeddings, net.chars.num_embeddings, net.out.out_features, net.buckets,
                           hidden=net.lstm.hidden_size)
    rounded.load_state_dict({k: v.half().float() if v.is_floating_point() else v for k, v in net.state_dict().items()})
    head = SequenceHead(rounded).eval()
    example = torch.zeros(1, 3, net.lstm.input_size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(head, (example,), str(path), input_names=["x"], output_names=["probabilities"],
                          dynamic_axes={"x": {0: "batch", 1: "length"}, "probabilities": {0: "batch", 1: "length"}},
                          opset_version=17, dynamo=False)
