"""One Note type (a line plus the detail behind it) and one printer for the CLI, serve, the bench and settings."""

from __future__ import annotations

import json
import pickle

import pytest

from mixlingo.config import load_settings
from mixlingo.factory import build_tag_pipeline
from mixlingo.core.notes import Note, as_notes, print_notes, texts


def test_a_note_is_its_line_with_the_detail_beside_it() -> None:
    note = Note("mBERT tagger not downloaded", "mBERT tagger: not in /cache")
    assert note == "mBERT tagger not downloaded" and note.text == "mBERT tagger not downloaded"
    assert note.detail == "mBERT tagger: not in /cache" and note.kind == "note"
    assert json.dumps([note]) == '["mBERT tagger not downloaded"]'  # the bench's JSON and nlp.notes keep the line
    again = pickle.loads(pickle.dumps(note))  # the bench sends notes between processes
    assert (again, again.detail, again.kind) == (note, note.detail, "note")
    assert as_notes(["plain"])[0].detail is None and texts([note, "plain"]) == ["mBERT tagger not downloaded", "plain"]


def test_one_printer_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    shown: set[str] = set()
    print_notes([Note("a [b] c", "why"), "plain", Note("a [b] c")], verbose=True, shown=shown)
    print_notes([Note("from the bench")], source="baseline")
    print_notes([Note("MIXLINGO_X is ignored", kind="warning")])
    print_notes([Note("quiet", "not shown without --verbose")])
    assert capsys.readouterr().err.splitlines() == [
        "note: a [b] c", "note: plain", "detail: why",
        "note (baseline): from the bench",
        "warning: MIXLINGO_X is ignored",
        "note: quiet",
    ]


def test_the_factory_hands_out_notes_with_their_detail(tmp_path) -> None:
    built = build_tag_pipeline(load_settings(model_cache_dir=tmp_path, offline=True))
    assert built.notes == ["mBERT tagger not downloaded, using the embedded es/en tagger; `mixlingo models pull` gets it"]
    assert "sagorsarker/codeswitch-spaeng-lid-lince" in (built.notes[0].detail or "")
    assert built.pipeline.notes == built.notes
