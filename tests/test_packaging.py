"""The installed package keeps its subpackages under `mixlingo` (no top-level `config`/`nlp`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest


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


def test_wheel_ships_the_license_the_notices_and_every_model_card(tmp_path: Path) -> None:
    """`pip wheel .` as a user builds it, from a copy of the source tree (the build writes build/ and egg-info)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        setuptools = tuple(int(p) for p in version("setuptools").split(".")[:2])
    except PackageNotFoundError:
        setuptools = (0, 0)
    if setuptools < (77, 0):  # the build backend pyproject.toml asks for; pip fetches it when the build is isolated
        pytest.skip("building offline needs setuptools>=77 installed (PEP 639 license fields)")
    root = Path(__file__).resolve().parents[1]
    skip = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis", ".typecheck")
    source = tmp_path / "src"
    shutil.copytree(root, source, ignore=skip)
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(tmp_path / "wheel")], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    (wheel,) = (tmp_path / "wheel").glob("mixlingo-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(f"{dist_info}/METADATA").decode()
        for name in ("LICENSE", "THIRD_PARTY_NOTICES.md"):
            assert archive.read(f"{dist_info}/licenses/{name}") == (root / name).read_bytes()
    assert "License-Expression: Apache-2.0" in metadata.splitlines()
    cards = sorted(p.relative_to(root).as_posix() for p in (root / "mixlingo" / "data").rglob("README.md"))
    assert "mixlingo/data/taggers/spaeng/README.md" in cards
    assert [c for c in cards if c not in names] == []
    folders = {"mixlingo": "mixlingo", "core": "mixlingo/core", "nlp": "mixlingo/nlp", "adapters": "mixlingo/adapters",
               "config": "mixlingo/config", "bot": "mixlingo/bot"}
    modules = sorted(f"{installed}/{p.relative_to(root / folder).as_posix()}" for folder, installed in folders.items()
                     for p in (root / folder).rglob("*.py") if "data" not in p.relative_to(root).parts)
    assert {"mixlingo/cli/__init__.py", "mixlingo/bench/run.py", "mixlingo/core/errors.py"} <= set(modules)
    assert [m for m in modules if m not in names] == []  # every package is listed in pyproject.toml
