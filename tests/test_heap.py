"""The malloc arena cap under the model runtimes: applied once, before a runtime's threads start, never over the
operator's own MALLOC_ARENA_MAX."""

from __future__ import annotations

import platform
from pathlib import Path

import pytest

from mixlingo.adapters import heap


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    made: list[tuple[int, int]] = []
    monkeypatch.setattr(heap, "_capped", None)
    monkeypatch.setattr(heap, "_mallopt", lambda parameter, value: made.append((parameter, value)) or True)
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    return made


def test_the_cap_is_set_once(calls: list[tuple[int, int]]) -> None:
    assert heap.cap_arenas() and heap.cap_arenas()
    assert calls == [(heap.M_ARENA_MAX, heap.ARENAS)]


def test_the_operators_malloc_arena_max_is_left_alone(calls: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")
    assert not heap.cap_arenas() and calls == []


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the cap is glibc's")
def test_glibc_takes_the_cap() -> None:
    assert heap._mallopt(heap.M_ARENA_MAX, heap.ARENAS)


def test_an_onnx_session_caps_the_arenas_before_it_starts(calls: list[tuple[int, int]], tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    from mixlingo.adapters.onnx_session import cpu_session

    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    onnx.save(helper.make_model(graph), tmp_path / "identity.onnx")
    cpu_session(tmp_path / "identity.onnx", 1)
    assert calls == [(heap.M_ARENA_MAX, heap.ARENAS)]
