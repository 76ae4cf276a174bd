"""MarianMT through CTranslate2: int8 on CPU (int8_float16 on a GPU), same n-best and scores.

The model is converted once from the same ``from_pretrained`` directory
(``mixlingo models convert``, or on first use) into a cache keyed by the source
files, so a changed model is converted again. The Marian tokenizer still comes
from that directory, read without transformers where the layout allows
(:mod:`.marian_tokens`), so a converted model translates without importing torch.
If a conversion fails, that model runs on plain transformers and a note says why:
translation never stops for an optimisation.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mixlingo.adapters.heap import cap_arenas
from mixlingo.adapters.hub import fingerprint, from_pretrained, quiet_transformers, resolve_model_dir
from mixlingo.adapters.marian import MarianTranslator
from mixlingo.adapters.marian_tokens import SentencePieceMarian, TransformersMarian
from mixlingo.adapters.onnx_session import trim_heap
from mixlingo.core.errors import ModelUnavailableError
from mixlingo.nlp.translation import Candidate

if TYPE_CHECKING:
    import ctranslate2

log = logging.getLogger(__name__)
QUANTIZATION = "int8"


def ctranslate2_available() -> bool:
    """Installed? (found, not imported: the import is slow and only translating needs it)."""
    from importlib.util import find_spec

    return find_spec("ctranslate2") is not None


def converted_path(model_dir: Path, optimized_dir: Path) -> Path:
    return optimized_dir / "ctranslate2" / f"{model_dir.name}-{fingerprint(model_dir)}-{QUANTIZATION}"


def convert_marian(model_dir: Path, optimized_dir: Path) -> Path:
    """Convert (once) a transformers Marian directory to a CTranslate2 int8 model; return its path."""
    out = converted_path(model_dir, optimized_dir)
    if (out / "model.bin").is_file():
        return out
    from ctranslate2.converters import TransformersConverter

    quiet_transformers()
    tmp = out.parent / f".tmp-{out.name}-{os.getpid()}-{threading.get_ident()}"
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured), contextlib.redirect_stdout(captured):
            TransformersConverter(str(model_dir)).convert(str(tmp), quantization=QUANTIZATION, force=True)
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        (tmp / "mixlingo.json").write_text(
            json.dumps({
                "source": str(model_dir),
                "forced_eos": config.get("forced_eos_token_id") is not None,
                "max_length": min(int(config.get("max_position_embeddings") or 512), 512),
            }),
            encoding="utf-8",
        )
        if out.exists():  # another process finished first
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def default_device() -> str:
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


@dataclass(frozen=True)
class _Converted:
    translator: ctranslate2.Translator
    forced_eos: bool
    """The model's config forces an end token at the length limit (transformers then counts it)."""
    max_length: int


HYPOTHESES_AT_ONCE = 32
"""On the CPU, CTranslate2 decodes at most this many hypotheses (texts × beam) at once; a call with more runs in sub-batches of
texts of similar length. Its buffers during a decode (the encoder states copied for every beam, the logits over
the whole vocabulary) grow with the hypotheses: 24 texts at beam 4 at once peaked 115 MiB higher than three
sub-batches of 8, for the same CPU time (docs/performance.md, "Memory on Intel CPUs with AMX")."""


class CT2Translator(MarianTranslator):
    """The ``Translator`` protocol over CTranslate2; routing and batching are :class:`MarianTranslator`'s."""

    def __init__(
        self,
        models: Mapping[str, str],
        *,
        cache_dir: Path,
        optimized_dir: Path | None = None,
        offline: bool = False,
        device: str = "auto",
        compute_type: str = "auto",
        threads: int | None = None,
        **kwargs,  # num_beams, batch_size, max/min_new_tokens: as MarianTranslator
    ):
        super().__init__(models, cache_dir=cache_dir, offline=offline, **kwargs)
        self.optimized_dir = optimized_dir or cache_dir / "optimized"
        self._device, self._compute_type = device, compute_type
        self.threads = threads or os.cpu_count() or 1

    def describe(self) -> str:
        """CTranslate2 and its compute type; a model that fell back to transformers is named."""
        with self._lock:
            fell_back = [model_id for model_id, (_, model) in self._loaded.items() if not isinstance(model, _Converted)]
        runtime = f"CTranslate2 {self.compute_type}"
        return f"{runtime} (transformers fp32 for {', '.join(fell_back)})" if fell_back else runtime

    @property
    def device(self) -> str:
        """The configured device; ``auto`` asks CTranslate2 (imported only now) for a GPU."""
        if self._device == "auto":
            self._device = default_device()
        return self._device

    @property
    def compute_type(self) -> str:
        if self._compute_type == "auto":
            return "int8_float16" if self.device == "cuda" else "int8"
        return self._compute_type

    def load(self, model_id: str) -> tuple[object, object]:
        with self._lock:
            if model_id in self._loaded:
                return self._loaded[model_id]
        model_dir = resolve_model_dir(model_id, cache_dir=self.cache_dir, offline=self.offline)
        try:
            loaded = self._load_ct2(model_dir)
        except ModelUnavailableError:
            raise
        except Exception as error:  # a converter/runtime failure falls back, it does not stop
            log.info("CTranslate2 conversion of %s failed", model_id, exc_info=True)
            self.notes.append(
                f"CTranslate2 could not convert {model_id} ({type(error).__name__}: {str(error)[:200]}); "
                "translating it with plain transformers"
            )
            return super().load(model_id)
        with self._lock:
            return self._loaded.setdefault(model_id, loaded)

    def _load_ct2(self, model_dir: Path) -> tuple[object, object]:
        import ctranslate2

        path = convert_marian(model_dir, self.optimized_dir)
        meta = json.loads((path / "mixlingo.json").read_text(encoding="utf-8"))
        tokenizer = self._tokenizer(model_dir)
        cap_arenas()  # before CTranslate2 starts its threads (adapters/heap.py)
        translator = ctranslate2.Translator(
            str(path), device=self.device, compute_type=self.compute_type, intra_threads=self.threads, inter_threads=1
        )
        trim_heap()  # reading and packing the weights left freed buffers behind: give those pages back
        return tokenizer, _Converted(translator, bool(meta.get("forced_eos")), int(meta.get("max_length", 512)))

    def _tokenizer(self, model_dir: Path) -> SentencePieceMarian | TransformersMarian:
        """Token strings in and out: without transformers for the standard opus-mt files, with it otherwise."""
        tokenizer = SentencePieceMarian.from_dir(model_dir)
        if tokenizer is not None:
            return tokenizer
        from transformers import AutoTokenizer

        return TransformersMarian(
            from_pretrained(AutoTokenizer, str(model_dir), cache_dir=self.cache_dir, offline=self.offline)
        )

    def _texts_at_once(self, beam: int) -> int:
        """``batch_size`` texts a decode; on the CPU at most :data:`HYPOTHESES_AT_ONCE` hypotheses (a GPU's memory is
        not the process's, and it wants the largest batches)."""
        if self.device == "cuda":
            return self.batch_size
        return max(1, min(self.batch_size, HYPOTHESES_AT_ONCE // beam))

    def _generate(self, tokenizer, model, batch: list[str], n: int) -> list[list[Candidate]]:
        if not isinstance(model, _Converted):  # this model fell back to transformers
            return super()._generate(tokenizer, model, batch, n)
        # Same lengths as transformers' generate: max_new_tokens counts a forced end token, ct2's length does not.
        forced = 1 if model.forced_eos else 0
        max_new = self.max_new_tokens or model.max_length
        max_len = max(1, min(max_new - forced, model.max_length - 1))
        min_len = max(0, (self.min_new_tokens or 0) - forced)
        results = model.translator.translate_batch(
            tokenizer.encode(batch, model.max_length),
            beam_size=max(self.num_beams, n),
            num_hypotheses=n,
            return_scores=True,
            length_penalty=0.0,  # raw sums: normalised below exactly as transformers does
            max_decoding_length=max_len,
            min_decoding_length=min(min_len, max_len),
            max_batch_size=self._texts_at_once(max(self.num_beams, n)),
        )
        grouped = []
        for result in results:
            candidates = []
            for hypothesis, total in zip(result.hypotheses, result.scores):
                # transformers divides the summed log-probability by the generated length, end token included
                ended = forced or len(hypothesis) < max_len
                text = tokenizer.decode(hypothesis)
                candidates.append(Candidate(text.strip(), float(total) / max(1, len(hypothesis) + (1 if ended else 0))))
            grouped.append(sorted(candidates, key=lambda c: c.score, reverse=True))
        return grouped

