"""The hi/en tagger that ships inside the package: what it tags, what it says about a message's pair, and its cost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mixlingo.cli import app
from mixlingo.factory import embedded_model_dir, load_embedded
from mixlingo.nlp.tagging import ExplainsWords

runner = CliRunner()
HINENG = embedded_model_dir(("en", "hi"))
SPAENG = embedded_model_dir(("en", "es"))


def test_the_shipped_model_is_the_hindi_one_small_and_documented() -> None:
    assert HINENG.name == "hineng"
    assert sum(f.stat().st_size for f in HINENG.iterdir()) <= 30 * 2**20
    config = json.loads((HINENG / "config.json").read_text(encoding="utf-8"))
    words = (HINENG / config["word_lists"]["hi"]).read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in words[:400]  # derived from Dakshina: the notice travels with the file
    card = (HINENG / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n") and "license: cc-by-sa-4.0" in card
    assert load_embedded(HINENG).languages() == ("en", "hi")


def test_romanized_hindi_and_english_words_get_their_languages() -> None:
    result = runner.invoke(app, ["tag", "--pair", "en-hi", "--json", "kal meeting hai, please report bhej dena"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    tags = {t["text"]: t["lang"] for t in data["tokens"]}
    assert data["tagger"] == "embedded"
    assert tags[","] == "other"
    # The unambiguous words of the message; "hai" and "dena" are Hindi in any context.
    assert [tags[w] for w in ("kal", "hai", "bhej", "dena")] == ["hi"] * 4
    assert [tags[w] for w in ("meeting", "please", "report")] == ["en"] * 3


def test_evidence_tells_hinglish_from_spanglish() -> None:
    hineng, spaeng = load_embedded(HINENG), load_embedded(SPAENG)
    assert isinstance(hineng, ExplainsWords) and isinstance(spaeng, ExplainsWords)
    hinglish = "yaar kal ki meeting mein kya hua mujhe batao".split()
    spanglish = "oye mañana tenemos la reunión con el jefe pues".split()
    hi_scores, es_scores = hineng.evidence([hinglish, spanglish, ["!", "42"]]), spaeng.evidence([hinglish, spanglish, ["!"]])
    assert all(0.0 <= s <= 1.0 for s in hi_scores + es_scores)
    assert hi_scores[2] == es_scores[2] == 0.0  # no alphabetic word, no evidence
    margin = 0.2  # "clearly": each model explains its own kind of message by at least 20 points more
    assert hi_scores[0] >= es_scores[0] + margin
    assert es_scores[1] >= hi_scores[1] + margin


def test_auto_uses_the_hindi_model_for_en_hi_and_says_so() -> None:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MIXLINGO_")}, "MIXLINGO_PAIRS": "en-hi"}
    code = ("import sys\nfrom mixlingo.cli import main\nsys.argv = ['mixlingo', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\nelse:\n    code = 0\n"
            "print('IMPORTED', sorted(m for m in ('torch', 'transformers') if m in sys.modules), file=sys.stderr)\n"
            "sys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", code, "tag", "--json", "kal meeting hai, please report bhej dena"],
                          capture_output=True, timeout=300, env=env, cwd=Path(__file__).parent)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["tagger"] == "embedded"
    stderr = done.stderr.decode()
    assert "IMPORTED []" in stderr  # tagging with the shipped model never imports torch
    assert "using the embedded hi/en tagger" in stderr and "es/en" not in stderr


@pytest.mark.parametrize("model", [HINENG, SPAENG])
def test_both_shipped_models_record_the_feature_contract(model: Path) -> None:
    from mixlingo.adapters.embedded.features import FEATURE_CONTRACT

    assert json.loads((model / "config.json").read_text(encoding="utf-8"))["feature_contract"] == FEATURE_CONTRACT


def _tags(sentence: str) -> dict[str, str]:
    tokens = sentence.split()
    return dict(zip(tokens, (t.lang for t in load_embedded(HINENG).tag_batch([tokens])[0])))


@pytest.mark.parametrize(("sentence", "word", "lang"), [
    ("tum aao to sahi", "to", "hi"),  # तो
    ("I want to go home", "to", "en"),
    ("wo kaam karte the aur ghar jaate the", "the", "hi"),  # थे
    ("this is the best movie", "the", "en"),
])
def test_context_decides_words_both_languages_spell_alike(sentence: str, word: str, lang: str) -> None:
    assert _tags(sentence)[word] == lang


def test_chat_abbreviations_take_the_language_of_the_word_they_stand_for() -> None:
    tags = _tags("ram k ghar ja rahe h")  # k = के, h = है
    assert (tags["k"], tags["h"]) == ("hi", "hi")


def test_names_are_entities_neither_translated_nor_transliterated() -> None:
    tags = _tags("Modi ne Delhi me rally ki")
    assert (tags["Modi"], tags["Delhi"], tags["rally"], tags["ne"]) == ("entity", "entity", "en", "hi")
    assert _tags("BJP aur Congress dono ne vote maanga")["BJP"] == "entity"
