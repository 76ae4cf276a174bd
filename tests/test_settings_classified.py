"""Every setting says whether it changes a translation; the translation cache key is exactly those that do."""

from __future__ import annotations

import dataclasses

import pytest

from mixlingo.backends import model_version
from mixlingo.config import Settings, load_settings
from mixlingo.config.settings import AFFECTS_OUTPUT, output_settings, unclassified_settings
from mixlingo.factory import rerank_weights
from mixlingo.nlp.rerank import RerankWeights


def test_every_setting_is_classified() -> None:
    assert unclassified_settings() == (), (
        "mark each setting json_schema_extra=affects_output() when it changes what a translation says "
        "(it joins the translation cache key), else json_schema_extra=RUNTIME")


def test_the_cache_key_uses_exactly_the_output_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    class Recording(Settings):
        def __getattribute__(self, name: str):
            if name in type(self).model_fields:
                seen.append(name)
            return super().__getattribute__(name)

    model_version(Recording())
    marked = {name for name, info in Settings.model_fields.items()
              if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get(AFFECTS_OUTPUT) is True}
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
    group = settings.group("rerank_weights")
    assert set(group) <= {f.name for f in dataclasses.fields(RerankWeights)}
    assert {name for name in Settings.model_fields if name.startswith("rerank_") and name != "rerank_layers"} == {
        name for name, info in Settings.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("group") == "rerank_weights"}
    weights = rerank_weights(settings)
    assert (weights.model, weights.skip_margin, weights.similarity) == (0.5, 0.25, settings.rerank_similarity_weight)


def test_the_http_limits_come_from_their_group() -> None:
    from mixlingo.bot.http_limits import ServerLimits

    settings = load_settings(http_header_timeout=3.0, http_max_connections=7)
    assert set(settings.group("http")) == {f.name for f in dataclasses.fields(ServerLimits)}
    assert ServerLimits.from_settings(settings) == ServerLimits(3.0, settings.http_body_timeout, 7)
