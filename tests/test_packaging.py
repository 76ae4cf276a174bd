"""The installed package keeps its subpackages under `mixlingo` (no top-level `config`/`nlp`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_subpackages_import_under_mixlingo_only(tmp_path: Path) -> None:
    code = (
        "import importlib.util as u, mixlingo.config, mixlingo.nlp, mixlingo.adapters, mixlingo.bot;"
        "print([n for n in ('config', 'nlp', 'adapters', 'bot') if u.find_spec(n)])"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "mixlingo"
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("mixlingo ")
