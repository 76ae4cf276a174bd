"""The bench's two yardsticks, each run in its own child process, and the targets measured against them.

- **translation floor**: the optimised translator alone (CTranslate2), on exactly the units the
  optimised pipeline translated, with the same beam and n-best: no markup, tagging or rerank.
  What the whole pipeline may cost at most is a fraction above this.
- **naive batched**: plain transformers fp32 written as a competent user would
  (:mod:`mixlingo.adapters.naive_pipeline`), ``batch_size`` messages per call.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

# (label, figure, reference, comparison, bound): ratio = optimised figure / reference figure
RATIO_TARGETS = [
    ("burst throughput / naive batched burst", "burst_msgs_per_s", "naive_batched", ">=", 5.0),
    ("burst throughput / translation floor burst", "burst_msgs_per_s", "floor", ">=", 0.75),
    ("p50 latency / translation floor single-message p50", "latency_p50_s", "floor", "<=", 1.3),
]
RSS_TARGET_MIB = 700.0
REPEAT_TARGET = 0.01
"""A cached repeat costs at most this share of a translated message's p50."""


def timing_figures(latencies: list[float], burst: int, burst_s: float) -> dict[str, Any]:
    """The figures every reference reports: latency percentiles, burst throughput and peak RSS."""
    from mixlingo.bench import _percentile, peak_rss_mib

    return {
        "latency_p50_s": _percentile(latencies, 50),
        "latency_p95_s": _percentile(latencies, 95),
        "latency_mean_s": statistics.fmean(latencies),
        "burst": burst,
        "burst_s": burst_s,
        "burst_msgs_per_s": burst / burst_s,
        "peak_rss_mib": peak_rss_mib(),
    }


def run_floor(overrides: dict[str, Any], units: list[list[tuple[str, str]]], burst: int, target: str, events) -> dict[str, Any]:  # noqa: ANN001
    """The translator alone: one call per message (latency), then the burst's units in one call per direction."""
    from mixlingo.backends import load_translator
    from mixlingo.bench import preload_directions
    from mixlingo.config import load_settings

    events.put(("phase", "translation floor: loading"))
    settings = load_settings(**overrides)
    notes: list[str] = []
    translator = load_translator(settings, notes)
    preload_directions(translator, settings)
    n = settings.n_best

    def translate(groups: list[list[tuple[str, str]]]) -> None:
        by_lang: dict[str, list[str]] = defaultdict(list)
        for message_units in groups:
            for lang, text in message_units:
                by_lang[lang].append(text)
        for lang, texts in by_lang.items():
            translator.translate(texts, lang, target, n)

    for message_units in units[:2]:
        translate([message_units])
    events.put(("advance", 2))
    events.put(("phase", "translation floor: one message at a time"))
    latencies = []
    for message_units in units:
        t0 = time.perf_counter()
        translate([message_units])
        latencies.append(time.perf_counter() - t0)
        events.put(("advance", 1))
    events.put(("phase", f"translation floor: burst of {burst}"))
    burst_units = [units[i % len(units)] for i in range(burst)]
    t0 = time.perf_counter()
    translate(burst_units)
    burst_s = time.perf_counter() - t0
    events.put(("advance", burst))
    return {
        "variant": "floor",
        "backends": {"translator": type(translator).__name__, "threads": settings.threads or "one per core"},
        **timing_figures(latencies, burst, burst_s),
        "notes": notes,
    }


def run_naive_batched(overrides: dict[str, Any], texts: list[str], burst: int, target: str, events) -> dict[str, Any]:  # noqa: ANN001
    """Plain transformers, ``batch_size`` messages per call; single messages as batches of one."""
    from mixlingo.adapters.bert_runtime import set_torch_threads
    from mixlingo.adapters.naive_pipeline import NaiveBatchedPipeline
    from mixlingo.config import load_settings

    events.put(("phase", "naive batched: loading models"))
    settings = load_settings(**overrides)
    set_torch_threads(settings.threads)
    models = {d: Path(p) for d, p in settings.translation_models.items() if d.endswith(f"-{target}")}
    pipeline = NaiveBatchedPipeline(
        models, Path(settings.mbert_model), num_beams=settings.num_beams, n_best=settings.n_best,
        new_tokens=settings.max_new_tokens, similarity_weight=settings.rerank_similarity_weight,
    )
    direction = next(iter(models))
    pipeline.run_batch(texts[:2], direction)
    events.put(("advance", 2))
    events.put(("phase", "naive batched: one message at a time"))
    latencies = []
    for text in texts:
        t0 = time.perf_counter()
        pipeline.run_batch([text], direction)
        latencies.append(time.perf_counter() - t0)
        events.put(("advance", 1))
    size = settings.batch_size
    events.put(("phase", f"naive batched: burst of {burst} ({size} per batch)"))
    burst_texts = [texts[i % len(texts)] for i in range(burst)]
    t0 = time.perf_counter()
    for start in range(0, burst, size):
        pipeline.run_batch(burst_texts[start : start + size], direction)
    burst_s = time.perf_counter() - t0
    events.put(("advance", burst))
    return {
        "variant": "naive_batched",
        "backends": {"all": "transformers fp32", "batch": size},
        **timing_figures(latencies, burst, burst_s),
        "notes": [],
    }


REFERENCES = {"floor": run_floor, "naive_batched": run_naive_batched}


def targets(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every target of the optimised path, with its measured value and whether it is met."""
    fast = results["optimised"]
    out = []
    for label, key, reference, op, bound in RATIO_TARGETS:
        if reference not in results:
            continue
        base = results[reference][key]
        value = fast[key] / base if base else float("nan")
        out.append({"target": label, "value": value, "bound": f"{op} {bound:g}×",
                    "met": value >= bound if op == ">=" else value <= bound})
    out.append({"target": "peak RSS of the optimised path (MiB, both directions, tagger, reranker loaded)",
                "value": fast["peak_rss_mib"], "bound": f"<= {RSS_TARGET_MIB:g} MiB", "met": fast["peak_rss_mib"] <= RSS_TARGET_MIB})
    repeat = fast["repeat_p50_s"] / fast["latency_p50_s"] if fast["latency_p50_s"] else float("nan")
    out.append({"target": "cached repeat p50 / p50 latency", "value": repeat, "bound": f"<= {REPEAT_TARGET:g}×",
                "met": repeat <= REPEAT_TARGET})
    return out
