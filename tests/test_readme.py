"""The README and Makefile a new user follows: about the product, with examples that work."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("phrase", ["this machine", "No machine here", "(here:", "../shared", "issue "])
def test_readme_speaks_of_the_product_only(phrase: str) -> None:
    assert phrase not in README


def test_readme_says_where_data_and_demo_models_come_from() -> None:
    assert "ritual.uh.edu/lince" in README and "LinCE" in README
    assert "mixlingo models tiny" in README and "MIXLINGO_ALLOW_DOWNLOADS" in README
    assert "PostgreSQL" in README and "Redis" in README and "chromium-driver" in README


def test_the_readme_toml_example_is_a_valid_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mixlingo.config import load_settings

    example = re.search(r"```toml\n(.*?)```", README, re.S).group(1)
    (tmp_path / "mixlingo.toml").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MIXLINGO_MODEL_CACHE_DIR")
    settings = load_settings()
    assert settings.model_cache_dir == Path("/srv/mixlingo/models") and settings.translation_models["mul-en"].endswith("mul-en")


def test_make_test_lints_first() -> None:
    commands = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert commands.index("ruff check") < commands.index("mypy -p mixlingo.nlp -p mixlingo.config") < commands.index("pytest")


def test_make_run_installs_runtime_only_with_progress_then_pulls() -> None:
    run = subprocess.run(["make", "-n", "-B", "run"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    install = next(line for line in run.splitlines() if "pip install" in line)
    assert "--quiet" not in install and "-q" not in install.split() and "[dev]" not in install
    steps = [line.rsplit("bin/mixlingo ", 1)[1].split()[0] for line in run.splitlines() if "bin/mixlingo " in line]
    assert steps == ["models", "tag", "serve"]
    test = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "'.[dev]'" in test


def test_the_project_points_at_nothing_outside_it() -> None:
    assert "/work/" not in (ROOT / "tests" / "services.py").read_text(encoding="utf-8")
    assert "(issue" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_make_run_ends_with_how_to_run_the_commands() -> None:
    """`mixlingo` is in .venv, not on PATH: make run says how to get it, before serving and when serving stops."""
    run = subprocess.run(["make", "-n", "-B", "run"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    last = run.strip().splitlines()[-1]
    assert "trap" in last and ". .venv/bin/activate" in last and last.endswith(".venv/bin/mixlingo serve")
    assert ". .venv/bin/activate" in run.strip().splitlines()[-2]
