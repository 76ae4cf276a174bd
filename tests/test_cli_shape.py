"""One CLI shape: every command is registered on the apps of mixlingo.cli.app, and so has the one error wrapper
(a MixlingoError is one ``error:`` line and exit 2) and the same help formatting."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from mixlingo.cli import app
from mixlingo.cli.app import Command, Group
from mixlingo.cli.support import FRIENDLY
from mixlingo.core.errors import InputError


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, click command) for every leaf command under ``command``."""
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        yield path, command
        return
    assert isinstance(command, Group), f"{' '.join(path) or 'mixlingo'} is not declared in mixlingo.cli.app"
    for name, sub in subcommands.items():
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(typer.main.get_command(app)))


def _wrappers(function: Any) -> list[Any]:
    """The functions of the ``__wrapped__`` chain that are the error wrapper itself (not a copy of its attributes)."""
    chain = [function]
    while hasattr(chain[-1], "__wrapped__"):
        chain.append(chain[-1].__wrapped__)
    return [f for f in chain if getattr(f, FRIENDLY, False) and not getattr(getattr(f, "__wrapped__", None), FRIENDLY, False)]


def test_the_tree_has_every_command() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"tag", "translate", "serve", "bench", "worker", "transliterate", "models pull", "models list", "models tiny",
            "models convert", "config show", "tagger train", "tagger eval", "jobs failed", "jobs retry", "db upgrade",
            "db keygen", "transliterator train", "transliterator eval"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(path) for path, _ in COMMANDS])
def test_every_command_has_the_one_error_wrapper(path: tuple[str, ...], command: Any) -> None:
    assert isinstance(command, Command), f"{' '.join(path)} was not registered with App.command"
    wrappers = _wrappers(command.callback)
    assert len(wrappers) == 1, f"{' '.join(path)}: {len(wrappers)} error wrappers"


def _raise_input_error(*_args: Any, **_kwargs: Any) -> None:
    raise InputError("the [value] is wrong; give another")


# (the command line, the module attribute the command calls first, replaced by one that raises InputError)
RAISING = [
    (["tag", "hola"], "mixlingo.cli.translate.load_settings"),
    (["translate", "hola"], "mixlingo.cli.translate.load_settings"),
    (["config", "show"], "mixlingo.cli.config.load_settings"),
    (["models", "list"], "mixlingo.cli.models.load_settings"),
    (["serve", "--port", "0"], "mixlingo.cli.serve.load_settings"),
    (["worker"], "mixlingo.cli.jobs.load_settings"),
    (["db", "keygen"], "mixlingo.bot.crypto.new_key"),
    (["transliterate", "kal"], "mixlingo.transliteration.load_transliterator"),
]


@pytest.mark.parametrize(("args", "target"), RAISING, ids=[" ".join(args) for args, _ in RAISING])
def test_an_input_error_inside_a_command_is_one_error_line_and_exit_2(
    args: list[str], target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(target, _raise_input_error)
    monkeypatch.setattr("mixlingo.cli.serve.setup_logging", lambda: None)  # no root-logger handlers left behind by serve
    monkeypatch.setattr("mixlingo.cli.jobs.setup_logging", lambda: None)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == ["error: the [value] is wrong; give another"]  # markup in a message prints as written
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_serve_with_a_bad_setting_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    """The real entry point, in its own process (serve sets up logging and installs the redactor)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIXLINGO_", "SLACK_"))}
    env["MIXLINGO_PORT"] = "not-a-port"
    result = subprocess.run([sys.executable, "-m", "mixlingo", "serve"], capture_output=True, text=True, timeout=120,
                            env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: MIXLINGO_PORT='not-a-port' is not valid: must be a valid integer, unable to parse string as an integer"]
    assert result.stdout == ""
