"""``mixlingo.load()``: settings in, a ready pipeline out, in the spirit of ``spacy.load``."""

from __future__ import annotations

from typing import Any

from mixlingo.nlp.pipeline import Pipeline


def load(**overrides: Any) -> Pipeline:
    """The configured translate pipeline; ``overrides`` are settings fields (``tagger="embedded"``, ``rerank=False``).

    Settings not given come from ``MIXLINGO_*`` variables and the config file, as for the CLI.
    ``nlp(text)`` tags a message; ``nlp(text, target="en")`` also translates it.
    ``nlp.notes`` says in plain words what fell back while loading (e.g. a model not downloaded).
    """
    from mixlingo.config import load_settings
    from mixlingo.factory import build_translate_pipeline

    settings = load_settings(**overrides)
    pipeline = build_translate_pipeline(settings).pipeline
    pipeline.max_chars = settings.max_message_chars
    return pipeline
