"""The architecture's import rules, read from the source: each folder imports only the folders below it.

The layers (docs/architecture.md, *Layers*), each allowed to import the ones listed:

- ``core/`` (``errors``, ``Note``): nothing of mixlingo; every folder may import it;
- ``nlp/``: ``core/``;
- ``config/`` and ``adapters/``: ``nlp/`` and ``core/`` (an adapter takes arguments, not settings);
- ``bot/``: ``config/``, ``nlp/`` and ``core/``; the composition root builds what it runs and passes it in,
  so ``bot/`` imports neither the root's modules nor an adapter;
- the root (``mixlingo/``: the composition root, the library surface, the CLI, the bench): everything.

Every ordered pair of folders is checked, imports inside functions included, and no module imports itself
back through others. Besides: only ``adapters/`` import a model runtime, only ``bot/`` imports slack-bolt.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from itertools import permutations
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNTIMES = ("torch", "transformers", "ctranslate2", "onnxruntime")
FOLDERS = {"core": "core", "nlp": "nlp", "adapters": "adapters", "config": "config", "bot": "bot"}
"""Layer → the repository folder installed as ``mixlingo.<layer>``."""
ALLOWED = {
    "core": set(),
    "nlp": {"core"},
    "config": {"nlp", "core"},
    "adapters": {"nlp", "core"},
    "bot": {"config", "nlp", "core"},
    "root": {"bot", "adapters", "config", "nlp", "core"},
}
LAYERS = tuple(ALLOWED)


def _module_of(path: Path) -> str:
    """``mixlingo.bot.jobs.queue`` for ``bot/jobs/queue.py`` (as installed), ``mixlingo.cli`` for ``mixlingo/cli/__init__.py``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] != "mixlingo":
        parts.insert(0, "mixlingo")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    """Every module of the package, by its installed name (the bundled data aside)."""
    paths = [p for folder in ("mixlingo", *FOLDERS.values()) for p in (ROOT / folder).rglob("*.py")]
    return {_module_of(p): p for p in paths if "data" not in p.relative_to(ROOT).parts}


MODULES = _sources()


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in FOLDERS:
        return parts[1]
    return "root"


def _imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, inside functions and ``TYPE_CHECKING`` blocks too; ``from pkg import sub``
    names the submodule ``sub`` when there is one."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            subs = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
            yield from subs if len(subs) == len(node.names) else [base, *subs]


def _own(name: str) -> str | None:
    """The package module ``name`` is or lies in (``mixlingo.core.errors.ConfigError`` → ``mixlingo.core.errors``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


GRAPH = {module: {own for name in _imports(path) if (own := _own(name)) and own != module} for module, path in MODULES.items()}


def test_the_layers_cover_every_module() -> None:
    assert {_layer(m) for m in MODULES} == set(LAYERS)
    assert len(MODULES) > 150 and {"mixlingo.core.errors", "mixlingo.core.notes"} <= set(MODULES)


@pytest.mark.parametrize(("importer", "imported"), list(permutations(LAYERS, 2)))
def test_each_folder_imports_only_the_layers_below_it(importer: str, imported: str) -> None:
    found = sorted(f"{m} imports {d}" for m, deps in GRAPH.items() if _layer(m) == importer for d in deps if _layer(d) == imported)
    if imported in ALLOWED[importer]:
        assert found, f"{importer} may import {imported} but does not: drop the rule, or the docs are out of date"
    else:
        assert found == [], f"{importer} must not import {imported} (docs/architecture.md, Layers)"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another round in a circle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for dep in sorted(graph.get(module, ())):
            if dep not in index:
                visit(dep)
                low[module] = min(low[module], low[dep])
            elif dep in stack:
                low[module] = min(low[module], index[dep])
        if low[module] == index[module]:
            component = [stack.pop()]
            while component[-1] != module:
                component.append(stack.pop())
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_cycles() -> None:
    assert _cycles(GRAPH) == []


def test_the_checks_see_imports_inside_functions_and_cycles_through_them() -> None:
    assert "mixlingo.adapters.mbert_tagger" in GRAPH["mixlingo.factory"]  # imported inside load_mbert only
    journal_read_the_queue = {**GRAPH, "mixlingo.bot.jobs.journal": GRAPH["mixlingo.bot.jobs.journal"] | {"mixlingo.bot.jobs.queue"}}
    assert _cycles(journal_read_the_queue) == [["mixlingo.bot.jobs.journal", "mixlingo.bot.jobs.queue"]]


def test_the_bot_never_imports_the_composition_root() -> None:
    wrong = [(m, d) for m, deps in GRAPH.items() if _layer(m) == "bot" for d in deps if _layer(d) == "root"]
    assert wrong == [] and {"mixlingo.factory", "mixlingo.backends"} <= set(MODULES)


@pytest.mark.parametrize("layer", [layer for layer in LAYERS if layer != "adapters"])
def test_only_adapters_import_a_model_runtime(layer: str) -> None:
    wrong = [(m, n) for m, p in MODULES.items() if _layer(m) == layer for n in _imports(p) if n.split(".")[0] in RUNTIMES]
    assert wrong == []


@pytest.mark.parametrize("layer", [layer for layer in LAYERS if layer != "bot"])
def test_only_the_bot_imports_slack(layer: str) -> None:
    wrong = [(m, n) for m, p in MODULES.items() if _layer(m) == layer for n in _imports(p)
             if n.split(".")[0] in ("slack_bolt", "slack_sdk")]
    assert wrong == []
