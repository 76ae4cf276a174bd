"""The whole translate pipeline: fakes for exact outputs, tiny real models through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mixlingo.adapters.testing.fakes import FakeEncoder, FakeTranslator
from mixlingo.cli import app
from mixlingo.config import load_settings
from mixlingo.factory import build_translate_pipeline
from mixlingo.nlp.markup import find_protected

ES_EN = {"vamos": "we go", "con": "with", "a": "to", "la": "the", "playa": "beach", "oye": "hey", "el": "the",
         "reporte": "report", "mañana": "tomorrow"}
runner = CliRunner()


def translate_with_fakes(text: str, strategy: str = "auto") -> str:
    settings = load_settings(tagger="lexicon")
    built = build_translate_pipeline(
        settings, strategy=strategy, translator=FakeTranslator({("es", "en"): ES_EN}), encoder=FakeEncoder({})
    )
    return built.pipeline.run(text, target="en").translation.text


def test_spans_are_stitched_in_place_with_names_and_markup_untouched() -> None:
    text = "the report is ready <@U1>, vamos con Maria a la playa :tada: ok?"
    assert translate_with_fakes(text, "spans") == "the report is ready <@U1>, we go with Maria to the beach :tada: ok?"


def test_whole_message_with_inline_markup_restored_byte_exact() -> None:
    text = "Oye <@U024BE7LH>, *el reporte* mañana\n&gt; vamos a la playa\n```el código```"
    assert translate_with_fakes(text, "whole") == (
        "hey <@U024BE7LH>, *the report* tomorrow\n&gt; we go to the beach\n```el código```"
    )


def test_cli_explain_runs_end_to_end_on_tiny_models(tiny_models_env: None) -> None:
    text = "Oye <@U1>, I'll send *el reporte* mañana :tada: <https://x.com/r|el link>"
    result = runner.invoke(app, ["translate", text, "--to", "en", "--explain"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "strategy: whole" in out and "model score" in out and "similarity" in out and "★" in out
    assert "time per stage: markup" in out and " ms · rerank " in out and "assemble" in out


def test_cli_json_keeps_every_protected_piece_and_picks_the_best_final_score(tiny_models_env: None) -> None:
    text = "Oye <@U1>, I'll send *el reporte* mañana :tada: <https://x.com/r|el link>\n• la casa"
    result = runner.invoke(app, ["translate", text, "--to", "en", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["translation"]
    for piece in find_protected(text):
        if piece.kind == "format":  # a pair the translation broke is dropped, and the note says so
            assert piece.text in data["text"] or any("bold/italic/strike" in n for n in data["notes"]), data
        else:
            assert piece.text in data["text"]
    assert data["text"].index("<https://x.com/r|") < data["text"].index("\n• ")
    for unit in data["units"]:
        finals = [c["final"] for c in unit["candidates"]]
        assert len(finals) == 4 and unit["chosen"] == finals.index(max(finals))


def test_cli_says_when_there_is_nothing_to_translate(tiny_models_env: None) -> None:
    result = runner.invoke(app, ["translate", "the report is ready :tada:", "--to", "en"])
    assert result.exit_code == 0 and "Nothing to translate: every word is already in en" in result.stdout


def test_cli_batch_file_keeps_line_alignment_and_reports_bad_lines(
    tiny_models_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIXLINGO_MAX_MESSAGE_CHARS", "100")
    lines = ["the report is ready", "", "x" * 101, "la casa es grande"]
    path = tmp_path / "in.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["translate", "--file", str(path), "--to", "en"])
    assert result.exit_code == 2  # a bad line is bad input; the other lines are still translated
    out = result.stdout.split("\n")
    assert out[0] == "the report is ready" and out[1] == "" and out[2] == "" and out[3] != ""
    assert "line 3: message is 101 characters" in result.stderr


def test_cli_no_rerank_and_missing_model_errors(tiny_models_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["translate", "la casa es grande", "--to", "en", "--no-rerank", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["translation"]["units"][0]["candidates"][0]["similarity"] is None
    monkeypatch.setenv("MIXLINGO_TRANSLATION_MODELS", "es-en=Helsinki-NLP/opus-mt-es-en")
    result = runner.invoke(app, ["translate", "la casa es grande", "--to", "en"])
    assert result.exit_code == 2 and "opus-mt-es-en" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(app, ["translate", "la casa es grande", "--to", "de"])
    assert result.exit_code == 2 and "no translation model for es→de" in result.stderr


def test_cli_batch_file_translates_lines_in_one_batch_per_model_stage(
    tiny_models_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mixlingo.nlp.translate import Translate

    seen: list[int] = []
    batched = Translate.translate_many

    def spy(self, messages):
        seen.append(len(messages))
        return batched(self, messages)

    monkeypatch.setattr(Translate, "translate_many", spy)
    path = tmp_path / "in.txt"
    path.write_text("la casa es grande\nel perro\n\nla casa", encoding="utf-8")
    result = runner.invoke(app, ["translate", "--file", str(path), "--to", "en"])
    assert result.exit_code == 0 and seen == [3]
    assert [bool(line) for line in result.stdout.split("\n")[:4]] == [True, True, False, True]
