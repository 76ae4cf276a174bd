"""The README and Makefile a new user follows: about the product, with examples that work."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


DOCS = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))}
PROSE = {"README.md": README, **{f"docs/{name}": text for name, text in DOCS.items()}}

# How and where the product was built, not the product: none of it belongs in what a user reads.
BUILD_STORIES = [
    "this machine", "No machine here", "(here:", "../shared", "issue ", "17 minutes", "busy 2-core", "Changed:",
    "add the table here", "not built yet", "rerun today", "slower that day", "on a busy machine", "busy machine",
    "2-core development machine", "nothing else we found", "machine was shared", "heavily shared",
]


@pytest.mark.parametrize("phrase", BUILD_STORIES)
def test_readme_and_docs_speak_of_the_product_only(phrase: str) -> None:
    assert [name for name, text in PROSE.items() if phrase.lower() in text.lower()] == []


def test_readme_is_short_and_its_links_lead_somewhere() -> None:
    assert len(README.encode("utf-8")) <= 12 * 1024
    for target in re.findall(r"\]\(((?!https?:)[^)#]+)", README):
        assert (ROOT / target).exists(), target
    for heading in ("## Quick start", "## Put it in a Slack workspace", "## Command line", "## Use it from Python",
                    "## Configuration", "### Languages", "## Documentation"):
        assert heading in README


def test_readme_says_how_to_run_the_commands_and_slack_setup() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert ". .venv/bin/activate" in quick_start and ".venv/bin/mixlingo" in quick_start
    python = README.split("## Use it from Python", 1)[1].split("\n## ", 1)[0]
    assert ". .venv/bin/activate" in python and ".venv/bin/python" in python
    slack = README.split("## Put it in a Slack workspace", 1)[1].split("\n## ", 1)[0]
    assert "/invite @mixlingo" in slack and "MIXLINGO_ENCRYPTION_KEY" in slack and "mixlingo db keygen" in slack
    languages = README.split("### Languages", 1)[1].split("\n## ", 1)[0]
    assert "Spanish–English" in languages and "Hindi–English" in languages and "Devanagari" in languages
    assert not re.search(r"TODO|TBD|XXX|\[.*?\?\]", languages)


def test_readme_and_docs_say_where_data_and_demo_models_come_from() -> None:
    assert "ritual.uh.edu/lince" in DOCS["cli.md"] and "LinCE" in DOCS["cli.md"]
    assert "mixlingo models tiny" in README and "MIXLINGO_ALLOW_DOWNLOADS" in README
    assert "PostgreSQL" in README and "Redis" in README and "chromium-driver" in README


@pytest.mark.parametrize("where", ["README.md", "docs/configuration.md"])
def test_the_toml_examples_are_valid_configs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    from mixlingo.config import load_settings

    example = re.search(r"```toml\n(.*?)```", PROSE[where], re.S).group(1)
    (tmp_path / "mixlingo.toml").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MIXLINGO_MODEL_CACHE_DIR")
    settings = load_settings()
    assert settings.models.cache_dir == Path("/srv/mixlingo/models") and settings.models.translation["mul-en"].endswith("mul-en")


def test_the_performance_summary_agrees_with_the_measured_targets() -> None:
    """The README may not read rosier than docs/performance.md: the targets that passed, and only those."""
    performance = DOCS["performance.md"]
    last_table = re.findall(r"\| target \| run \d.*?\n\n", performance, re.S)[-1]
    rows = [row.split("|") for row in last_table.strip().splitlines()[2:]]
    summary = " ".join(README.split("## Performance", 1)[1].split("\n## ", 1)[0].split())
    met, missed = summary.split("Not met:", 1)
    for cells in rows:
        target, verdict = cells[-3].strip(), cells[-2].strip()
        assert verdict in ("pass", "FAIL")
        assert target in (met if verdict == "pass" else missed), (cells[1], target, verdict)


def test_the_readme_says_what_a_blank_line_in_batch_mode_does() -> None:
    from mixlingo.cli.translate import _translate_chunk
    from mixlingo.config import load_settings
    from mixlingo.nlp import Pipeline

    results = _translate_chunk(Pipeline([("same", lambda message: message)]), ["hola", "", "adios"], 1, load_settings())
    assert [result is None for _, _, result in results] == [False, True, False]  # blank: a blank line, no error
    assert "A blank line\ngives a blank output line." in README
    assert "a blank line is not: its output line is blank too" in DOCS["cli.md"]


def test_slack_docs_and_manifest_agree_on_socket_mode_urls() -> None:
    said = "In Socket Mode Slack does not call these URLs, so they can stay as they are."
    manifest = " ".join(line.lstrip("# ").strip() for line in (ROOT / "manifest.yml").read_text().splitlines()
                        if line.startswith("#"))
    assert said in manifest and said in " ".join(DOCS["slack.md"].split())


def test_make_test_lints_first() -> None:
    commands = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    mypy = next(line for line in commands.splitlines() if " -m mypy " in line)
    assert mypy.split()[-2:] == ["-p", "mixlingo"]  # every package: nlp, config, adapters, bot and the CLI
    assert commands.index("ruff check") < commands.index(mypy) < commands.index("pytest")


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
    lines = [line for line in run.strip().splitlines() if not line.startswith("make[")]  # run from inside make test
    last = lines[-1]
    assert "trap" in last and ". .venv/bin/activate" in last and last.endswith(".venv/bin/mixlingo serve")
    assert ". .venv/bin/activate" in lines[-2]
