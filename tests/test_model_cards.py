"""Every model and word list that ships inside the package says what it is and under what terms:
a card (README.md) naming a license, an entry in THIRD_PARTY_NOTICES.md, and `models list` shows both."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mixlingo import model_cards
from mixlingo.cli import app
from mixlingo.model_cards import CARD, front_matter, shipped_cards

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "mixlingo" / "data"
WEIGHTS = {".safetensors", ".onnx", ".bin", ".pt", ".pth", ".ckpt", ".npz", ".npy", ".model", ".gguf", ".h5"}
# How a card or README names a license: an SPDX-style id or the license's name.
LICENSE_NAMED = re.compile(r"apache|\bcc[ -]by|creative commons|public domain|\bmit\b|\bbsd\b|\bgpl|\bmpl\b|\bcc0\b|unlicense", re.I)
APACHE_2_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"  # apache.org/licenses/LICENSE-2.0.txt


def data_folders(root: Path) -> list[Path]:
    """Folders under ``root`` that hold shipped files (weights, word lists, configs) beside any README."""
    folders = set()
    for path in root.rglob("*"):
        if path.is_file() and path.name != CARD and "__pycache__" not in path.parts and path.suffix != ".py" \
                and not path.name.startswith("."):
            folders.add(path.parent)
    return sorted(folders)


def covering(folder: Path, root: Path) -> list[Path]:
    """The folder and its parents below ``root``: a card in any of them covers the folder's files."""
    return [folder, *[p for p in folder.parents if root in p.parents]]


def license_problems(root: Path) -> list[str]:
    problems = []
    for folder in data_folders(root):
        card = next((f / CARD for f in covering(folder, root) if (f / CARD).is_file()), folder / CARD)
        name = folder.relative_to(root).as_posix()
        if not card.is_file():
            problems.append(f"{name}: no {CARD}")
            continue
        text = card.read_text(encoding="utf-8")
        fields = front_matter(text)
        if any(p.suffix in WEIGHTS for p in folder.iterdir()) and not fields.get("license"):
            problems.append(f"{name}: model weights but no `license:` in the card's front matter")
        elif not (fields.get("license") or LICENSE_NAMED.search(text)):
            problems.append(f"{name}: {CARD} names no license")
    return problems


def test_every_shipped_model_and_word_list_has_a_card_naming_its_license() -> None:
    assert data_folders(DATA), "nothing found under mixlingo/data"
    assert license_problems(DATA) == []


def test_the_check_catches_a_folder_without_a_card_or_a_license(tmp_path: Path) -> None:
    (tmp_path / "taggers" / "xx").mkdir(parents=True)
    (tmp_path / "taggers" / "xx" / "model.safetensors").write_bytes(b"\0")
    (tmp_path / "words").mkdir()
    (tmp_path / "words" / "list.tsv").write_text("a\t1\n")
    (tmp_path / "words" / CARD).write_text("# words\n\nMade by hand.\n")
    (tmp_path / "lexicon").mkdir()
    (tmp_path / "lexicon" / "list.tsv").write_text("a\t1\n")
    (tmp_path / "lexicon" / CARD).write_text("# lexicon\n\nFrom Dakshina, CC BY-SA 4.0.\n")
    assert license_problems(tmp_path) == ["taggers/xx: no README.md", "words: README.md names no license"]
    (tmp_path / "taggers" / "xx" / CARD).write_text("# xx\n\nApache-2.0, in prose only.\n")
    assert license_problems(tmp_path)[0] == "taggers/xx: model weights but no `license:` in the card's front matter"
    (tmp_path / "lexicon" / "hi").mkdir()
    (tmp_path / "lexicon" / "hi" / "words.tsv").write_text("a\t1\n")  # covered by lexicon/README.md
    assert len(license_problems(tmp_path)) == 2


def test_every_shipped_data_folder_is_in_the_third_party_notices() -> None:
    notices = (ROOT / "THIRD_PARTY_NOTICES.md").read_text(encoding="utf-8")
    missing = [f for f in data_folders(DATA) if not any(f"{c.relative_to(ROOT).as_posix()}/" in notices for c in covering(f, DATA))]
    assert missing == []


def test_license_is_the_complete_apache_2_text() -> None:
    assert hashlib.sha256((ROOT / "LICENSE").read_bytes()).hexdigest() == APACHE_2_SHA256


def test_front_matter_reads_the_simple_fields_and_skips_nested_ones() -> None:
    text = "---\nlicense: cc-by-sa-4.0\nlanguage:\n- hi\n- en\ndatasets: [dakshina, 'phinc']\n" \
           "model-index:\n- name: x\n  results:\n  - task:\n      type: token-classification\n" \
           'training_data: "Dakshina: romanized Hindi" # comment kept inside quotes\n---\n# Card\n\nlicense: not this\n'
    assert front_matter(text) == {
        "license": "cc-by-sa-4.0",
        "language": ["hi", "en"],
        "datasets": ["dakshina", "phinc"],
        "training_data": "Dakshina: romanized Hindi",
    }
    assert front_matter("# A README\n\nlicense: apache-2.0\n") == {}
    assert front_matter("---\nlicense: mit\n") == {}  # never closed: not front matter


def test_the_es_en_tagger_card_states_license_data_and_figures() -> None:
    (card,) = [c for c in shipped_cards() if c.name == "taggers/spaeng"]
    assert card.license == "apache-2.0"
    assert card.fields["language"] == ["en", "es"] and card.fields["datasets"] == ["lince"]
    assert "LinCE" in card.training_data and "not stated" in card.training_data
    text = (card.path / CARD).read_text(encoding="utf-8")
    assert "mixlingo tagger train --data" in text and "--split validation" in text


runner = CliRunner()


def test_models_list_shows_each_shipped_models_license_and_training_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = runner.invoke(app, ["models", "list"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "taggers/spaeng" in line)
    assert "apache-2.0" in row and "LinCE spa-eng" in row
    assert "No models cached" in result.stdout  # the cache is listed after them, as before

    fake = tmp_path / "data" / "transliteration" / "xx"
    fake.mkdir(parents=True)
    (fake / CARD).write_text("---\nlicense: cc-by-sa-4.0\ndatasets:\n- dakshina\n---\n# xx\n")
    (tmp_path / "data" / "notes").mkdir()
    (tmp_path / "data" / "notes" / CARD).write_text("# Not a model card: no front matter\n")
    monkeypatch.setattr(model_cards, "data_dir", lambda: tmp_path / "data")
    result = runner.invoke(app, ["models", "list", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert listed["cached"] == []
    assert [(m["model"], m["license"], m["training_data"]) for m in listed["shipped"]] == [
        ("transliteration/xx", "cc-by-sa-4.0", "dakshina")
    ]
