"""Each speed lever's effect, measured in one run: the optimised path with one setting changed at a time.

    python scripts/bench_levers.py [--messages 3] [--burst 16]

Every configuration runs in its own child process (as ``mixlingo bench`` does), one after
the other, followed by the translation floor; compare the ratios, not absolute times.
"""

from __future__ import annotations

import argparse
import json
import os

from mixlingo.bench import BenchOptions, _in_child, messages_for, prepare_models, settings_for

FIGURES = ("latency_p50_s", "burst_msgs_per_s", "burst_model_s", "peak_rss_mib")
LEVERS = {
    "all levers (defaults)": {},
    "reranker on the last layer (rerank_layers=0)": {"rerank_layers": 0},
    "no skip margin (rerank_skip_margin=0)": {"rerank_skip_margin": 0.0},
    "model calls unlimited (model_calls_at_once=0)": {"model_calls_at_once": 0},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3)
    parser.add_argument("--burst", type=int, default=16)
    parser.add_argument("--only", nargs="*", default=None, help="lever names to run (default: all)")
    args = parser.parse_args()
    options = BenchOptions(messages=args.messages, burst=args.burst)
    marian, bert = prepare_models(options, print)
    texts = messages_for(options.messages)
    rows, results = {}, {}
    for name, change in LEVERS.items():
        if args.only and not any(o in name for o in args.only):
            continue
        results.clear()
        _in_child("optimised", {**settings_for("optimised", options, marian, bert), **change}, texts, options.burst,
                  options.target, lambda *_: None, results)
        rows[name] = results["optimised"]
        units = rows[name].units
        print(name, {k: round(getattr(rows[name], k), 3) for k in FIGURES}, "load", round(os.getloadavg()[0], 2), flush=True)
    results.clear()
    _in_child("floor", settings_for("optimised", options, marian, bert), units, options.burst, options.target,
              lambda *_: None, results)
    floor = results["floor"]
    print("floor", {k: round(getattr(floor, k), 3) for k in FIGURES}, "load", round(os.getloadavg()[0], 2), flush=True)
    out = {name: {"burst_vs_floor": r.burst_msgs_per_s / floor.burst_msgs_per_s,
                  "p50_vs_floor": r.latency_p50_s / floor.latency_p50_s, "peak_rss_mib": r.peak_rss_mib,
                  "burst_wall_over_model": r.burst_wall_over_model, "burst_calls": r.burst_calls}
           for name, r in rows.items()}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
