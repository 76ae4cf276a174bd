"""The es/en tagger that ships inside the package, on real-looking mixed messages."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mixlingo.cli import app
from mixlingo.factory import embedded_model_dir, load_embedded

runner = CliRunner()

MESSAGES = [
    ("Oye, I'll send el reporte mañana, ok?",
     ["es", "other", "en", "en", "es", "es", "es", "other", "en", "other"]),
    ("no sé what you mean jajaja", ["es", "es", "en", "en", "en", "es"]),
    ("Vamos a la playa this weekend with Maria", ["es", "es", "es", "es", "en", "en", "en", "entity"]),
    ("I'm so tired, ya me quiero ir a mi casa", ["en", "en", "en", "other"] + ["es"] * 7),
    ("@juan check this out, está bien chido #tbt", ["other", "en", "en", "en", "other", "es", "es", "es", "en"]),
]


@pytest.mark.parametrize(("text", "expected"), MESSAGES)
def test_shipped_model_tags_mixed_messages(text: str, expected: list[str]) -> None:
    result = runner.invoke(app, ["tag", "--tagger", "embedded", "--json", text])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tagger"] == "embedded"
    assert [t["lang"] for t in data["tokens"]] == expected


def test_shipped_model_is_small_and_covers_en_es() -> None:
    directory = embedded_model_dir()
    size = sum(f.stat().st_size for f in directory.iterdir())
    assert size <= 30 * 2**20
    tagger = load_embedded()
    assert tagger.languages() == ("en", "es")
    tags = tagger.tag_batch([["the", "casa", "😂"]])[0]
    assert all(0.0 <= t.confidence <= 1.0 for t in tags)


def test_tags_do_not_depend_on_what_else_is_in_the_batch() -> None:
    tagger = load_embedded()
    short = ["no", "sé", "what", "you", "mean"]
    alone = tagger.tag_batch([short])[0]
    longer = ["I'm", "so", "tired", ",", "ya", "me", "quiero", "ir", "a", "mi", "casa"] * 3
    same_length = ["WOW", "Chivas", "ganó", "3-0", "🔥🔥🔥"]  # shares its batch: unlike, and loud
    for batch in ([short, longer], [short, same_length, longer], [same_length, short]):
        together = tagger.tag_batch(batch)[batch.index(short)]
        assert [(t.lang, round(t.confidence, 6)) for t in alone] == [(t.lang, round(t.confidence, 6)) for t in together]
