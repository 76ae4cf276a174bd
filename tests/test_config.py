"""Settings: defaults, env vars, TOML file, and one clear line per bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from mixlingo.config import load_settings
from mixlingo.errors import ConfigError


def test_defaults_name_the_real_hub_model() -> None:
    settings = load_settings()
    assert settings.pairs == ["en-es"]
    assert settings.tagger == "auto"
    assert settings.mbert_model == "sagorsarker/codeswitch-spaeng-lid-lince"
    assert settings.mbert_label_map == {"lang1": "en", "lang2": "es"}


def test_env_vars_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIXLINGO_PAIRS", "EN-es, en_fr")
    monkeypatch.setenv("MIXLINGO_TAGGER", "lexicon")
    monkeypatch.setenv("MIXLINGO_MBERT_LABEL_MAP", "lang1=en,lang2=hi")
    settings = load_settings()
    assert settings.language_pairs == [("en", "es"), ("en", "fr")]
    assert settings.tagger == "lexicon"
    assert settings.mbert_label_map == {"lang1": "en", "lang2": "hi"}


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
    with pytest.raises(ConfigError, match="config file"):
        load_settings()
