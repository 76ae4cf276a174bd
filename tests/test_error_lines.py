"""Every ``error:`` line the CLI prints is at most 200 characters, every ``note:`` and ``warning:`` at most 120.

A list (the models missing, the languages a tagger knows) goes behind ``--verbose``. The walk below runs the
CLI's error paths as a user meets them: bad option values, missing models, bad settings in variables and in
``mixlingo.toml``, files that cannot be read, empty input, unknown languages and pairs. Each case must end in
an ``error:`` line (exit code 2) or print the note or warning it is about, and no line may have been cut
to fit (the printer drops the middle of a longer line): a cut line means its message is too long and should
be shortened at its source. Only a line quoting a value the user gave that is itself too long is cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mixlingo.cli import app
from mixlingo.core.errors import ERROR_WIDTH
from mixlingo.core.notes import ELIDED, NOTE_WIDTH

runner = CliRunner()
LONG = "x" * 300


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None
    toml: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    expect: str = "error"
    """What the case is about: ``error`` (exit code 2 and an ``error:`` line), ``note`` or ``warning``."""
    cut: bool = False
    """The line quotes a value the user gave that is itself too long: it is cut, and ``--verbose`` shows it whole."""


CASES = {
    # translate: models, languages, pairs, options
    "no model for the target": Case(("translate", "hola amigo, see you", "--to", "en")),
    "no model for the target, verbose": Case(("translate", "hola amigo, see you", "--to", "en", "--verbose")),
    "no model and --explain": Case(("translate", "hola amigo, see you", "--explain")),
    "a model directory that is missing": Case(("translate", "hola amigo", "--to", "en"),
                                              env={"MIXLINGO_TRANSLATION_MODELS": "es-en=/no/such/model"}),
    "--to is not a language": Case(("translate", "hola", "--to", "xx-1")),
    "--to is a very long word": Case(("translate", "hola", "--to", LONG), cut=True),
    "--to a language without a model": Case(("translate", "hola", "--to", "sw")),
    "empty message": Case(("translate", "")),
    "blank message": Case(("translate", "   \n ")),
    "empty stdin": Case(("translate", "-"), stdin=""),
    "--file that is missing": Case(("translate", "--file", "missing.txt")),
    "--file that is a folder": Case(("translate", "--file", ".")),
    "a message and --file": Case(("translate", "hola", "--file", "missing.txt")),
    "--strategy unknown": Case(("translate", "hola", "--strategy", "nope")),
    "--tagger unknown": Case(("translate", "hola", "--tagger", "nope")),
    # tag
    "tag: lexicon without word lists for the pair": Case(("tag", "hola", "--pair", "xx-yy")),
    "tag: lexicon without word lists, verbose": Case(("tag", "hola", "--pair", "xx-yy", "--verbose")),
    "tag: --pair one language": Case(("tag", "hola", "--pair", "en")),
    "tag: --pair three languages": Case(("tag", "hola", "--pair", "en-es-fr")),
    "tag: --pair the same language twice": Case(("tag", "hola", "--pair", "es-es")),
    "tag: no tagger for a pair": Case(("tag", "hola", "--pair", "en-zz", "--tagger", "embedded")),
    "tag: empty": Case(("tag", "")),
    "tag: mbert not downloaded": Case(("tag", "hola", "--tagger", "mbert")),
    "tag: mbert directory missing": Case(("tag", "hola", "--tagger", "mbert"),
                                         env={"MIXLINGO_MBERT_MODEL": "/no/such/dir/" + "m" * 150}, cut=True),
    "tag: notes about missing models": Case(("tag", "hola, the meeting"), expect="note"),
    "tag: over the length limit": Case(("tag", "hola " * 10_000)),
    # settings: variables, the config file
    "bad MIXLINGO_TAGGER": Case(("tag", "hola"), env={"MIXLINGO_TAGGER": "bogus"}),
    "bad MIXLINGO_PAIRS": Case(("tag", "hola"), env={"MIXLINGO_PAIRS": "english-spanish,,x"}),
    "bad MIXLINGO_BATCH_SIZE": Case(("tag", "hola"), env={"MIXLINGO_BATCH_SIZE": "many"}),
    "bad MIXLINGO_MAX_MESSAGE_CHARS": Case(("tag", "hola"), env={"MIXLINGO_MAX_MESSAGE_CHARS": "-5"}),
    "bad MIXLINGO_TRANSLATION_MODELS": Case(("translate", "hola"), env={"MIXLINGO_TRANSLATION_MODELS": "garbage"}),
    "bad MIXLINGO_MBERT_LABEL_MAP, long": Case(("tag", "hola"), env={"MIXLINGO_MBERT_LABEL_MAP": LONG}, cut=True),
    "several bad variables": Case(("tag", "hola"), env={"MIXLINGO_TAGGER": "bogus", "MIXLINGO_STRATEGY": "nope",
                                                        "MIXLINGO_BATCH_SIZE": "many"}),
    "a misspelt variable": Case(("tag", "hola", "--tagger", "lexicon"), env={"MIXLINGO_TAGER": "lexicon"},
                                expect="warning"),
    "a misspelt long variable": Case(("tag", "hola", "--tagger", "lexicon"),
                                     env={"MIXLINGO_RERANKER_SHARE_TAGER": "true"}, expect="warning"),
    "MIXLINGO_CONFIG missing": Case(("tag", "hola"), env={"MIXLINGO_CONFIG": "/no/such/mixlingo.toml"}),
    "config file not TOML": Case(("tag", "hola"), toml="tagger = [unclosed\n"),
    "config file unknown key": Case(("tag", "hola"), toml="[mixlingo]\ntagerr = \"lexicon\"\n"),
    "config file bad value": Case(("tag", "hola"), toml="[mixlingo]\ntagger = \"bogus\"\n"),
    "config file both table and keys": Case(("tag", "hola"), toml="tagger = \"lexicon\"\n[mixlingo]\nstrategy = \"whole\"\n"),
    "config show with a bad variable": Case(("config", "show"), env={"MIXLINGO_RERANK": "perhaps"}),
    # models
    "models pull: pair without a model": Case(("models", "pull", "--pair", "fr-de")),
    "models pull: bad pair": Case(("models", "pull", "--pair", "french")),
    "models pull: offline": Case(("models", "pull"), env={"MIXLINGO_OFFLINE": "true"}),
    "models pull: hub unreachable": Case(("models", "pull"), env={"HF_HUB_OFFLINE": "1"}, expect="note"),
    # scale-out, serve, transliteration, bench
    "worker without a broker": Case(("worker",)),
    "jobs retry without a broker": Case(("jobs", "retry", *map(str, range(1, 80)))),
    "serve: playground on a public address": Case(("serve", "--host", "0.0.0.0")),
    "transliterate: unknown language": Case(("transliterate", "kal milte hain", "--lang", "xx")),
    "transliterate: empty": Case(("transliterate", "", "--lang", "hi")),
    "transliterate: missing file": Case(("transliterate", "--file", "missing.txt", "--lang", "hi")),
    "tagger train: no data": Case(("tagger", "train", "--out", "out")),
    "tagger train: unknown kind": Case(("tagger", "train", "--out", "out", "--data", "c.conll", "--kind", "nope"),
                                       files={"c.conll": b"hola\tlang2\nthe\tlang1\n\n" * 20}),
    "tagger train: not a corpus": Case(("tagger", "train", "--out", "out", "--data", "c.conll"),
                                       files={"c.conll": b"nothing here\n"}),
    "tagger train: a long malformed line": Case(("tagger", "train", "--out", "out", "--data", "c.conll"),
                                                files={"c.conll": b"x" * 300 + b"\n\n"}),
    "transliterate: a file that is not UTF-8": Case(("transliterate", "--file", "bad.txt", "--lang", "hi"),
                                                    files={"bad.txt": b"kal \xff milte\n"}),
    "tagger eval: missing corpus": Case(("tagger", "eval", "--data", "missing.conll")),
    "bench: missing model directory": Case(("bench", "--marian-dir", "/no/such/marian", "--bert-dir", "/no/such/bert")),
}


def _lines(output: str, label: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(label)]


@pytest.mark.parametrize("name", CASES)
def test_every_error_and_note_line_fits(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[name]
    for variable, value in case.env.items():
        monkeypatch.setenv(variable, value)
    if case.toml is not None:
        (tmp_path / "mixlingo.toml").write_text(case.toml, encoding="utf-8")
    for name, content in case.files.items():
        (tmp_path / name).write_bytes(content)
    result = runner.invoke(app, list(case.args), input=case.stdin)
    assert "Traceback" not in result.output
    errors, notes = _lines(result.stderr, "error:"), _lines(result.stderr, "note") + _lines(result.stderr, "warning")
    if case.expect == "error":
        assert result.exit_code == 2 and errors, result.output
    else:
        assert _lines(result.stderr, case.expect), result.output
    assert all(len(line) <= ERROR_WIDTH for line in errors), errors
    assert all(len(line) <= NOTE_WIDTH for line in notes), notes
    cut = [line for line in errors + notes if ELIDED in line]
    assert bool(cut) == case.cut, cut
    if "--verbose" in case.args or (case.cut and case.args[0] in ("tag", "translate")):  # the commands with --verbose
        verbose = runner.invoke(app, [*case.args, "--verbose"] if "--verbose" not in case.args else list(case.args),
                                input=case.stdin)
        assert "detail:" in verbose.stderr, verbose.output


def test_a_long_line_keeps_its_start_and_end_and_verbose_shows_it_whole() -> None:
    from io import StringIO

    from rich.console import Console

    from mixlingo.core.notes import Note, fit, print_notes

    line = "error: MIXLINGO_X='" + "y" * 400 + "' is not valid; write key=value pairs"
    short = fit(line, ERROR_WIDTH)
    assert len(short) == ERROR_WIDTH and short.startswith("error: MIXLINGO_X='yyy") and short.endswith("key=value pairs")
    assert fit("a  short\nline", ERROR_WIDTH) == "a short line"
    out = StringIO()
    print_notes([Note("the hub at " + "h" * 300 + " is not reachable")], verbose=True,
                console=Console(file=out, width=80, color_system=None))
    printed, detail = out.getvalue().splitlines()
    assert len(printed) == NOTE_WIDTH and printed.startswith("note: the hub at") and printed.endswith("is not reachable")
    assert detail == "detail: the hub at " + "h" * 300 + " is not reachable"
