"""One way to open an ONNX Runtime session on the CPU, for every exported graph mixlingo runs."""

from __future__ import annotations

from pathlib import Path

from mixlingo.adapters import levers
from mixlingo.adapters.heap import cap_arenas


def cpu_session(path: Path, threads: int):  # an onnxruntime.InferenceSession
    """A CPU session using ``threads`` intra-op threads (blocking, not spinning, when idle), all graph
    optimisations and quiet logs."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    # Idle intra-op threads block instead of spinning: mixlingo runs several sessions (tagger front and
    # back, reranker) and CTranslate2 one after the other on the same cores, and a finished session's
    # spinning threads took CPU from the next one (docs/performance.md, "ORT threads spin").
    if levers.is_on("spin"):  # the lever off: spin as ORT does by default
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    cap_arenas()  # before ONNX Runtime starts its threads (adapters/heap.py)
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    trim_heap()  # loading parses the whole file and copies its weights: give those pages back
    return session


def trim_heap() -> None:
    """Hand memory that C code has freed back to the system (glibc ``malloc_trim``); nothing elsewhere.

    glibc keeps freed heap pages mapped, so a model load's temporaries (the parsed graph, weight copies
    made while pre-packing) stay in the process's RSS after the load. One call after each load is cheap;
    mixlingo does not call it on the hot path."""
    import ctypes
    import ctypes.util

    if not levers.is_on("trim"):  # the lever off (scripts/bench_levers.py)
        return
    name = ctypes.util.find_library("c")
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS): nothing to do
        pass
