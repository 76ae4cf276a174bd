"""Shared fixtures. Tests never reach a model hub: offline is forced for the whole run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The Slack stand-in (`fake`, `slack`) and the PostgreSQL/Redis fixtures (`database_url`, `redis_url`, ...).
pytest_plugins = ["slack_harness", "services"]

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.pop("MIXLINGO_CONFIG", None)

TINY_WORDS = {
    "lang1": "I will send the report tomorrow okay we need to check this before meeting my friend said yes".split(),
    "lang2": "oye el reporte mañana vamos a revisar esto antes de la reunión mi amigo dijo que sí".split(),
    "other": [",", "!", "?", ".", "...", "😂", "@user"],
    "ne": ["Maria", "Google", "Texas"],
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test starts from defaults: no MIXLINGO_* from the caller's shell, a private cache."""
    for name in list(os.environ):
        if name.startswith(("MIXLINGO_", "SLACK_")):  # Slack credentials switch `serve` out of the playground
            monkeypatch.delenv(name)
    monkeypatch.setenv("MIXLINGO_MODEL_CACHE_DIR", str(tmp_path / "model-cache"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def tiny_bert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer BERT token classifier in the real on-disk format, trained in about a second."""
    from mixlingo.adapters.testing.tiny_models import build_tiny_token_classifier

    return build_tiny_token_classifier(tmp_path_factory.mktemp("tiny-bert"), TINY_WORDS)


@pytest.fixture(scope="session")
def tiny_marian_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1+1-layer MarianMT (random weights) with real sentencepiece and vocab files."""
    from mixlingo.adapters.testing.tiny_models import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture
def tiny_models_env(monkeypatch: pytest.MonkeyPatch, tiny_marian_dir: Path, tiny_bert_dir: Path) -> None:
    """Point the settings at the tiny models, with a short fixed generation length."""
    monkeypatch.setenv("MIXLINGO_TRANSLATION_MODELS", f"es-en={tiny_marian_dir},en-es={tiny_marian_dir}")
    monkeypatch.setenv("MIXLINGO_RERANKER_MODEL", str(tiny_bert_dir))
    monkeypatch.setenv("MIXLINGO_MAX_NEW_TOKENS", "16")
    monkeypatch.setenv("MIXLINGO_TAGGER", "lexicon")
