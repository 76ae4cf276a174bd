"""The bench's two yardsticks, each run in its own child process, and the targets measured against them.

- **translation floor**: the optimised translator alone (CTranslate2), on exactly the units the
  optimised pipeline translated, with the same beam and n-best: no markup, tagging or rerank.
  What the whole pipeline may cost at most is a fraction above this.
- **naive batched**: plain transformers fp32 written as a competent user would
  (:mod:`mixlingo.adapters.naive_pipeline`), ``batch_size`` messages per call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mixlingo.bench.measure import Figures, ModelClock, measure, preload_directions

# (label, figure, reference, comparison, bound): ratio = optimised figure / reference figure
RATIO_TARGETS = [
    ("burst throughput / naive batched burst", "burst_msgs_per_s", "naive_batched", ">=", 5.0),
    ("burst throughput / translation floor burst", "burst_msgs_per_s", "floor", ">=", 0.75),
    ("p50 latency / translation floor single-message p50", "latency_p50_s", "floor", "<=", 1.3),
]
RSS_TARGET_MIB = 700.0
REPEAT_TARGET = 0.01
"""A cached repeat costs at most this share of a translated message's p50."""
MODEL_TIME_TARGET = 1.10
"""A burst's wall time is at most this multiple of the time a model call was running."""


def run_floor(overrides: dict[str, Any], units: list[list[tuple[str, str]]], burst: int, target: str, events) -> Figures:
    """The translator alone: one call per message (latency), then the burst's units in one call per direction."""
    from mixlingo.backends import load_translator
    from mixlingo.config import load_settings

    events.put(("phase", "translation floor: loading"))
    settings = load_settings(**overrides)
    notes: list[str] = []
    translator = load_translator(settings, notes)
    preload_directions(translator, settings)
    clock = ModelClock()
    clock.watch(translator, "translate", "translator")
    n = settings.n_best

    def translate(groups: list[list[tuple[str, str]]]) -> None:
        by_lang: dict[str, list[str]] = defaultdict(list)
        for message_units in groups:
            for lang, text in message_units:
                by_lang[lang].append(text)
        for lang, texts in by_lang.items():
            translator.translate(texts, lang, target, n)

    figures = measure("translation floor", units, lambda message_units: translate([message_units]), translate,
                      burst=burst, clock=clock, events=events).figures
    figures.variant = "floor"
    figures.backends = {"translator": type(translator).__name__, "threads": settings.threads or "one per core"}
    figures.notes = notes
    return figures


def run_naive_batched(overrides: dict[str, Any], texts: list[str], burst: int, target: str, events) -> Figures:
    """Plain transformers, ``batch_size`` messages per call; single messages as batches of one."""
    from mixlingo.adapters.bert_runtime import set_torch_threads
    from mixlingo.adapters.naive_pipeline import NaiveBatchedPipeline
    from mixlingo.config import load_settings

    events.put(("phase", "naive batched: loading models"))
    settings = load_settings(**overrides)
    set_torch_threads(settings.threads)
    models = {d: Path(p) for d, p in settings.models.translation.items() if d.endswith(f"-{target}")}
    pipeline = NaiveBatchedPipeline(
        models, Path(settings.models.mbert), num_beams=settings.num_beams, n_best=settings.n_best,
        new_tokens=settings.max_new_tokens, similarity_weight=settings.reranker.similarity_weight,
    )
    clock = ModelClock()
    pipeline.watch(clock)
    direction, size = next(iter(models)), settings.batch_size

    def run_burst(batch: list[str]) -> None:
        for start in range(0, len(batch), size):
            pipeline.run_batch(batch[start : start + size], direction)

    figures = measure("naive batched", texts, lambda text: pipeline.run_batch([text], direction), run_burst,
                      burst=burst, clock=clock, events=events).figures
    figures.variant = "naive_batched"
    figures.backends = {"all": "transformers fp32", "batch": size}
    return figures


REFERENCES: dict[str, Callable[..., Figures]] = {"floor": run_floor, "naive_batched": run_naive_batched}


def targets(results: dict[str, Figures]) -> list[dict[str, Any]]:
    """Every target of the optimised path, with its measured value and whether it is met."""
    fast = results["optimised"]
    out = []
    for label, key, reference, op, bound in RATIO_TARGETS:
        if reference not in results:
            continue
        base = getattr(results[reference], key)
        value = getattr(fast, key) / base if base else float("nan")
        out.append({"target": label, "value": value, "bound": f"{op} {bound:g}×",
                    "met": value >= bound if op == ">=" else value <= bound})
    out.append({"target": "peak RSS of the optimised path (MiB, both directions, tagger, reranker loaded)",
                "value": fast.peak_rss_mib, "bound": f"<= {RSS_TARGET_MIB:g} MiB", "met": fast.peak_rss_mib <= RSS_TARGET_MIB})
    repeat = (fast.repeat_p50_s or 0.0) / fast.latency_p50_s if fast.latency_p50_s else float("nan")
    out.append({"target": "cached repeat p50 / p50 latency", "value": repeat, "bound": f"<= {REPEAT_TARGET:g}×",
                "met": repeat <= REPEAT_TARGET})
    wall_over_model = fast.burst_wall_over_model
    if wall_over_model is not None:
        out.append({"target": "burst wall time / burst model time (optimised)", "value": wall_over_model,
                    "bound": f"<= {MODEL_TIME_TARGET:g}×", "met": wall_over_model <= MODEL_TIME_TARGET})
    return out
