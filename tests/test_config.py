"""Settings: defaults, env vars, TOML file, and one clear line per bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from mixlingo.config import load_settings
from mixlingo.core.errors import ConfigError


def test_defaults_name_the_real_hub_model() -> None:
    settings = load_settings()
    assert settings.pairs == ["en-es"]
    assert settings.tagger == "auto"
    assert settings.models.mbert == "sagorsarker/codeswitch-spaeng-lid-lince"
    assert settings.models.mbert_label_map == {"lang1": "en", "lang2": "es"}


def test_env_vars_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXLINGO_PAIRS", "EN-es, en_fr")
    monkeypatch.setenv("MIXLINGO_TAGGER", "lexicon")
    monkeypatch.setenv("MIXLINGO_MBERT_LABEL_MAP", "lang1=en,lang2=hi")
    settings = load_settings()
    assert settings.language_pairs == [("en", "es"), ("en", "fr")]
    assert settings.tagger == "lexicon"
    assert settings.models.mbert_label_map == {"lang1": "en", "lang2": "hi"}


def test_toml_file_is_read_and_env_wins_over_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mixlingo.toml").write_text('pairs = ["en-fr"]\ntagger = "mbert"\nbatch_size = 4\n')
    monkeypatch.setenv("MIXLINGO_TAGGER", "lexicon")
    settings = load_settings()
    assert settings.pairs == ["en-fr"] and settings.batch_size == 4 and settings.tagger == "lexicon"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("MIXLINGO_TAGGER", "bert", "MIXLINGO_TAGGER='bert' is not valid: must be 'auto', 'mbert', 'embedded' or 'lexicon'"),
        ("MIXLINGO_PAIRS", "english-spanish", "MIXLINGO_PAIRS='english-spanish' is not valid"),
        ("MIXLINGO_PAIRS", "en-en", "names the same language twice"),
        ("MIXLINGO_BATCH_SIZE", "0", "MIXLINGO_BATCH_SIZE='0' is not valid: must be greater than or equal to 1"),
        ("MIXLINGO_MBERT_LABEL_MAP", "{oops", "not valid JSON"),
    ],
)
def test_bad_values_give_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert expected in str(error.value)
    assert "\n" not in str(error.value)


def test_unknown_key_in_file_and_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mixlingo.toml").write_text("tagerr = 'lexicon'\n")
    with pytest.raises(ConfigError, match="unknown setting 'tagerr'"):
        load_settings()
    monkeypatch.setenv("MIXLINGO_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="no such file"):
        load_settings()


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "mixlingo.toml").write_text("pairs = [\n")
    with pytest.raises(ConfigError, match=r"^mixlingo.toml: not valid TOML"):
        load_settings()


def test_a_misspelt_variable_gets_a_did_you_mean(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from mixlingo.config import settings as settings_module

    monkeypatch.setattr(settings_module, "_warned", set())
    monkeypatch.setenv("MIXLINGO_TAGER", "lexicon")
    assert load_settings().tagger == "auto"
    assert capsys.readouterr().err.strip() == (
        "warning: MIXLINGO_TAGER is unknown and ignored; did you mean MIXLINGO_TAGGER?"
    )
    load_settings()
    assert capsys.readouterr().err == ""  # once per process


def test_a_mixlingo_table_in_the_toml_file_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mixlingo.toml").write_text('[mixlingo]\ntagger = "lexicon"\npairs = ["en-fr"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.tagger == "lexicon" and settings.pairs == ["en-fr"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [('tagger = "lexicon"\n[mixlingo]\npairs = ["en-fr"]\n', "put them all under [mixlingo]"),
     ("mixlingo = 3\n", '[mixlingo] must be a table of settings, like  [mixlingo]  tagger = "embedded"'),
     ('tager = "lexicon"\n', "unknown setting 'tager' in mixlingo.toml; did you mean tagger?")],
)
def test_a_wrong_toml_layout_shows_the_right_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, expected: str) -> None:
    (tmp_path / "mixlingo.toml").write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("name", "example"),
    [("MIXLINGO_TRANSLATION_MODELS", "es-en=Helsinki-NLP/opus-mt-es-en"), ("MIXLINGO_MBERT_LABEL_MAP", "lang1=en,lang2=es"),
     ("MIXLINGO_FLAG_LANGUAGES", "mx=es,br=pt")],
)
def test_each_format_error_shows_its_own_format(monkeypatch: pytest.MonkeyPatch, name: str, example: str) -> None:
    monkeypatch.setenv(name, "garbage")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(f"{name}='garbage' is not valid") and example in str(caught.value)


def test_config_show_never_truncates_and_has_json(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from mixlingo.cli import app
    from mixlingo.config.settings import setting_fields

    monkeypatch.setenv("COLUMNS", "60")
    shown = CliRunner().invoke(app, ["config", "show"])
    assert shown.exit_code == 0
    for field in setting_fields():
        assert f"MIXLINGO_{field.upper()}" in shown.stdout
    data = json.loads(CliRunner().invoke(app, ["config", "show", "--json"]).stdout)
    assert data["MIXLINGO_MBERT_LABEL_MAP"] == {"lang1": "en", "lang2": "es"} and data["MIXLINGO_TAGGER"] == "auto"
    assert set(data) == {f"MIXLINGO_{field.upper()}" for field in setting_fields()}


def test_an_unknown_keyword_argument_is_named_as_one() -> None:
    import mixlingo

    with pytest.raises(ConfigError) as caught:
        mixlingo.load(tager="embedded")
    assert "unknown setting 'tager' given as a keyword argument; did you mean tagger?" in str(caught.value)
    assert "config file" not in str(caught.value)
    with pytest.raises(ConfigError, match=r"^strategy='sideways' is not valid: must be 'auto', 'whole' or 'spans'$"):
        load_settings(strategy="sideways")


@pytest.mark.parametrize(
    ("content", "expected"),
    [('tagger = "gpt"\n', "mixlingo.toml: tagger = 'gpt' is not valid: must be 'auto', 'mbert', 'embedded' or 'lexicon'"),
     ('[mixlingo]\nbatch_size = 0\n', "mixlingo.toml: batch_size = 0 is not valid: must be greater than or equal to 1"),
     ('translation_models = "garbage"\n', "mixlingo.toml: translation_models = 'garbage' is not valid: write key=value"),
     ("pairs = [\n", "mixlingo.toml: not valid TOML: ")],
)
def test_a_bad_value_in_the_file_names_the_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, expected: str
) -> None:
    (tmp_path / "mixlingo.toml").write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(expected) and "MIXLINGO_" not in str(caught.value)


def test_the_file_named_by_mixlingo_config_is_named_in_its_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "team.toml"
    config.write_text('tagger = "gpt"\n', encoding="utf-8")
    monkeypatch.setenv("MIXLINGO_CONFIG", str(config))
    with pytest.raises(ConfigError, match=f"^{config}: tagger = 'gpt' is not valid"):
        load_settings()
    monkeypatch.setenv("MIXLINGO_TAGGER", "lexicon")  # the variable wins over the file, so the file's value is not used
    assert load_settings().tagger == "lexicon"


def test_a_misspelt_file_key_fails_from_the_cli_but_a_misspelt_variable_only_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from mixlingo.cli import app
    from mixlingo.config import settings as settings_module

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings_module, "_warned", set())
    (tmp_path / "mixlingo.toml").write_text('tager = "lexicon"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code == 2 and "did you mean tagger?" in result.stderr
    (tmp_path / "mixlingo.toml").unlink()
    monkeypatch.setenv("MIXLINGO_TAGER", "lexicon")
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code == 0 and "did you mean MIXLINGO_TAGGER?" in result.stderr


def test_config_show_prints_one_line_per_setting_as_it_is_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from mixlingo.cli import app
    from mixlingo.config.settings import setting_fields

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-1")
    lines = CliRunner().invoke(app, ["config", "show"]).stdout.splitlines()
    assert len(lines) == len(setting_fields()) == 67
    for expected in ("MIXLINGO_PAIRS=en-es", "MIXLINGO_MBERT_LABEL_MAP=lang1=en,lang2=es", "MIXLINGO_RERANK=true",
                     "MIXLINGO_OFFLINE=false", "MIXLINGO_MAX_NEW_TOKENS=", "MIXLINGO_SLACK_BOT_TOKEN=***"):
        assert expected in lines
    assert "xoxb-secret-1" not in "\n".join(lines)
    verbose = CliRunner().invoke(app, ["config", "show", "--verbose"]).stdout.splitlines()
    assert verbose[:2] == ["MIXLINGO_PAIRS=en-es", "    " + (setting_fields()["pairs"].info.description or "")]


def test_languages_are_written_one_way_wherever_they_come_from(monkeypatch: pytest.MonkeyPatch) -> None:
    """``EN`` is ``en`` in every setting that names a language: the target, the pairs and the flag table."""
    assert load_settings(target_language="EN").target_language == "en"
    monkeypatch.setenv("MIXLINGO_TARGET_LANGUAGE", " Es ")
    monkeypatch.setenv("MIXLINGO_PAIRS", "EN-ES,en_HI")
    monkeypatch.setenv("MIXLINGO_FLAG_LANGUAGES", "mx=ES,flag-BR=Pt")
    settings = load_settings()
    assert settings.target_language == "es" and settings.pairs == ["en-es", "en-hi"]
    assert settings.flag_languages == {"mx": "es", "br": "pt"}
