"""Picking the fast backends (composition helpers for :mod:`mixlingo.factory`).

Defaults are the fastest runtime that is installed: CTranslate2 int8 for Marian,
ONNX Runtime int8 for the BERT tagger and reranker. A missing package or a failed
conversion falls back to plain transformers/torch with a note, never an error.
Concurrent model calls are micro-batched; finished translations are cached.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

from mixlingo.config import Settings
from mixlingo.config.settings import output_settings
from mixlingo.nlp.batching import BatchingEncoder, BatchingTagger, BatchingTranslator
from mixlingo.nlp.cache import TranslationCache
from mixlingo.nlp.tagging import Tagger
from mixlingo.nlp.translation import Encoder, Translator
from mixlingo.core.notes import Note


def threads(settings: Settings) -> int:
    return settings.threads or os.cpu_count() or 1


def optimized_dir(settings: Settings) -> Path:
    return settings.models.optimized_dir or settings.models.cache_dir / "optimized"


def runtime_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for the BERT adapters (tagger and encoder)."""
    return {"backend": settings.encoder_backend, "threads": threads(settings), "optimized_dir": optimized_dir(settings)}


def load_translator(settings: Settings, notes: list[Note] | list[str]) -> Translator:
    """CTranslate2 when chosen or ``auto`` and installed; plain transformers otherwise."""
    common: dict[str, Any] = dict(
        cache_dir=settings.models.cache_dir, offline=settings.models.hub_offline, num_beams=settings.num_beams,
        batch_size=settings.batch_size, max_new_tokens=settings.max_new_tokens, min_new_tokens=settings.min_new_tokens,
    )
    if settings.translation_backend != "transformers":
        from mixlingo.adapters.ct2_translator import CT2Translator, ctranslate2_available

        if ctranslate2_available():
            return CT2Translator(
                settings.models.translation, optimized_dir=optimized_dir(settings), device=settings.device,
                compute_type=settings.compute_type, threads=threads(settings), **common,
            )
        notes.append(Note(
            "CTranslate2 is not installed, so translation runs on plain transformers "
            "(slower; pip install ctranslate2 for the fast backend)"
        ))
    from mixlingo.adapters.marian import MarianTranslator

    return MarianTranslator(settings.models.translation, **common)


def micro_batched(settings: Settings, translator: Translator, encoder: Encoder | None, taggers: list[Tagger]):
    """Wrap the model-backed parts so concurrent messages share model calls (``micro_batch_ms`` 0: as they are)."""
    if settings.micro_batch_ms <= 0:
        return translator, encoder, taggers
    window, most = settings.micro_batch_ms / 1000, settings.micro_batch_max
    gate = threading.BoundedSemaphore(settings.model_calls_at_once) if settings.model_calls_at_once else None
    return (
        BatchingTranslator(translator, window_s=window, max_items=most, gate=gate),
        BatchingEncoder(encoder, window_s=window, max_items=most * 8, gate=gate) if encoder is not None else None,
        [BatchingTagger(t, window_s=window, max_items=most, gate=gate) if t.name == "mbert" else t for t in taggers],
    )


def model_version(settings: Settings) -> str:
    """A short hash of every setting and model file that changes the output: the cache key's version.

    The settings are those whose field is marked ``affects_output()`` in :mod:`mixlingo.config.settings`."""
    values = {name: settings.value(name) for name in output_settings()}
    for name in ("mbert_model", "reranker_model", *(f"tm:{k}" for k in settings.models.translation)):
        model = settings.models.translation[name[3:]] if name.startswith("tm:") else settings.value(name)
        path = Path(model).expanduser()
        if path.is_dir():
            values[f"files:{name}"] = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in path.iterdir() if p.is_file())
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


def translation_cache(settings: Settings) -> TranslationCache:
    return TranslationCache(settings.translation_cache_size, version=model_version(settings))
