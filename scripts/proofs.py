"""``make proofs``: the scale-out proofs at full size, then one table of the figures they measured.

Runs the same tests as every CI run (tests/test_security.py, test_fuzz_pipeline.py,
test_scaleout.py) with PROOFS=full: 1,000 bad requests, 160 genuine requests
resent with retry headers added, 300 slow or vanishing clients, 10,000 fuzzed messages,
a 500-job burst with a worker killed in the middle, Slack 429/500 for 10 s, the
database gone for 8 s, and 200 signed events/s for 30 s — all on 127.0.0.1,
bounded in count and time. Needs PostgreSQL and Redis (as `make test` does).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/test_security.py", "tests/test_fuzz_pipeline.py", "tests/test_scaleout.py"]
ROWS = [  # (proof, figures shown, what must hold)
    ("security", ["requests", "forged", "tampered", "stale", "future", "future_skew", "replayed", "replayed_headers", "unsigned", "accepted", "jobs_started", "slack_calls"], "accepted = 0"),
    ("replay_headers", ["requests", "command", "shortcut", "button", "event", "accepted", "jobs_started", "slack_calls"], "accepted = 0"),
    ("slow_clients", ["connections", "slow_headers", "slow_bodies", "cut_short", "timeout_s", "held_max_s", "still_held_at_60s", "accepted", "ack_failed"], "accepted = 0, none held"),
    ("fuzz", ["messages", "translated", "protected_pieces", "long_pieces", "crashes", "pieces_altered", "seconds"], "0 crashes, 0 altered"),
    ("load", ["requests", "rate_per_s", "seconds", "acked", "errors", "resent", "acked_after_resend", "ack_p50_ms", "ack_p99_ms", "ack_max_ms", "jobs_run", "posted_twice"],
     "all acked after Slack's resends, each posted once; p99 < 1 s (bound), ≤ 50 ms (target)"),
    ("kill_worker", ["jobs", "acked", "posted_before_kill", "posted", "lost", "posted_twice", "taken_over", "all_done_s"], "0 lost, 0 twice"),
    ("lost_by_broker", ["jobs", "posted", "posted_twice", "all_posted_s"], "all once"),
    ("slack_faults", ["jobs", "fault_window_s", "faults_served", "posted", "posted_twice", "failed_jobs", "all_posted_s"], "all once"),
    ("database_outage", ["jobs", "outage_s", "acked", "posted_during_outage", "retries_logged", "posted", "posted_twice", "failed_jobs", "all_posted_after_s"], "all once, after"),
    ("hostile_output", ["messages", "translated", "model_outputs", "pieces_altered", "new_pings", "notes_unformatted", "seconds"], "0 altered, 0 new pings"),
]


def main() -> int:
    out = Path(os.environ.get("PROOFS_OUT") or tempfile.mkdtemp(prefix="mixlingo-proofs-"))
    env = {**os.environ, "PROOFS": os.environ.get("PROOFS", "full"), "PROOFS_OUT": str(out)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS], cwd=ROOT, env=env)
    print("\nmixlingo proofs" + ("" if env["PROOFS"] == "full" else " (reduced size)") + f" — figures in {out}\n")
    print("| proof | figures | must hold |\n| --- | --- | --- |")
    for name, keys, rule in ROWS:
        path = out / f"{name}.json"
        if not path.exists():
            print(f"| {name} | (did not run) | {rule} |")
            continue
        data = json.loads(path.read_text())
        print(f"| {name} | " + ", ".join(f"{k} {data[k]}" for k in keys if k in data) + f" | {rule} |")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
