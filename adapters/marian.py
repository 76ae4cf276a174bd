"""MarianMT (opus-mt) translation with n-best beam search, one model per direction.

Models load lazily on first use and are shared by every caller; a lock keeps two
threads from loading the same model twice. Multi-source models such as
``opus-mt-mul-en`` serve any source into their target; multi-target models
(``en-mul``, ``en-ROMANCE``) get the ``>>xx<<`` target token they expect.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from mixlingo.adapters.hub import from_pretrained
from mixlingo.errors import InputError
from mixlingo.nlp.directions import model_for
from mixlingo.nlp.translation import Candidate


class MarianTranslator:
    """The ``Translator`` protocol over Hugging Face seq2seq models (MarianMT by default)."""

    def __init__(
        self,
        models: Mapping[str, str],
        *,
        cache_dir: Path,
        offline: bool = False,
        num_beams: int = 4,
        batch_size: int = 8,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
    ):
        self.models = {key.lower(): value for key, value in models.items()}
        self.cache_dir, self.offline = cache_dir, offline
        self.num_beams, self.batch_size = num_beams, batch_size
        self.max_new_tokens, self.min_new_tokens = max_new_tokens, min_new_tokens
        self._loaded: dict[str, tuple[object, object]] = {}
        self._target_codes: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()
        self.notes: list[str] = []
        """Plain-words remarks (a model that fell back); the Translate stage passes them on to the reader."""

    def describe(self) -> str:
        return "transformers fp32"

    def model_for(self, source: str, target: str) -> tuple[str, str] | None:
        """(model id, input prefix) for a direction, preferring a direct model: :func:`mixlingo.nlp.directions.model_for`."""
        return model_for(self.models, source, target)

    def has_direction(self, source: str, target: str) -> bool:
        return self.model_for(source, target) is not None

    def load(self, model_id: str) -> tuple[object, object]:
        with self._lock:
            if model_id not in self._loaded:
                from transformers import AutoModelForSeq2SeqLM, AutoTokenizer  # slow imports: only to translate

                tokenizer = from_pretrained(AutoTokenizer, model_id, cache_dir=self.cache_dir, offline=self.offline)
                model = from_pretrained(
                    AutoModelForSeq2SeqLM, model_id, cache_dir=self.cache_dir, offline=self.offline
                ).eval()
                self._loaded[model_id] = (tokenizer, model)
            return self._loaded[model_id]

    def translate(self, texts: Sequence[str], source: str, target: str, n: int) -> list[list[Candidate]]:
        found = self.model_for(source, target)
        if found is None:
            raise InputError(f"no translation model configured for {source}→{target}")
        model_id, prefix = found
        tokenizer, model = self.load(model_id)
        prefix = self.target_prefix(model_id, tokenizer, source, target, prefix)
        out: list[list[Candidate]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [prefix + text for text in texts[start : start + self.batch_size]]
            out += self._generate(tokenizer, model, batch, n)
        return out

    def target_prefix(self, model_id: str, tokenizer, source: str, target: str, prefix: str) -> str:
        """``>>es<< `` for a multi-target model (its vocabulary has ``>>xx<<`` tokens), whatever key names it.

        So ``en-es=Helsinki-NLP/opus-mt-en-ROMANCE`` works as well as ``en-mul=…``; a model
        without target tokens gets the configured prefix, and one that lacks the target is refused.
        """
        codes = self._target_codes.get(model_id)
        if codes is None:
            vocab = tokenizer.get_vocab()
            codes = frozenset(t[2:-2] for t in vocab if t.startswith(">>") and t.endswith("<<") and len(t) > 4)
            self._target_codes[model_id] = codes
        if not codes:
            return prefix
        if target not in codes:
            raise InputError(
                f"{model_id} has no >>{target}<< target token, so it cannot translate into {target}; "
                f"configure a model for {source}-{target} in MIXLINGO_TRANSLATION_MODELS"
            )
        return f">>{target}<< "

    def _generate(self, tokenizer, model, batch: list[str], n: int) -> list[list[Candidate]]:
        import torch

        encoded = tokenizer(batch, return_tensors="pt", padding=True, truncation=True, max_length=_max_length(model))
        with torch.inference_mode():
            generated = model.generate(
            **encoded,
                num_beams=max(self.num_beams, n),
                num_return_sequences=n,
                output_scores=True,
                return_dict_in_generate=True,
                max_new_tokens=self.max_new_tokens or _max_length(model),
                min_new_tokens=self.min_new_tokens,
            )
        decoded = tokenizer.batch_decode(generated.sequences, skip_special_tokens=True)
        scores = generated.sequences_scores.tolist()
        grouped = []
        for i in range(len(batch)):
            candidates = [Candidate(decoded[j].strip(), float(scores[j])) for j in range(i * n, (i + 1) * n)]
            grouped.append(sorted(candidates, key=lambda c: c.score, reverse=True))
        return grouped


def _max_length(model) -> int:
    return int(min(getattr(model.config, "max_position_embeddings", 512) or 512, 512))
