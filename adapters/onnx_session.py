"""One way to open an ONNX Runtime session on the CPU, for every exported graph mixlingo runs."""

from __future__ import annotations

from pathlib import Path


def cpu_session(path: Path, threads: int):  # noqa: ANN201 - an onnxruntime.InferenceSession
    """A CPU session using ``threads`` intra-op threads, all graph optimisations and quiet logs."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
