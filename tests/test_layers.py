"""The architecture's import rules, read from the source: each layer imports only what it may.

- ``bot/`` turns Slack events into pipeline calls; the composition root (``mixlingo/``) builds
  what it runs and passes it in, so ``bot/`` never imports the root's modules.
- ``adapters/`` are the only code that imports a model runtime.
- ``bot/`` is the only code that imports slack-bolt / slack-sdk.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNTIMES = ("torch", "transformers", "ctranslate2", "onnxruntime")
COMPOSITION_ROOT = {p.stem for p in (ROOT / "mixlingo").glob("*.py")} - {"__init__", "__main__", "errors"}


def _imports(folder: str) -> list[tuple[str, str]]:
    """(file, imported module) for every import in ``folder``, lazy ones inside functions included."""
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((str(path.relative_to(ROOT)), node.module))
                if node.module == "mixlingo":
                    found += [(str(path.relative_to(ROOT)), f"mixlingo.{alias.name}") for alias in node.names]
    return found


def test_the_bot_never_imports_the_composition_root() -> None:
    assert COMPOSITION_ROOT >= {"factory", "backends", "render", "serve", "cli"}
    wrong = [(f, m) for f, m in _imports("bot") if m.split(".")[:2][-1] in COMPOSITION_ROOT and m.startswith("mixlingo.")]
    assert wrong == []


@pytest.mark.parametrize("folder", ["nlp", "config", "bot", "mixlingo"])
def test_only_adapters_import_a_model_runtime(folder: str) -> None:
    wrong = [(f, m) for f, m in _imports(folder) if m.split(".")[0] in RUNTIMES]
    assert wrong == []


@pytest.mark.parametrize("folder", ["nlp", "config", "adapters", "mixlingo"])
def test_only_the_bot_imports_slack(folder: str) -> None:
    wrong = [(f, m) for f, m in _imports(folder) if m.split(".")[0] in ("slack_bolt", "slack_sdk")]
    assert wrong == []
