"""Sizes and figures for the proofs: small in the normal suite, full under ``make proofs`` (PROOFS=full).

Each proof test records its figures; with PROOFS_OUT set they are written there
as JSON, and ``scripts/proofs.py`` prints them as one table.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

FULL = os.environ.get("PROOFS") == "full"


def size(normal: Any, full: Any) -> Any:
    return full if FULL else normal


def record(name: str, **figures: Any) -> None:
    print(f"\nproof {name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    out = os.environ.get("PROOFS_OUT")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / f"{name}.json").write_text(json.dumps({"name": name, "full": FULL, **figures}, indent=1))
