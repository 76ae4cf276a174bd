"""The bench's yardsticks: targets are judged right, the naive batched reference runs, both directions are real models."""

from __future__ import annotations

from pathlib import Path

from mixlingo.bench.run import translation_models
from mixlingo.bench.measure import Figures
from mixlingo.bench.references import targets


def run(p50: float, burst: float, rss: float = 500.0, repeat: float = 0.0, model_s: float | None = None) -> Figures:
    return Figures("run", p50, p50, p50, None, {}, 16, 16, 16 / burst, burst, model_s, {}, rss, repeat_p50_s=repeat)


def test_targets_compare_the_optimised_path_with_each_reference() -> None:
    results = {"optimised": run(0.5, 8.0, rss=650, repeat=0.0001), "floor": run(0.4, 10.0), "naive_batched": run(3.0, 1.5)}
    rows = {r["target"].split(" (")[0]: r for r in targets(results)}
    assert rows["burst throughput / naive batched burst"]["value"] == 8.0 / 1.5
    assert rows["burst throughput / naive batched burst"]["met"]
    assert rows["burst throughput / translation floor burst"]["value"] == 0.8 and rows["burst throughput / translation floor burst"]["met"]
    assert rows["p50 latency / translation floor single-message p50"]["value"] == 0.5 / 0.4
    assert rows["p50 latency / translation floor single-message p50"]["met"]
    assert rows["peak RSS of the optimised path"]["met"] and rows["cached repeat p50 / p50 latency"]["met"]
    slow = {"optimised": run(0.6, 7.0, rss=900, repeat=0.1), "floor": run(0.4, 10.0), "naive_batched": run(3.0, 1.5)}
    assert [r["met"] for r in targets(slow)] == [False, False, False, False, False]
    assert "burst wall time / burst model time (optimised)" not in rows  # no model clock, no such target
    timed = {"optimised": run(0.5, 8.0, model_s=1.8), "floor": run(0.4, 10.0)}
    row = targets(timed)[-1]
    assert row["target"] == "burst wall time / burst model time (optimised)" and row["value"] == 2.0 / 1.8
    assert not row["met"]  # 1.11× > 1.10×


def test_both_directions_are_separate_model_directories(tiny_marian_dir: Path, tmp_path: Path) -> None:
    marian = tmp_path / "opus"
    marian.mkdir()
    for file in tiny_marian_dir.iterdir():
        if file.is_file():
            (marian / file.name).write_bytes(file.read_bytes())
    models = translation_models(marian)
    assert models["es-en"] == str(marian) and models["en-es"] != str(marian)
    assert (Path(models["en-es"]) / "config.json").is_file()
    assert translation_models(marian) == models  # made once, reused


def test_the_naive_batched_reference_translates_a_batch(tiny_marian_dir: Path, tiny_bert_dir: Path) -> None:
    from mixlingo.adapters.naive_pipeline import NaiveBatchedPipeline

    pipeline = NaiveBatchedPipeline({"es-en": tiny_marian_dir}, tiny_bert_dir, num_beams=4, n_best=4, new_tokens=4)
    out = pipeline.run_batch(["la casa es grande", "el perro", "hola"])
    assert len(out) == 3 and all(isinstance(text, str) and text for text in out)


def test_a_bench_run_reports_time_per_stage_from_the_pipeline_hooks(tiny_models_env: None) -> None:
    import queue

    from mixlingo.bench.run import run_variant

    texts = ["la casa es grande", "oye, el reporte mañana", "the meeting y la reunión"]
    result = run_variant("optimised", {"tagger": "embedded"}, texts, 2, "en", queue.Queue())
    assert result is not None
    timing = result.stage_mean_s
    assert list(timing) == ["markup", "tokenize", "pair", "tag", "plan", "translate", "rerank", "assemble"]
    assert all(seconds >= 0 for seconds in timing.values()) and timing["translate"] > 0
    assert sum(timing.values()) <= result.latency_mean_s  # the stages are inside each message's time
    assert result.backends["translator"].startswith("CTranslate2")
    # the embedded tagger is no micro-batched model; the translator and the encoder are clocked at their batchers
    assert result.latency_calls["translator"]["calls"] >= len(texts) and result.burst_calls["translator"]["calls"] >= 1
    assert sum(result.burst_calls["tagger"]["batch_sizes"]) == 2  # the burst's two messages, however they were gathered
    assert result.latency_model_s is not None and 0 < result.latency_model_s <= result.latency_mean_s
    assert result.burst_model_s is not None and 0 < result.burst_model_s <= result.burst_s
    assert len(result.units) == len(texts) and len(result.outputs) == len(texts)
