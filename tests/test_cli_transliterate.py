"""`mixlingo transliterate` as a user runs it: TEXT, stdin, --file, --to latin, and one clear line for bad input."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mixlingo.cli import app

runner = CliRunner()


def run(*args: str, input: str | bytes | None = None):
    return runner.invoke(app, ["transliterate", *args], input=input)


def test_text_is_written_in_devanagari_with_markup_kept() -> None:
    result = run("kal meeting hai <@U123> :tada:")
    assert result.exit_code == 0, result.output
    words = result.stdout.strip().split(" ")
    assert words[0] == "कल" and words[2] == "है" and words[3:] == ["<@U123>", ":tada:"]
    assert "meeting" not in result.stdout  # every Latin word is converted; the tagger decides which are Hindi elsewhere


def test_to_latin_runs_the_other_way() -> None:
    result = run("कल मिलते हैं", "--to", "latin")
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[0] == "kal" and all(ch.isascii() for ch in result.stdout)


def test_stdin_gives_one_output_line_per_input_line() -> None:
    result = run("-", input="namaste\nkal hai\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["नमस्ते", "कल है"]


def test_a_file_keeps_line_order_and_a_blank_line_stays_blank_as_in_translate(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("namaste\n\nkal\n", encoding="utf-8")
    result = run("--file", str(source))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["नमस्ते", "", "कल"]
    assert result.stderr == ""


def test_bad_input_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"kal \xff hai\n")
    cases = [
        (["   "], None, "the text is empty"),
        (["kal", "--lang", "xx"], None, "available: bn, hi"),
        (["kal", "--to", "roman"], None, "unknown direction"),
        (["--file", str(broken)], None, "not valid UTF-8"),
        (["-"], b"kal \xff\n", "standard input is not valid UTF-8"),
        (["--file", str(tmp_path / "missing.txt")], None, "cannot read"),
        (["kal", "--file", str(broken)], None, "not both"),
    ]
    for args, stdin, message in cases:
        result = run(*args, input=stdin)
        assert result.exit_code == 2, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], (args, lines)
        assert "Traceback" not in result.output
