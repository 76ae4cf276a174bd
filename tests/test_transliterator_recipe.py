"""The transliterator recipe for a language it was never written for: a made-up one in Perso-Arabic script.

The same `train` that builds the shipped Hindi model builds this one from a tiny Dakshina-layout folder
made here; the model then loads without torch and writes words both ways, keeping Slack markup byte
for byte around right-to-left text.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import regex
from typer.testing import CliRunner

from mixlingo.adapters.transliteration.dakshina import Dakshina, native_letters
from mixlingo.adapters.transliteration.fitting import FitOptions
from mixlingo.adapters.transliteration.model import load_model
from mixlingo.adapters.transliteration.training import TrainingOptions, evaluate, held_out_pairs, train_and_save
from mixlingo.nlp.transliteration import transliterate_text, transliterate_texts

LANG = "zz"
LETTERS = dict(zip("abdegiklmnoprstz", "ابدعغيکلمنوپرستز"))
ARABIC_WORD = regex.compile(r"\p{Arabic}+")


def native(word: str) -> str:
    return "".join(LETTERS[ch] for ch in word)


def made_up_words(count: int) -> list[str]:
    rng = random.Random(7)
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice("bdgklmnprstz") + rng.choice("aeio") for _ in range(rng.randint(1, 3))))
    return sorted(words)


def write_dakshina_folder(folder: Path) -> list[str]:
    """A lexicon (train and dev) and romanized sentences line by line: the layout Dakshina uses."""
    words = made_up_words(420)
    rng = random.Random(3)
    rows = [f"{native(w)}\t{w}\t{rng.randint(1, 3)}" for w in words]
    (folder / f"{LANG}.translit.sampled.train.tsv").write_text("\n".join(rows[:360]) + "\n", encoding="utf-8")
    (folder / f"{LANG}.translit.sampled.dev.tsv").write_text("\n".join(rows[360:]) + "\n", encoding="utf-8")
    sentences = [rng.sample(words[:360], 5) for _ in range(40)]
    (folder / f"{LANG}.romanized.rejoined.dev.roman.txt").write_text("\n".join(" ".join(s) + "." for s in sentences) + "\n")
    (folder / f"{LANG}.romanized.rejoined.dev.native.txt").write_text(
        "\n".join(" ".join(native(w) for w in s) + "." for s in sentences) + "\n", encoding="utf-8")
    return words


Trained = tuple[Path, Path, list[str]]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    """(data folder, model folder, the made-up words: the first 360 trained on, the rest held out)."""
    data = tmp_path_factory.mktemp("dakshina-zz")
    words = write_dakshina_folder(data)
    out = tmp_path_factory.mktemp("models") / LANG
    tiny = FitOptions(epochs=25, batch=32, width=32, feed_forward=64, encoder_layers=1, decoder_layers=1)
    options = TrainingOptions(fit=tiny, beam=4, wordfreq=False)
    train_and_save(LANG, data, out, options)
    return data, out, words


def test_the_script_and_the_files_come_from_the_data(trained: Trained) -> None:
    data, out, _words = trained
    settings = json.loads((out / "settings.json").read_text(encoding="utf-8"))
    assert settings["lang"] == LANG and settings["script"] == "Arabic"
    assert set(settings["alphabets"]["native"][0]) == set("abdegiklmnoprstz")
    assert {p.name for p in out.iterdir()} >= {"lexicon.tsv", "words.npz", "to_native.encoder.onnx", "to_latin.decoder.onnx"}
    assert len(Dakshina(LANG, data).sentence_pairs(native_letters("Arabic"))) > 100  # the sentences' words were paired


def test_known_words_go_both_ways_and_unseen_words_come_out_in_the_other_script(trained: Trained) -> None:
    _data, out, words = trained
    model = load_model(out, LANG)
    known, unseen = words[:20], words[360:380]
    assert model.to_native(known) == [native(w) for w in known]
    assert model.to_latin([native(w) for w in known]) == known
    for word, written in zip(unseen, model.to_native(unseen)):
        assert ARABIC_WORD.fullmatch(written), (word, written)
    for written in model.to_latin([native(w) for w in unseen]):
        assert regex.fullmatch("[a-z]+", written), written


def test_held_out_words_are_scored_both_ways(trained: Trained) -> None:
    data, out, _words = trained
    scores = evaluate(load_model(out, LANG), held_out_pairs(LANG, data, out))
    assert {to: s.inputs for to, s in scores.items()} == {"native": 60, "latin": 60}
    assert all(0.0 <= s.top1 <= s.top5 <= 1.0 for s in scores.values())


def test_batched_decoding_gives_what_one_word_at_a_time_gives(trained: Trained) -> None:
    _data, out, words = trained
    model = load_model(out, LANG)
    for to, inputs in (("native", words[340:]), ("latin", [native(w) for w in words[340:]])):
        batched = model.raw_candidates(inputs, to)
        one_by_one = [model.raw_candidates([w], to)[0] for w in inputs]
        assert [[s for s, _ in c] for c in one_by_one] == [[s for s, _ in c] for c in batched]
        assert [v for c in one_by_one for _, v in c] == pytest.approx([v for c in batched for _, v in c], abs=1e-4)
    assert load_model(out, LANG).to_native(words[340:]) == [model.to_native([w])[0] for w in words[340:]]


def test_right_to_left_words_change_and_slack_markup_stays_byte_for_byte(trained: Trained) -> None:
    _data, out, words = trained
    model = load_model(out, LANG)
    markup = "<@U123> <#C1|general> :tada: https://example.com/{w}?x=1 `{w}` 12:30 &amp;"
    a, b = words[0], words[1]
    text = f"{a}، *{b}*! " + markup.format(w=a)
    assert transliterate_text(text, model, "native") == f"{native(a)}، *{native(b)}*! " + markup.format(w=a)
    back = f"{native(a)}، *{native(b)}*! " + markup.format(w=native(a))
    assert transliterate_text(back, model, "latin") == f"{a}، *{b}*! " + markup.format(w=native(a))
    assert transliterate_texts([text, "", "😂 12"], model, "native") == [transliterate_text(text, model, "native"), "", "😂 12"]


def test_the_cli_transliterates_any_language_whose_model_folder_exists(trained: Trained, monkeypatch: pytest.MonkeyPatch) -> None:
    from mixlingo import transliteration
    from mixlingo.cli import app

    _data, out, words = trained
    monkeypatch.setattr(transliteration, "models_dir", lambda: out.parent)
    result = CliRunner().invoke(app, ["transliterate", "--lang", LANG, "-"], input=f"{words[0]} {words[1]}\n\n{words[2]}\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{native(words[0])} {native(words[1])}", "", native(words[2])]


def test_the_model_loads_and_runs_without_torch(trained: Trained) -> None:
    _data, out, words = trained
    code = (
        "import sys\n"
        "sys.modules['torch'] = None  # importing torch now fails\n"
        "from pathlib import Path\n"
        "from mixlingo.adapters.transliteration.model import load_model\n"
        f"model = load_model(Path({str(out)!r}), {LANG!r})\n"
        f"print(model.to_native([{words[0]!r}])[0], model.to_latin(model.to_native([{words[1]!r}]))[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [f"{native(words[0])} {words[1]}"]


def test_train_and_eval_commands_take_the_language_from_the_argument(tmp_path: Path) -> None:
    from mixlingo.cli import app

    write_dakshina_folder(tmp_path)
    out = tmp_path / "model"
    runner = CliRunner()
    train = ["transliterator", "train", "--lang", LANG, "--data-dir", str(tmp_path), "--out", str(out), "--epochs", "1", "--int8"]
    result = runner.invoke(app, train)
    assert result.exit_code == 0, result.output
    assert "top-1" in result.stdout and "model card written" in result.stdout
    import onnx

    assert any(node.op_type == "MatMulInteger" for node in onnx.load(str(out / "to_native.decoder.onnx")).graph.node)  # --int8
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nlicense: cc-by-sa-4.0\nlanguage:\n- zz\n") and "Arabic" in card
    result = runner.invoke(app, ["transliterator", "eval", "--lang", LANG, "--data-dir", str(tmp_path), "--model", str(out), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["native"]["inputs"] == scores["latin"]["inputs"] == 60 and scores["load_seconds"] > 0
    missing = runner.invoke(app, ["transliterator", "train", "--lang", "yy", "--data-dir", str(tmp_path), "--out", str(tmp_path / "yy")])
    assert missing.exit_code == 2 and "has no yy.translit.sampled.train.tsv" in missing.stderr
