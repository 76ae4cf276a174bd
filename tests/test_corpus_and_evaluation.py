"""The LinCE reader and the evaluation report."""

from __future__ import annotations

from pathlib import Path

import pytest

from mixlingo.core.errors import InputError
from mixlingo.nlp.corpus import read_lince
from mixlingo.nlp.evaluation import evaluate

from fixtures_lince import write_corpus


def test_malformed_lines_are_reported_with_line_numbers_and_never_crash(tmp_path: Path) -> None:
    corpus = read_lince(write_corpus(tmp_path / "c.conll", sentences=3, malformed=True))
    assert len(corpus.sentences) == 3
    assert any(p.startswith("line ") and "no tab-separated label" in p for p in corpus.problems)
    assert any("space instead of tab" in p for p in corpus.problems)
    assert corpus.sentences[1].tokens[-1] == "casa" and corpus.sentences[1].labels[-1] == "lang2"


def test_unknown_labels_are_skipped_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.conll"
    path.write_text("hola\tlang2\nxyz\tklingon\n\n", encoding="utf-8")
    corpus = read_lince(path)
    assert corpus.sentences[0].tokens == ["hola"]
    assert corpus.problems == [
        "line 2: unknown label 'klingon' (expected one of ambiguous, fw, lang1, lang2, mixed, ne, other, unk); skipped"
    ]


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such corpus file"):
        read_lince(tmp_path / "nope.conll")


def test_validation_split_is_fixed_and_interleaved(tmp_path: Path) -> None:
    corpus = read_lince(write_corpus(tmp_path / "c.conll", sentences=30))
    train, validation = corpus.split()
    assert [s.line for s in validation.sentences] == [corpus.sentences[i].line for i in (9, 19, 29)]
    assert len(train.sentences) == 27
    assert corpus.split()[1].sentences == validation.sentences


def test_report_figures_on_a_hand_checked_example() -> None:
    gold = [["en", "en", "es", "other"], ["es", "entity"]]
    pred = [["en", "es", "es", "other"], ["es", "en"]]
    report = evaluate("t", gold, pred, seconds=2.0)
    assert report.accuracy == pytest.approx(4 / 6)
    assert report.language_accuracy == pytest.approx(3 / 4)
    en, es = report.labels["en"], report.labels["es"]
    assert (en.precision, en.recall, en.support) == (pytest.approx(1 / 2), pytest.approx(1 / 2), 2)
    assert (es.precision, es.recall) == (pytest.approx(2 / 3), pytest.approx(1.0))
    # weighted F1: en 0.5*2, es 0.8*2, other 1*1, entity 0*1 over 6 tokens
    assert report.weighted_f1 == pytest.approx((0.5 * 2 + 0.8 * 2 + 1.0 + 0.0) / 6)
    assert report.confusion["entity"] == {"en": 1}
    assert report.tokens_per_second == 3.0
