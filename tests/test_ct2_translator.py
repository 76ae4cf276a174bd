"""CTranslate2 backend on the tiny Marian: conversion (cached), n-best, scores, fallback."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mixlingo.adapters import ct2_translator
from mixlingo.adapters.ct2_translator import CT2Translator, _Converted, convert_marian
from mixlingo.adapters.marian import MarianTranslator

TEXTS = ["oye el reporte", "la casa es grande", "sí", "vamos a revisar esto antes de la reunión"]


@pytest.fixture(scope="module")
def pair(tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[MarianTranslator, CT2Translator]:
    cache = tmp_path_factory.mktemp("ct2-cache")
    models = {"es-en": str(tiny_marian_dir)}
    return (
        MarianTranslator(models, cache_dir=cache, max_new_tokens=6),
        CT2Translator(models, cache_dir=cache, max_new_tokens=6, device="cpu"),
    )


def test_conversion_is_cached_and_keyed_by_the_model_files(tiny_marian_dir: Path, tmp_path: Path) -> None:
    first = convert_marian(tiny_marian_dir, tmp_path)
    assert (first / "model.bin").is_file() and (first / "mixlingo.json").is_file()
    stamp = (first / "model.bin").stat().st_mtime_ns
    assert convert_marian(tiny_marian_dir, tmp_path) == first
    assert (first / "model.bin").stat().st_mtime_ns == stamp  # not converted again
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".tmp")]


def test_n_best_with_scores_like_transformers(pair: tuple[MarianTranslator, CT2Translator]) -> None:
    plain, fast = pair
    expected, got = plain.translate(TEXTS, "es", "en", 4), fast.translate(TEXTS, "es", "en", 4)
    assert isinstance(fast.load(next(iter(fast.models.values())))[1], _Converted)  # really CTranslate2
    assert fast.notes == []
    for want, have in zip(expected, got, strict=True):
        assert len(have) == 4
        scores = [c.score for c in have]
        assert scores == sorted(scores, reverse=True) and all(math.isfinite(s) and s <= 0 for s in scores)
        assert [c.text for c in have] == [c.text for c in want]
        assert all(abs(a.score - b.score) < 0.05 for a, b in zip(want, have))  # int8 vs fp32, same normalisation


def test_n_larger_than_the_beam(pair: tuple[MarianTranslator, CT2Translator]) -> None:
    assert len(pair[1].translate(["la casa"], "es", "en", 6)[0]) == 6


def test_a_failed_conversion_falls_back_to_transformers_with_a_note(
    tiny_marian_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> Path:
        raise RuntimeError("unsupported architecture")

    monkeypatch.setattr(ct2_translator, "convert_marian", broken)
    translator = CT2Translator({"es-en": str(tiny_marian_dir)}, cache_dir=tmp_path, max_new_tokens=6, device="cpu")
    plain = MarianTranslator({"es-en": str(tiny_marian_dir)}, cache_dir=tmp_path, max_new_tokens=6)
    assert translator.translate(["la casa"], "es", "en", 2) == plain.translate(["la casa"], "es", "en", 2)
    assert len(translator.notes) == 1 and "unsupported architecture" in translator.notes[0]
    assert "plain transformers" in translator.notes[0]


def test_inputs_longer_than_the_models_positions_are_truncated_not_an_error(
    pair: tuple[MarianTranslator, CT2Translator],
) -> None:
    long_text = "vamos a revisar esto antes de la reunión " * 40  # far past the tiny model's 128 positions
    for translator in pair:
        out = translator.translate([long_text, "sí"], "es", "en", 2)
        assert [len(c) for c in out] == [2, 2]
