"""Each speed and memory lever's effect, measured in one run: the optimised path with one lever off at a time.

    python scripts/bench_levers.py [--messages 3] [--burst 16] [--only spin trim]

Every configuration runs in its own child process (as ``mixlingo bench`` does), one after
the other, followed by the translation floor; compare the ratios, not absolute times. Levers
without a setting are turned off for one child through ``levers_off`` (:mod:`mixlingo.adapters.levers`);
each configuration's one-off conversions run first in a child of their own, not measured.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from mixlingo.adapters.levers import Lever
from mixlingo.bench.run import BenchOptions, _in_child, messages_for, prepare_models, settings_for
from mixlingo.bench.measure import Figures

FIGURES = ("latency_p50_s", "burst_msgs_per_s", "burst_s", "burst_model_s", "peak_rss_mib")
SECOND_COPY = object()
"""Stands for: the reranker loads its own copy of the model (a linked directory, so not the tagger's)."""
LEVERS: dict[str, tuple[dict[str, Any], frozenset[Lever]]] = {
    "all levers (defaults)": ({}, frozenset()),
    "ORT threads spin (ORT's default)": ({}, frozenset({"spin"})),
    "no heap trim after loads": ({}, frozenset({"trim"})),
    "no source vectors from the tagger's forward": ({}, frozenset({"sources"})),
    "reranker a second model copy (tagger graph not cut)": ({"reranker_model": SECOND_COPY}, frozenset()),
    "second copy, word tables inside both graphs": ({"reranker_model": SECOND_COPY}, frozenset({"words"})),
    "reranker on the last layer (rerank_layers=0)": ({"rerank_layers": 0}, frozenset()),
    "no skip margin (rerank_skip_margin=0)": ({"rerank_skip_margin": 0.0}, frozenset()),
    "model calls unlimited (model_calls_at_once=0)": ({"model_calls_at_once": 0}, frozenset()),
}


def second_copy(bert: Path) -> str:
    """The same weights under another directory (links), so the reranker is not the tagger's model."""
    other = bert.parent / f"{bert.name}-reranker"
    other.mkdir(exist_ok=True)
    for file in bert.iterdir():
        if file.is_file() and not (other / file.name).exists():
            (other / file.name).symlink_to(file.resolve())
    return str(other)


def in_child(variant: str, settings: dict[str, Any], levers_off: frozenset[Lever], texts: list[Any], burst: int,
             target: str) -> Figures | None:
    results: dict[str, Figures | None] = {}
    _in_child(variant, settings, texts, burst, target, lambda *_: None, results, levers_off)
    return results[variant]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3)
    parser.add_argument("--burst", type=int, default=16)
    parser.add_argument("--only", nargs="*", default=None, help="words of the lever names to run (default: all)")
    args = parser.parse_args()
    options = BenchOptions(messages=args.messages, burst=args.burst)
    marian, bert = prepare_models(options, print)
    texts = messages_for(options.messages)
    rows: dict[str, Figures] = {}
    units: list[Any] = []
    for name, (change, levers_off) in LEVERS.items():
        if args.only and name != "all levers (defaults)" and not any(o in name for o in args.only):
            continue
        change = {k: second_copy(bert) if v is SECOND_COPY else v for k, v in change.items()}
        settings = {**settings_for("optimised", options, marian, bert), **change}
        in_child("convert", settings, levers_off, texts[:1], 1, options.target)  # one-off conversions, not measured
        figures = in_child("optimised", settings, levers_off, texts, options.burst, options.target)
        assert figures is not None
        rows[name] = figures
        units = units or figures.units
        print(name, {k: round(getattr(figures, k) or 0.0, 3) for k in FIGURES}, "load", round(os.getloadavg()[0], 2),
              flush=True)
    floor = in_child("floor", settings_for("optimised", options, marian, bert), frozenset(), units, options.burst, options.target)
    assert floor is not None
    print("floor", {k: round(getattr(floor, k) or 0.0, 3) for k in FIGURES}, "load", round(os.getloadavg()[0], 2), flush=True)
    out = {name: {"burst_vs_floor": r.burst_msgs_per_s / floor.burst_msgs_per_s,
                  "p50_vs_floor": r.latency_p50_s / floor.latency_p50_s, "peak_rss_mib": r.peak_rss_mib,
                  "burst_wall_over_model": r.burst_wall_over_model,
                  "stage_mean_ms": {k: round(v * 1000, 1) for k, v in r.stage_mean_s.items()},
                  "rss_by_stage_mib": {k: round(v) for k, v in r.rss_by_stage_mib.items()},
                  "burst_calls": r.burst_calls}
           for name, r in rows.items()}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
