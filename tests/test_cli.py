"""The `mixlingo` CLI as a user runs it: tables, JSON, and clear errors for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mixlingo.cli import app

runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def tag_json(*args: str, input: str | None = None) -> dict:
    result = run("tag", "--json", *args, input=input)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_tags_a_mixed_message_offline_with_the_lexicon_tagger() -> None:
    data = tag_json("--tagger", "lexicon", "Oye <@U1>, I'll send el reporte mañana :tada:")
    tags = {t["text"]: t["lang"] for t in data["tokens"]}
    assert tags == {
        "Oye": "es",
        "<@U1>": "other",
        ",": "other",
        "I'll": "en",
        "send": "en",
        "el": "es",
        "reporte": "es",
        "mañana": "es",
        ":tada:": "other",
    }
    assert data["tagger"] == "lexicon" and data["pair"] == ["en", "es"]
    assert data["summary"]["code_switched"] is True


def test_tags_with_the_tiny_mbert_fixture(tiny_bert_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXLINGO_MBERT_MODEL", str(tiny_bert_dir))
    data = tag_json("--tagger", "mbert", "I will send el reporte mañana")
    assert data["tagger"] == "mbert"
    assert [t["lang"] for t in data["tokens"]] == ["en", "en", "en", "es", "es", "es"]


def test_auto_falls_back_to_the_embedded_tagger_and_says_why() -> None:
    result = run("tag", "--json", "hola, the meeting")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["tagger"] == "embedded"
    assert "mBERT tagger unavailable" in result.stderr
    assert "sagorsarker/codeswitch-spaeng-lid-lince" in result.stderr


def test_auto_uses_the_lexicon_tagger_for_pairs_the_embedded_model_does_not_cover() -> None:
    result = run("tag", "--json", "--pair", "en-fr", "je pense que the meeting is tomorrow")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["tagger"] == "lexicon" and data["pair"] == ["en", "fr"]


def test_explicit_mbert_without_weights_is_a_clear_error_not_a_traceback() -> None:
    result = run("tag", "--tagger", "mbert", "hola")
    assert result.exit_code == 2
    assert "error:" in result.stderr and "mixlingo models pull" in result.stderr
    assert "Traceback" not in result.output


def test_table_output_shows_tokens_tags_and_summary() -> None:
    result = run("tag", "--tagger", "lexicon", "vamos a la playa this weekend")
    assert result.exit_code == 0
    assert "playa" in result.stdout and "weekend" in result.stdout
    assert "code-switched: yes" in " ".join(result.stdout.split())


def test_reads_the_message_from_stdin() -> None:
    data = tag_json("--tagger", "lexicon", "-", input="hola amigo\n")
    assert [t["lang"] for t in data["tokens"]] == ["es", "es"]


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_message_is_a_clear_error(text: str) -> None:
    result = run("tag", "--tagger", "lexicon", text)
    assert result.exit_code == 2 and "the message is empty" in result.stderr


def test_only_emoji_or_code_says_there_is_nothing_to_tag() -> None:
    result = run("tag", "--tagger", "lexicon", "👍 :tada: `ls -la`")
    assert result.exit_code == 0 and "No words to tag" in result.stdout


def test_a_40000_character_message_is_tagged_and_a_longer_one_refused() -> None:
    text = ("hola amigo, the report is ready. " * 1300)[:40_000]
    data = tag_json("--tagger", "lexicon", text)
    assert len(data["tokens"]) > 7000
    result = run("tag", "--tagger", "lexicon", text + "x")
    assert result.exit_code == 2 and "40,001 characters; the limit is 40,000" in result.stderr


def test_lone_surrogates_are_replaced_and_reported() -> None:
    result = run("tag", "--json", "--tagger", "lexicon", "hola \udcff amigo")
    assert result.exit_code == 0
    assert "\ufffd" in json.loads(result.stdout)["text"]
    assert "U+FFFD" in result.stderr


def test_invalid_utf8_bytes_on_the_real_command_line() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "mixlingo", "tag", "--json", "--tagger", "lexicon", b"hola \xff amigo"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert [t["lang"] for t in json.loads(proc.stdout)["tokens"]][0] == "es"


@pytest.mark.parametrize(
    ("pair", "message"),
    [("en-xx", "no word list for 'xx'"), ("english", "is not a language pair"), ("en-en", "same language twice")],
)
def test_unknown_or_malformed_pair_is_a_clear_error(pair: str, message: str) -> None:
    result = run("tag", "--tagger", "lexicon", "--pair", pair, "hola")
    assert result.exit_code == 2 and message in result.stderr


def test_auto_pair_detection() -> None:
    data = tag_json("--tagger", "lexicon", "--pair", "auto", "Je pense que the meeting is demain matin")
    assert set(data["pair"]) == {"en", "fr"}


def test_bad_setting_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXLINGO_TAGGER", "gpt")
    result = run("tag", "hola")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: MIXLINGO_TAGGER='gpt' is not valid")


def test_models_list_and_pull_offline() -> None:
    result = run("models", "list")
    assert result.exit_code == 0 and "No models cached" in result.stdout
    result = run("models", "pull")
    assert result.exit_code == 2 and "not reachable" in result.stderr


def test_config_show_lists_env_var_names() -> None:
    result = run("config", "show")
    assert result.exit_code == 0 and "MIXLINGO_TAGGER" in result.stdout
