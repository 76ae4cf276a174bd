"""The optimised pipeline (CTranslate2 + ONNX int8 + micro-batching) against the plain transformers path."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mixlingo.adapters import bert_runtime, ct2_translator
from mixlingo.adapters.bert_runtime import OnnxRunner
from mixlingo.adapters.ct2_translator import CT2Translator
from mixlingo.adapters.marian import MarianTranslator
from mixlingo.bench.run import agreement
from mixlingo.cli import app
from mixlingo.config import load_settings
from mixlingo.factory import build_translate_pipeline
from mixlingo.nlp.batching import BatchingTranslator
from mixlingo.nlp.model import Message

# Code-switched messages in the tiny models' (lower-case) vocabulary, with Slack markup, so that choices can have a clear winner.
MESSAGES = [
    "oye <@U1>, *el reporte* mañana :tada:",
    "la casa es grande y bonita",
    "vamos a revisar esto antes de la reunión. mi amigo dijo que sí",
    "the meeting is tomorrow, y el reporte es grande",
]
FINAL_EPS = 0.3
"""Tolerance on the reranker's final score: the int8 model score (≤ 0.15) plus twice the int8 similarity's error (≤ 0.02)."""
PLAIN = dict(translation_backend="transformers", encoder_backend="torch", micro_batch_ms=0)


def run_all(pipeline, texts: list[str]) -> list[Message]:
    return [pipeline.run(text, target="en") for text in texts]


def chosen(message: Message) -> list[str]:
    return [unit.scored[unit.chosen].candidate.text for unit in message.translation.units]


def assert_same_choice_where_decisive(expected: list[Message], got: list[Message]) -> None:
    """int8 and fp32 must choose alike wherever the fp32 choice leads by more than the tolerance."""
    for want, have in zip(expected, got, strict=True):
        assert len(have.translation.units) == len(want.translation.units)
        for text_want, text_have, unit in zip(chosen(want), chosen(have), want.translation.units):
            if unit.lead() > FINAL_EPS:
                assert text_have == text_want, (want.text, unit.lead())


def test_optimised_backends_pick_the_same_final_translation(tiny_models_env: None) -> None:
    plain = build_translate_pipeline(load_settings(**PLAIN))
    fast = build_translate_pipeline(load_settings())  # the defaults are the fast backends
    translate = fast.pipeline.get_pipe("translate")
    assert isinstance(translate.translator, BatchingTranslator) and isinstance(translate.translator.inner, CT2Translator)
    assert isinstance(fast.pipeline.get_pipe("rerank").encoder.inner.runner, OnnxRunner)
    assert fast.notes == []
    expected = run_all(plain.pipeline, MESSAGES)
    margins = [unit.lead() for message in expected for unit in message.translation.units]
    assert any(lead > FINAL_EPS for lead in margins)  # the comparison has teeth: some choices are clear
    assert_same_choice_where_decisive(expected, run_all(fast.pipeline, MESSAGES))
    # a burst of concurrent messages through the micro-batcher chooses as one at a time does
    with ThreadPoolExecutor(len(MESSAGES)) as pool:
        burst = list(pool.map(lambda t: fast.pipeline.run(t, target="en"), MESSAGES))
    assert_same_choice_where_decisive(expected, burst)
    assert max(translate.translator.batcher.batches) > 1  # some calls were really merged


def test_without_ctranslate2_the_plain_translator_runs_and_says_so(
    tiny_models_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ct2_translator, "ctranslate2_available", lambda: False)
    monkeypatch.setattr(bert_runtime, "onnx_available", lambda: False)
    built = build_translate_pipeline(load_settings(micro_batch_ms=0))
    assert isinstance(built.pipeline.get_pipe("translate").translator, MarianTranslator)
    assert not isinstance(built.pipeline.get_pipe("translate").translator, CT2Translator)
    assert any("CTranslate2 is not installed" in note for note in built.notes)
    assert any("ONNX Runtime is not installed" in note for note in built.notes)
    assert built.pipeline.run("la casa es grande", target="en").translation.text


def test_a_failed_conversion_reaches_the_reader_as_a_note(tiny_models_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> Path:
        raise RuntimeError("cannot convert")

    monkeypatch.setattr(ct2_translator, "convert_marian", broken)
    result = CliRunner().invoke(app, ["translate", "la casa es grande", "--to", "en"])
    assert result.exit_code == 0 and result.stdout.strip()
    assert "cannot convert" in result.stderr and "plain transformers" in result.stderr
    assert "Traceback" not in result.output


def test_models_convert_and_bad_backend_setting(
    tiny_models_env: None, tiny_bert_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MIXLINGO_MBERT_MODEL", str(tiny_bert_dir))
    monkeypatch.setenv("MIXLINGO_OPTIMIZED_MODEL_DIR", str(tmp_path / "opt"))
    result = CliRunner().invoke(app, ["models", "convert"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("ok ") == 4 and "onnx" in result.stdout
    assert len(list((tmp_path / "opt" / "ctranslate2").iterdir())) == 1  # es-en and en-es share one model dir
    assert len(list((tmp_path / "opt" / "onnx").rglob("*.int8.onnx"))) == 2  # exported graphs, not the pieces cut from them
    monkeypatch.setenv("MIXLINGO_TRANSLATION_BACKEND", "fast")
    result = CliRunner().invoke(app, ["translate", "la casa", "--to", "en"])
    assert result.exit_code == 2
    assert "MIXLINGO_TRANSLATION_BACKEND='fast' is not valid: must be 'auto', 'ctranslate2' or 'transformers'" in result.stderr


def test_bench_rejects_bad_options_in_one_line() -> None:
    result = CliRunner().invoke(app, ["bench", "--burst", "0"])
    assert result.exit_code == 2 and "--burst 0" in result.stderr and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["bench", "--marian-dir", "/nonexistent"])
    assert result.exit_code == 2 and "not a model directory" in result.stderr


def test_bench_counts_agreement_only_where_the_baseline_choice_is_decisive() -> None:
    base = {"outputs": ["a", "b", "c", "d"], "leads": [2.0, 0.01, 0.5, float("inf")]}
    fast = {"outputs": ["a", "x", "y", "d"], "leads": [2.0, 0.02, 0.4, float("inf")]}
    figures = agreement(base, fast)
    assert figures["decisive_messages"] == 3 and figures["same_final_translation"] == 2  # "b"/"x" is a near-tie
    assert figures["rate"] == 2 / 3 and figures["messages"] == 4
    assert agreement({"outputs": ["a"], "leads": [0.0]}, {"outputs": ["b"], "leads": [0.0]})["rate"] is None
