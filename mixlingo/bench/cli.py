"""CLI commands for speed: ``mixlingo bench`` and ``mixlingo models convert`` (registered by mixlingo/cli/__init__.py)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from mixlingo.config import load_settings

from mixlingo.cli.app import app, models_app
from mixlingo.cli.support import console, errors
from mixlingo.core.notes import print_notes


@app.command("bench")
def bench(
    messages: Annotated[int, typer.Option("--messages", help="Messages translated one at a time (latency).")] = 20,
    burst: Annotated[int, typer.Option("--burst", help="Messages sent at once (throughput).")] = 16,
    new_tokens: Annotated[int, typer.Option("--new-tokens", help="Fixed generated length per sentence; 0: let the model stop.")] = 20,
    marian_dir: Annotated[Optional[Path], typer.Option("--marian-dir", help="A real Marian model dir instead of the random one.")] = None,
    bert_dir: Annotated[Optional[Path], typer.Option("--bert-dir", help="A real BERT token-classifier dir (tagger and reranker).")] = None,
    label_map: Annotated[Optional[str], typer.Option("--label-map", help="The tagger's labels → codes, e.g. lang1=en,lang2=es.")] = None,
    threads: Annotated[int, typer.Option("--threads", help="Threads per model call; 0: one per core.")] = 0,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Where random models and conversions are kept.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    baseline: Annotated[bool, typer.Option("--baseline/--no-baseline", help="Also run the slow one-at-a-time baseline.")] = True,
) -> None:
    """Compare the naive transformers pipeline with the optimised one on the same chat messages."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from mixlingo.bench.run import BenchOptions, run_bench

    options = BenchOptions(messages=messages, burst=burst, new_tokens=new_tokens, threads=threads,
                           marian_dir=marian_dir, bert_dir=bert_dir, baseline=baseline)
    if label_map:
        options.label_map = dict(load_settings(mbert_label_map=label_map).models.mbert_label_map)
    if cache_dir:
        options.cache_dir = cache_dir
    options.check()
    total = (4 if baseline else 3) * (2 + messages + burst)  # baseline, optimised, translation floor, naive batched
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=errors, transient=True) as progress:
        task = progress.add_task("starting", total=total)

        def report(kind: str, value: Any) -> None:
            if kind == "phase":
                progress.update(task, description=str(value))
            else:
                progress.advance(task, value)

        result = run_bench(options, report)
    if as_json:
        typer.echo(json.dumps(result, indent=2, default=str))
        return
    show(result)


def show(result: dict[str, Any]) -> None:
    base, fast, ratio = result["baseline"], result["optimised"], result["ratios_optimised_over_baseline"]
    table = Table(title="mixlingo bench: naive transformers fp32, one at a time (baseline) vs optimised")
    for column, justify in (("", "left"), ("baseline", "right"), ("optimised", "right"), ("optimised / baseline", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    rows = [
        ("latency p50 per message", "latency_p50_s", _ms),
        ("latency p95 per message", "latency_p95_s", _ms),
        (f"burst of {fast['burst']}: messages/s", "burst_msgs_per_s", lambda v: f"{v:.2f}"),
        ("repeat (cached) p50", "repeat_p50_s", _ms),
        ("peak RSS", "peak_rss_mib", lambda v: f"{v:,.0f} MiB"),
    ]
    for label, key, fmt in rows:
        table.add_row(label, _or_dash(fmt, base[key]), fmt(fast[key]), _ratio(ratio[key]))
    console.print(table)
    show_references(result)
    agreement = result["agreement"]
    near_ties = agreement["messages"] - agreement["decisive_messages"]
    if agreement["messages"]:  # not with --no-baseline
        console.print(
            f"same final translation: {agreement['same_final_translation']}/{agreement['decisive_messages']} messages "
            f"whose baseline choice is decisive (final score leads by > {agreement['decisive_lead']}); "
            f"{near_ties} near-tied message{'s' if near_ties != 1 else ''} not compared (rounding decides them)",
            highlight=False,
        )
    for name, run in (("baseline", base), ("optimised", fast)):
        if not isinstance(run.get("backends"), dict):
            continue  # --no-baseline
        parts = ", ".join(f"{k} {v}" for k, v in run["backends"].items())
        console.print(f"{name}: {parts}; burst workers {run['burst_workers']}; load+warm-up {run['load_s']:.1f} s", highlight=False)
        print_notes(run["notes"], source=name)
    m = result["machine"]
    load = m.get("load_average_before_after") or [None, None]
    console.print(
        f"machine: {m['cpu']} ({', '.join(m.get('isa') or []) or 'no avx2'}), {m['cores']} cores, GPU: {m['gpu'] or 'none'}; "
        f"load average before/after: {load[0]} / {load[1]}; "
        + ", ".join(f"{k} {v}" for k, v in (m.get("versions") or {}).items()),
        highlight=False,
    )


def show_references(result: dict[str, Any]) -> None:
    """The two yardsticks beside the optimised path, then every target with its measured value."""
    table = Table(title="references (same messages, same run)")
    for column in ("", "naive batched", "translation floor", "optimised"):
        table.add_column(column, justify="left" if not column else "right")
    refs = [result.get("naive_batched"), result.get("floor"), result["optimised"]]
    for label, key, fmt in (("latency p50 per message", "latency_p50_s", _ms),
                            (f"burst of {result['optimised']['burst']}: messages/s", "burst_msgs_per_s", lambda v: f"{v:.2f}"),
                            ("peak RSS", "peak_rss_mib", lambda v: f"{v:,.0f} MiB")):
        table.add_row(label, *(fmt(r[key]) if r else "—" for r in refs))
    console.print(table)
    targets = Table(title="targets")
    for column in ("target", "measured", "bound", ""):
        targets.add_column(column, justify="left" if column in ("target", "") else "right")
    for row in result.get("targets", []):
        value = f"{row['value']:,.0f}" if "MiB" in row["bound"] else f"{row['value']:.3f}×"
        targets.add_row(row["target"], value, row["bound"], "[green]pass[/]" if row["met"] else "[red]FAIL[/]")
    console.print(targets)
    timing = result["optimised"].get("stage_mean_s") or {}
    if timing:
        from mixlingo.render import stage_times

        console.print(f"optimised time per stage, one message at a time (mean): {stage_times(timing.items())}",
                      highlight=False)
    for name in ("optimised", "floor", "naive_batched", "baseline"):
        line = model_time_line(result.get(name) or {})
        if line:
            console.print(f"{name}: {line}", highlight=False)
    stages = result["optimised"].get("rss_by_stage_mib") or {}
    if stages:
        console.print("optimised RSS by stage: " + ", ".join(f"{k} {v:,.0f} MiB" for k, v in stages.items()), highlight=False)


def model_time_line(run: dict[str, Any]) -> str:
    """Wall time over model time (the time a model call ran), for the burst and one message, and the calls per model."""
    model_s = run.get("burst_model_s")
    if not isinstance(model_s, (int, float)) or math.isnan(model_s) or not model_s or not isinstance(run.get("burst_calls"), dict):
        return ""  # no model clock, or the --no-baseline row of NaNs
    calls = "; ".join(f"{model} {c['calls']} call{'s' if c['calls'] != 1 else ''} ({', '.join(map(str, c['batch_sizes']))})"
                      + (f" {_ms(c['seconds'])}" if "seconds" in c else "")
                      for model, c in run.get("burst_calls", {}).items())
    single = ""
    if run.get("latency_model_s"):
        single = (f"; one message: wall {_ms(run['latency_mean_s'])} / model {_ms(run['latency_model_s'])} = "
                  f"{run['latency_mean_s'] / run['latency_model_s']:.2f}× (mean)")
    return (f"burst wall {_ms(run['burst_s'])} / model {_ms(run['burst_model_s'])} = "
            f"{run['burst_s'] / run['burst_model_s']:.2f}×{single}; burst calls (batch sizes): {calls}")


def _or_dash(fmt, value: float) -> str:
    return "—" if isinstance(value, float) and math.isnan(value) else fmt(value)


def _ms(value: float) -> str:
    return f"{value * 1000:,.1f} ms" if value < 1 else f"{value:,.2f} s"


def _ratio(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.2f}×"


@models_app.command("convert")
def convert() -> None:
    """Convert the configured models for the fast backends (CTranslate2 int8, ONNX int8); cached, reused on start."""
    from mixlingo.adapters.bert_runtime import Head, OnnxRunner, load_runner, split_runner
    from mixlingo.adapters.ct2_translator import convert_marian, ctranslate2_available
    from mixlingo.adapters.hub import resolve_model_dir
    from mixlingo.backends import optimized_dir, runtime_kwargs

    settings = load_settings()
    for direction, model_id in settings.models.translation.items():
        if not ctranslate2_available():
            print_notes(["CTranslate2 is not installed; translation models stay on transformers"])
            break
        source = resolve_model_dir(model_id, cache_dir=settings.models.cache_dir, offline=settings.models.hub_offline)
        path = convert_marian(source, optimized_dir(settings))
        console.print(f"[green]ok[/] {direction} {model_id} → {path}", highlight=False)

    tagger_runner = None
    models: tuple[tuple[str, str, Head, int | None], ...] = (
        ("tagger", settings.models.mbert, "tokens", None), ("reranker", settings.reranker.model, "base", settings.reranker.layers or None),
    )
    for role, model_id, head, layers in models:
        notes: list[str] = []
        kwargs = runtime_kwargs(settings)
        if role == "reranker" and model_id == settings.models.mbert and layers and isinstance(tagger_runner, OnnxRunner):
            split = split_runner(tagger_runner, layers)  # the reranker runs the tagger's graph, cut at its layer
            if split is not None:
                console.print(f"[green]ok[/] {role} {model_id} → the tagger's graph cut after layer {layers} "
                              f"({split.front.path})", highlight=False)
                continue
        _, runner = load_runner(model_id, head, cache_dir=settings.models.cache_dir, offline=settings.models.hub_offline,
                                notes=notes, layers=layers, **kwargs)
        tagger_runner = runner if role == "tagger" else tagger_runner
        print_notes(notes)
        where = getattr(runner, "path", None)
        console.print(f"[green]ok[/] {role} {model_id} → {runner.name}{f' ({where})' if where else ''}", highlight=False)
