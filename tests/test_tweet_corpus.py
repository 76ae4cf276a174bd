"""The tweet-id gold format (numeric id line, then token<spaces>hi|en|rest) and the language-token scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mixlingo.cli import app
from mixlingo.nlp.language_scores import language_scores
from mixlingo.nlp.tweet_corpus import TWEET_LABEL_MAP, is_tweet_id_format, read_labelled, read_tweet_ids

runner = CliRunner()

SAMPLE = """796033860081426432
Kejri            rest
hum              hi
is               hi
report           en
..               rest

796754126671466496
sir              en
yeh              hi
this is broken
hui\thi
"""


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "tweets.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def test_reads_tweets_tokens_and_labels_and_reports_bad_lines(sample: Path) -> None:
    corpus = read_tweet_ids(sample)
    assert [s.tokens for s in corpus.sentences] == [["Kejri", "hum", "is", "report", ".."], ["sir", "yeh", "hui"]]
    assert corpus.sentences[1].labels == ["en", "hi", "hi"]
    assert corpus.gold(TWEET_LABEL_MAP)[0] == ["other", "hi", "hi", "en", "other"]
    assert len(corpus.problems) == 1 and corpus.problems[0].startswith("line 11:")


def test_the_format_is_told_from_lince(sample: Path, tmp_path: Path) -> None:
    lince = tmp_path / "train.conll"
    lince.write_text("# sent_enum = 1\nhola\tlang2\n", encoding="utf-8")
    assert is_tweet_id_format(sample) and not is_tweet_id_format(lince)
    assert read_labelled(sample)[1] == TWEET_LABEL_MAP
    assert read_labelled(lince)[1] is None


def test_language_scores_by_hand() -> None:
    gold = [["hi", "hi", "en", "other"], ["en", "hi", "en"]]
    predicted = [["hi", "en", "en", "other"], ["entity", "hi", "hi"]]
    scores = language_scores(gold, predicted, ("en", "hi"))
    # 6 gold language tokens; 5 tagged hi/en, 3 of them right; one tagged entity
    assert scores.tokens == 6
    assert scores.accuracy == pytest.approx(3 / 5)
    assert scores.overall_accuracy == pytest.approx(3 / 6)
    assert scores.non_language_share == pytest.approx(1 / 6)
    # en: precision 1/2 (tagged en twice, right once), recall 1/3 → F1 0.4
    assert scores.f1["en"] == pytest.approx(0.4)
    # hi: precision 2/3, recall 2/3
    assert scores.f1["hi"] == pytest.approx(2 / 3)


def test_eval_detects_the_format_and_scores_hi_en(sample: Path) -> None:
    result = runner.invoke(app, ["tagger", "eval", "--data", str(sample), "--tagger", "lexicon", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["tokens"] == 8 and report["languages"]["tokens"] == 6
    assert set(report["languages"]["f1"]) == {"en", "hi"}
