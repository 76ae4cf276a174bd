"""MarianMT (opus-mt) translation with n-best beam search, one model per direction.

Models load lazily on first use and are shared by every caller; a lock keeps two
threads from loading the same model twice. Which model serves a direction is
:mod:`mixlingo.nlp.directions`'s answer, among the models that can load now (a
downloaded group model before ``mul``); multi-target models (``en-dra``, ``en-mul``,
``en-ROMANCE``) get the ``>>xx<<`` target token their vocabulary has, and one that has
none for the target passes the direction on to the next model that can serve it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from mixlingo.adapters.hub import from_pretrained, is_cached, looks_like_path
from mixlingo.core.errors import InputError
from mixlingo.nlp.directions import Route, candidates, model_for, target_ids
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
        self._noted: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()
        self.notes: list[str] = []
        """Plain-words remarks (a model that fell back); the Translate stage passes them on to the reader."""

    def describe(self) -> str:
        return "transformers fp32"

    def usable(self, model_id: str) -> bool:
        """Can the model load now: a local directory that exists, a downloaded hub model, or downloads allowed."""
        return is_cached(model_id, self.cache_dir) or not (self.offline or looks_like_path(model_id))

    def model_for(self, source: str, target: str) -> Route | None:
        """The model for a direction among those that can load now: :func:`mixlingo.nlp.directions.model_for`."""
        return model_for(self.models, source, target, self.usable)

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
        tokenizer, model, prefix = self._serving(source, target)
        out: list[list[Candidate]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [prefix + text for text in texts[start : start + self.batch_size]]
            out += self._generate(tokenizer, model, batch, n)
        return out

    def _serving(self, source: str, target: str) -> tuple[object, object, str]:
        """(tokenizer, model, input prefix) of the first model that can load now and write ``target``.

        A multi-target model without a token for the target (a code its card does not list) is passed
        over for the next candidate; when a stand-in serves, the reader is told once which and why."""
        routes = candidates(self.models, source, target)
        if not routes:
            raise InputError(f"no translation model configured for {source}→{target}")
        refused: InputError | None = None
        for route in [r for r in routes if self.usable(r.model)] or routes[:1]:
            tokenizer, model = self.load(route.model)
            try:
                prefix = self.target_prefix(route.model, tokenizer, source, target, route.prefix)
            except InputError as error:
                refused = refused or error
                continue
            if route is not routes[0]:
                self._note_stand_in(routes[0], route, source, target, refused)
            return tokenizer, model, prefix
        assert refused is not None  # every usable route was tried and refused the target
        raise refused

    def _note_stand_in(self, preferred: Route, serving: Route, source: str, target: str, refused: InputError | None) -> None:
        if (source, target, serving.model) in self._noted:
            return
        self._noted.add((source, target, serving.model))
        why = (f"{preferred.model} cannot write {target}" if refused is not None
               else f"{preferred.model} is not downloaded (`mixlingo models pull` gets it)")
        self.notes.append(f"{source}→{target}: {why}, so {serving.model} translates it")

    def target_prefix(self, model_id: str, tokenizer, source: str, target: str, prefix: str) -> str:
        """``>>es<< `` for a multi-target model (its vocabulary has ``>>xx<<`` tokens), whatever key names it.

        So ``en-es=Helsinki-NLP/opus-mt-en-ROMANCE`` works as well as ``en-mul=…``. The token is the first
        of :func:`mixlingo.nlp.directions.target_ids` the vocabulary has (``>>tam<<`` for ta, ``>>spa<<``
        for es in ``en-mul``); a model without target tokens gets the planned prefix, and one that has
        none for the target is refused.
        """
        codes = self._target_codes.get(model_id)
        if codes is None:
            vocab = tokenizer.get_vocab()
            codes = frozenset(t[2:-2] for t in vocab if t.startswith(">>") and t.endswith("<<") and len(t) > 4)
            self._target_codes[model_id] = codes
        if not codes:
            return prefix
        wanted = target_ids(target)
        found = next((code for code in wanted if code in codes), None)
        if found is None:
            raise InputError(
                f"{model_id} has no >>{wanted[0]}<< target token, so it cannot translate into {target}; "
                f"configure a model for {source}-{target} in MIXLINGO_TRANSLATION_MODELS"
            )
        return f">>{found}<< "

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
