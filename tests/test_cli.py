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
    notes = result.stderr.strip().splitlines()
    assert notes == ["note: mBERT tagger not downloaded, using the embedded es/en tagger; `mixlingo models pull` gets it"]
    assert len(notes[0]) <= 120 and "local_files_only" not in result.stderr
    verbose = run("tag", "--json", "--verbose", "hola, the meeting")
    assert "sagorsarker/codeswitch-spaeng-lid-lince" in verbose.stderr and "detail:" in verbose.stderr


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


# --- the first hour of a new user ------------------------------------------------------------

# What a one-message call must not load: the model runtimes, and the libraries whose import alone
# costs a tenth of a second or more (the hub client, langcodes' data, wordfreq's whole lists), and the
# test-only builders (fakes, tiny and replica models), which nothing at run time may import.
HEAVY = ("torch", "transformers", "ctranslate2", "huggingface_hub", "langcodes", "wordfreq", "mixlingo.adapters.testing")


def _subprocess(args: list[str], *, stdin: bytes | None = None, env: dict[str, str] | None = None, probe: bool = False):
    """`mixlingo ARGS` in a fresh process (as a user runs it); ``probe`` reports the heavy modules it imported."""
    code = (f"import sys\nHEAVY = {HEAVY!r}\nfrom mixlingo.cli import main\nsys.argv = ['mixlingo', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\nelse:\n    code = 0\n"
            "heavy = sorted(m for m in HEAVY if m in sys.modules)\n"
            "print('IMPORTED', heavy, file=sys.stderr)\nsys.exit(code)\n") if probe else None
    command = [sys.executable, "-c", code, *args] if probe else [sys.executable, "-m", "mixlingo", *args]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MIXLINGO_")}
    full_env.update(env or {})
    return subprocess.run(command, input=stdin, capture_output=True, timeout=300, env=full_env)


def test_tag_and_translate_without_models_import_no_torch_and_never_touch_the_network(tmp_path: Path) -> None:
    from stand_in_hub import stand_in_hub

    with stand_in_hub({}) as (endpoint, requests):
        env = {"HF_ENDPOINT": endpoint, "HF_HUB_OFFLINE": "0", "MIXLINGO_MODEL_CACHE_DIR": str(tmp_path / "cache"),
               "XDG_CACHE_HOME": str(tmp_path / "xdg")}
        tagged = _subprocess(["tag", "--json", "Oye, I'll send el reporte mañana"], env=env, probe=True)
        translated = _subprocess(["translate", "hola amigo"], env=env, probe=True)
    assert tagged.returncode == 0, tagged.stderr
    assert json.loads(tagged.stdout)["tagger"] == "embedded"
    assert "IMPORTED []" in tagged.stderr.decode()
    indexes = sorted(p.name.split("-")[0] for p in (tmp_path / "xdg" / "mixlingo" / "wordfreq").glob("*.sqlite"))
    assert indexes == ["large_en", "large_es"]  # built by the first call, read by every later one
    assert translated.returncode == 2
    stderr = translated.stderr.decode()
    assert "IMPORTED []" in stderr
    assert "error: no model that translates into en is downloaded" in stderr and "mixlingo models pull" in stderr
    assert requests == []  # no hub call, though the hub answered


def test_notes_are_short_once_and_actionable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXLINGO_RERANK", "true")
    result = run("tag", "hola amigo")
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert notes and len(notes) == len(set(notes))
    assert all(len(line) <= 120 for line in notes)
    assert "local_files_only" not in result.stderr and "as input" not in result.stderr


def test_allow_downloads_is_the_only_way_tag_reaches_the_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    from mixlingo.config import load_settings

    assert load_settings().models.hub_offline is True
    monkeypatch.setenv("MIXLINGO_ALLOW_DOWNLOADS", "true")
    assert load_settings().models.hub_offline is False
    monkeypatch.setenv("MIXLINGO_OFFLINE", "true")
    assert load_settings().models.hub_offline is True


def test_translate_stdin_with_invalid_utf8_notes_the_replacement() -> None:
    result = _subprocess(["translate", "-"], stdin=b"hola \xff amigo\n")
    stderr = result.stderr.decode()
    assert "U+FFFD" in stderr
    assert result.returncode == 2  # then: no translation model downloaded


def test_batch_with_a_bad_line_exits_2_and_keeps_every_line(tiny_models_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXLINGO_MAX_MESSAGE_CHARS", "30")
    result = run("translate", "-", input="hola amigo\n" + "palabra " * 10 + "\nadios\n")
    assert result.exit_code == 2
    assert len(result.stdout.split("\n")) == 4 and result.stdout.split("\n")[1] == ""
    assert "line 2:" in result.stderr and "1 of 3 lines were not translated" in result.stderr


def test_nothing_to_translate_is_said_once(tiny_models_env: None) -> None:
    result = run("translate", ":tada: 👍")
    assert result.exit_code == 0
    assert result.stdout.lower().count("nothing to translate") == 1


def test_to_a_code_that_is_no_language_says_so() -> None:
    result = run("translate", "--to", "xx", "hola")
    assert result.exit_code == 2
    assert "'xx' is not a language code" in result.stderr and "opus-mt" not in result.stderr


def test_an_upper_case_language_is_the_lower_case_one(tiny_models_env: None) -> None:
    """``--to EN`` suggested a model id ``…opus-mt-es-EN`` that does not exist; it is ``en``, like ``--pair EN-ES``."""
    result = run("translate", "--to", "EN", "--pair", "EN-ES", "--json", "hola amigo")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["translation"]["target"] == "en" and "opus-mt" not in result.output
    assert tag_json("--tagger", "lexicon", "--pair", "EN-ES", "hola")["pair"] == ["en", "es"]


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_an_empty_message_to_translate_is_a_clear_error(text: str) -> None:
    result = run("translate", "--tagger", "lexicon", text)
    assert result.exit_code == 2 and "the message is empty" in result.stderr


def test_missing_model_directory_names_its_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXLINGO_MBERT_MODEL", "./no-such-model")
    result = run("tag", "--tagger", "mbert", "hola")
    assert result.exit_code == 2
    assert "MIXLINGO_MBERT_MODEL='./no-such-model': no such model directory" in result.stderr
    monkeypatch.setenv("MIXLINGO_TRANSLATION_MODELS", "es-en=./gone")
    monkeypatch.setenv("MIXLINGO_RERANK", "false")
    result = run("translate", "--tagger", "lexicon", "hola")
    assert result.exit_code == 2 and "MIXLINGO_TRANSLATION_MODELS[es-en]='./gone'" in result.stderr


def test_help_shows_no_value_for_flags() -> None:
    result = run("translate", "--help")
    assert result.exit_code == 0 and "--explain" in result.stdout
    assert "<bool>" not in result.stdout
    assert "<str>" in result.stdout  # options that take a value still say so


def test_summary_line_is_not_wrapped_in_a_pipe() -> None:
    result = run("tag", "--tagger", "lexicon", "hola amigo, how are you doing today my friend")
    summary = [line for line in result.stdout.splitlines() if line.startswith("tagger:")]
    assert summary and "code-switched: yes" in summary[0]


def test_models_list_names_the_missing_models_and_their_settings() -> None:
    result = run("models", "list")
    assert "not downloaded: sagorsarker/codeswitch-spaeng-lid-lince (MIXLINGO_MBERT_MODEL)" in result.stdout
    assert "(MIXLINGO_TRANSLATION_MODELS[es-en])" in result.stdout


def test_models_tiny_builds_demo_models_quietly(tmp_path: Path) -> None:
    result = run("models", "tiny", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo" / "tagger" / "config.json").is_file() and (tmp_path / "demo" / "marian" / "vocab.json").is_file()
    assert "MIXLINGO_TRANSLATION_MODELS=es-en=" in result.stdout and "--explain" in result.stdout
    assert "Writing model shards" not in result.stderr


def test_models_tiny_prints_no_blank_lines(tmp_path: Path) -> None:
    """In a real process, where the tokenizer trainer's own output (written below Python) would show."""
    result = _subprocess(["models", "tiny", str(tmp_path / "demo")], env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 2 and all(line.strip() for line in lines) and lines[0].startswith("tiny models written to")


def test_batch_mode_goes_through_pipe_in_batches(tiny_models_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from mixlingo.nlp.pipeline import Pipeline

    batches: list[int] = []
    pipe = Pipeline.pipe

    def counting_pipe(self: Pipeline, texts, **options):  # wraps the real method
        texts = list(texts)
        batches.append(len(texts))
        return pipe(self, texts, **options)

    monkeypatch.setattr(Pipeline, "pipe", counting_pipe)
    monkeypatch.setenv("MIXLINGO_BATCH_SIZE", "2")
    result = run("translate", "-", input="hola amigo\n\nadios amigo\nla casa\n")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.split("\n")) == 5 and result.stdout.split("\n")[1] == ""
    assert batches == [1, 2]  # lines 1-2 (one blank), lines 3-4


def test_a_line_that_fails_inside_the_pipeline_is_named_and_the_others_translate() -> None:
    from mixlingo.cli.translate import _translate_chunk
    from mixlingo.config import load_settings
    from mixlingo.core.errors import InputError
    from mixlingo.nlp import Message, Pipeline

    def picky(message: Message) -> Message:
        if "bad" in message.text:
            raise InputError("no model for this one")
        return message

    results = _translate_chunk(Pipeline([("picky", picky)]), ["good", "bad", "", "fine"], 7, load_settings())
    assert [number for number, _, _ in results] == [7, 8, 9, 10]
    kinds = [type(result).__name__ for _, _, result in results]
    assert kinds == ["Message", "InputError", "NoneType", "Message"]


def test_explain_without_a_translation_model_shows_the_tags_and_plan_then_the_error() -> None:
    result = run("translate", "--explain", "--tagger", "embedded", "Oye, I'll send *el reporte* mañana :tada:")
    assert result.exit_code == 2
    assert "│ reporte" in result.stdout and "strategy: whole" in result.stdout
    assert "unit 1: es→en  “Oye, I'll send [1]el reporte[2] mañana”" in result.stdout
    assert "candidate" not in result.stdout  # nothing was translated, so no empty candidate table
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: no model that translates into en is downloaded")
