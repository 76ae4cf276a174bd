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
from mixlingo.cli import app
from mixlingo.config import load_settings
from mixlingo.factory import build_translate_pipeline
from mixlingo.nlp.batching import BatchingTranslator

MESSAGES = [
    "Oye <@U1>, I'll send *el reporte* mañana :tada:",
    "la casa es grande y bonita",
    "vamos a revisar esto antes de la reunión. mi amigo dijo que sí",
    "the meeting is tomorrow, pero el reporte no",
]
PLAIN = dict(translation_backend="transformers", encoder_backend="torch", micro_batch_ms=0)


def finals(pipeline, texts: list[str]) -> list[str]:  # noqa: ANN001
    return [pipeline.run(text, target="en").translation.text for text in texts]


def test_optimised_backends_pick_the_same_final_translation(tiny_models_env: None) -> None:
    plain = build_translate_pipeline(load_settings(**PLAIN))
    fast = build_translate_pipeline(load_settings())  # the defaults are the fast backends
    translate = fast.pipeline.stages[-3]
    assert isinstance(translate.translator, BatchingTranslator) and isinstance(translate.translator.inner, CT2Translator)
    assert isinstance(fast.pipeline.stages[-2].encoder.inner.runner, OnnxRunner)
    assert fast.notes == []
    expected = finals(plain.pipeline, MESSAGES)
    assert finals(fast.pipeline, MESSAGES) == expected
    # a burst of concurrent messages through the micro-batcher gives the same answers as one at a time
    with ThreadPoolExecutor(len(MESSAGES)) as pool:
        burst = list(pool.map(lambda t: fast.pipeline.run(t, target="en").translation.text, MESSAGES))
    assert burst == expected
    assert max(translate.translator.batcher.batches) > 1  # some calls were really merged


def test_without_ctranslate2_the_plain_translator_runs_and_says_so(
    tiny_models_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ct2_translator, "ctranslate2_available", lambda: False)
    monkeypatch.setattr(bert_runtime, "onnx_available", lambda: False)
    built = build_translate_pipeline(load_settings(micro_batch_ms=0))
    assert isinstance(built.pipeline.stages[-3].translator, MarianTranslator)
    assert not isinstance(built.pipeline.stages[-3].translator, CT2Translator)
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
    assert len(list((tmp_path / "opt" / "onnx").rglob("*.onnx"))) == 2
    monkeypatch.setenv("MIXLINGO_TRANSLATION_BACKEND", "fast")
    result = CliRunner().invoke(app, ["translate", "la casa", "--to", "en"])
    assert result.exit_code == 2
    assert "MIXLINGO_TRANSLATION_BACKEND='fast' is not valid: must be 'auto', 'ctranslate2' or 'transformers'" in result.stderr


def test_bench_rejects_bad_options_in_one_line() -> None:
    result = CliRunner().invoke(app, ["bench", "--burst", "0"])
    assert result.exit_code == 2 and "--burst 0" in result.stderr and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["bench", "--marian-dir", "/nonexistent"])
    assert result.exit_code == 2 and "not a model directory" in result.stderr
