"""Every setting says whether it changes a translation; the translation cache key is exactly those that do."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mixlingo.backends import model_version
from mixlingo.config import HttpSettings, Settings, load_settings
from mixlingo.config.settings import AFFECTS_OUTPUT, output_settings, setting_fields, unclassified_settings
from mixlingo.factory import rerank_weights


def test_every_setting_is_classified() -> None:
    assert unclassified_settings() == (), (
        "mark each setting json_schema_extra=affects_output() when it changes what a translation says "
        "(it joins the translation cache key), else json_schema_extra=RUNTIME")


def test_the_cache_key_uses_exactly_the_output_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    value = Settings.value

    def recording(self: Settings, name: str) -> object:
        seen.append(name)
        return value(self, name)

    monkeypatch.setattr(Settings, "value", recording)
    model_version(Settings())
    marked = {name for name, field in setting_fields().items()
              if isinstance(field.info.json_schema_extra, dict) and field.info.json_schema_extra.get(AFFECTS_OUTPUT) is True}
    assert set(output_settings()) == marked
    assert set(seen) == marked  # a setting read for the key (model dirs aside) is a marked one, and every marked one is read


@pytest.mark.parametrize("name, value", [("strategy", "spans"), ("output_script", "latin"), ("n_best", 2),
                                         ("rerank_copy_penalty", 3.0), ("translation_models", {"es-en": "x/y"})])
def test_changing_an_output_setting_changes_the_key(name: str, value: object) -> None:
    assert name in output_settings()
    assert model_version(load_settings(**{name: value})) != model_version(load_settings())


@pytest.mark.parametrize("name, value", [("slack_bot_token", "xoxb-1"), ("threads", 3), ("micro_batch_ms", 0.0),
                                         ("port", 3001), ("broker_url", "redis://127.0.0.1:6379/0")])
def test_changing_a_runtime_setting_keeps_the_key(name: str, value: object) -> None:
    assert name not in output_settings()
    assert model_version(load_settings(**{name: value})) == model_version(load_settings())


def test_the_rerank_weights_come_from_their_group() -> None:
    settings = load_settings(rerank_model_weight=0.5, rerank_skip_margin=0.25)
    assert (settings.reranker.model_weight, settings.reranker.skip_margin) == (0.5, 0.25)
    weights = rerank_weights(settings)
    assert (weights.model, weights.skip_margin, weights.similarity) == (0.5, 0.25, settings.reranker.similarity_weight)
    assert {name for name in setting_fields() if name.startswith("rerank")} == {
        name for name, field in setting_fields().items() if field.group == "reranker"}


def test_the_http_limits_come_from_their_group() -> None:
    from mixlingo.bot.http_limits import ServerLimits

    settings = load_settings(http_header_timeout=3.0, http_max_connections=7)
    assert set(HttpSettings.model_fields) == {f.name for f in dataclasses.fields(ServerLimits)}
    assert ServerLimits.from_settings(settings) == ServerLimits(3.0, settings.http.body_timeout, 7)


@pytest.mark.parametrize(("group", "names"), [
    ("slack", {"slack_bot_token", "slack_signing_secret", "slack_app_token", "slack_client_id", "slack_client_secret",
               "slack_scopes", "slack_api_url"}),
    ("scale_out", {"broker_url", "queue_name", "worker_concurrency", "job_lease_seconds", "job_max_retries", "database_url",
                   "encryption_key"}),
    ("http", {"http_header_timeout", "http_body_timeout", "http_max_connections"}),
    ("models", {"mbert_model", "mbert_label_map", "translation_models", "model_cache_dir", "optimized_model_dir", "offline",
                "allow_downloads"}),
])
def test_each_group_keeps_the_flat_names_people_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, group: str,
                                                    names: set[str]) -> None:
    assert {name for name, field in setting_fields().items() if field.group == group} == names
    typed = {"slack_bot_token": "xoxb-9", "slack_scopes": "chat:write", "broker_url": "redis://127.0.0.1:1/0",
             "queue_name": "q9", "http_body_timeout": "7", "model_cache_dir": str(tmp_path), "offline": "true",
             "mbert_label_map": "lang1=en,lang2=hi"}
    typed = {name: value for name, value in typed.items() if name in names}
    default = Settings()
    for name, value in typed.items():
        monkeypatch.setenv(f"MIXLINGO_{name.upper()}", value)
    from_env = load_settings()
    for name in typed:
        key = setting_fields()[name].key
        assert getattr(getattr(from_env, group), key) == from_env.value(name) != default.value(name), name
    for name in typed:
        monkeypatch.delenv(f"MIXLINGO_{name.upper()}")
    (tmp_path / "mixlingo.toml").write_text("".join(f'{name} = "{value}"\n' for name, value in typed.items()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from_file, from_keywords = load_settings(), Settings(**typed)
    assert all(from_file.value(name) == from_keywords.value(name) == from_env.value(name) for name in typed)


def test_pairs_are_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from mixlingo.config import settings as settings_module

    settings = load_settings(pairs="EN-es,en_hi")
    calls: list[str] = []
    monkeypatch.setattr(settings_module, "parse_pair", lambda value: calls.append(value) or ("x", "y"))
    assert settings.language_pairs == [("en", "es"), ("en", "hi")] and settings.language_pairs == [("en", "es"), ("en", "hi")]
    assert calls == []


def test_a_copy_with_changes_is_checked_like_loaded_settings() -> None:
    settings = load_settings(rerank_layers=3)
    copy = settings.replace(mbert_model="/models/tagger", mbert_label_map="lang1=en,lang2=hi")
    assert copy.models.mbert == "/models/tagger" and copy.models.mbert_label_map == {"lang1": "en", "lang2": "hi"}
    assert copy.reranker.layers == 3 and settings.models.mbert != copy.models.mbert
    with pytest.raises(ValueError):
        settings.replace(rerank_layers=-1)
