"""CTranslate2 backend on the tiny Marian: conversion (cached), n-best, scores, fallback."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from mixlingo.adapters import ct2_translator
from mixlingo.adapters.ct2_translator import CT2Translator, _Converted, convert_marian
from mixlingo.adapters.marian import MarianTranslator

from agreement import INT8_SCORE_EPS, assert_nbest_agree, margin

TEXTS = ["oye el reporte", "la casa es grande", "sí", "vamos a revisar esto antes de la reunión"]


@pytest.fixture(scope="module")
def pair(tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[MarianTranslator, CT2Translator]:
    cache = tmp_path_factory.mktemp("ct2-cache")
    models = {"es-en": str(tiny_marian_dir)}
    return (
        MarianTranslator(models, cache_dir=cache, max_new_tokens=12),
        CT2Translator(models, cache_dir=cache, max_new_tokens=12, device="cpu"),
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
    # the trained tiny model is decisive, so most best candidates are compared exactly, not merely as near-ties
    assert sum(margin(want) > INT8_SCORE_EPS for want in expected) >= 3
    for want, have in zip(expected, got, strict=True):
        assert all(math.isfinite(c.score) and c.score <= 0 for c in have)
        assert_nbest_agree(want, have)  # int8 vs fp32, same length normalisation


def test_the_trained_tiny_model_translates_both_directions(tiny_marian_dir: Path, tmp_path: Path) -> None:
    plain = MarianTranslator({"es-en": str(tiny_marian_dir), "en-es": str(tiny_marian_dir)}, cache_dir=tmp_path)
    assert [n[0].text for n in plain.translate(["la casa es grande", "mi amigo dijo sí"], "es", "en", 2)] == [
        "the house is big", "my friend said yes"]
    assert plain.translate(["the house is big"], "en", "es", 2)[0][0].text == "el casa es grande"


def test_float32_batched_and_one_at_a_time_agree_exactly(pair: tuple[MarianTranslator, CT2Translator]) -> None:
    batched = pair[0].translate(TEXTS, "es", "en", 4)
    single = [pair[0].translate([text], "es", "en", 4)[0] for text in TEXTS]
    assert [[c.text for c in n] for n in batched] == [[c.text for c in n] for n in single]
    assert all(abs(a.score - b.score) < 1e-4 for x, y in zip(batched, single) for a, b in zip(x, y))


def test_n_larger_than_the_beam(pair: tuple[MarianTranslator, CT2Translator]) -> None:
    assert len(pair[1].translate(["la casa"], "es", "en", 6)[0]) == 6


def test_a_large_call_decodes_in_sub_batches_with_the_same_n_best(
    tiny_marian_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most HYPOTHESES_AT_ONCE hypotheses (texts × beam) are decoded at once, which bounds CTranslate2's buffers."""
    fast = CT2Translator({"es-en": str(tiny_marian_dir)}, cache_dir=tmp_path, max_new_tokens=12, device="cpu", batch_size=16)
    texts = TEXTS * 3  # 12 texts, beam 4: 48 hypotheses
    model_id = next(iter(fast.models.values()))
    tokenizer, converted = fast.load(model_id)
    sizes: list[int] = []

    class Spy:
        def translate_batch(self, batch, **options):
            sizes.append(options["max_batch_size"])
            return converted.translator.translate_batch(batch, **options)

    fast._loaded[model_id] = (tokenizer, dataclasses.replace(converted, translator=Spy()))
    split = fast.translate(texts, "es", "en", 4)
    at_once = ct2_translator.HYPOTHESES_AT_ONCE
    monkeypatch.setattr(ct2_translator, "HYPOTHESES_AT_ONCE", 10_000)
    whole = fast.translate(texts, "es", "en", 4)
    assert sizes == [at_once // 4, 16]  # sub-batches of 8 texts; then the whole call of 12 in one
    for want, have in zip(whole, split, strict=True):
        assert_nbest_agree(want, have)


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
