"""Transliteration: the text function keeps everything but words, the word list, the shipped hi model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mixlingo
from mixlingo.adapters.testing.fakes import FakeTransliterator
from mixlingo.adapters.transliteration.model import Reranking, load_model
from mixlingo.adapters.transliteration.wordlist import WordList
from mixlingo.core.errors import InputError
from mixlingo.nlp.transliteration import transliterate_text
from mixlingo.transliteration import available_languages, load_transliterator, models_dir

MARKUP = "<@U123> <#C1|general> :tada: https://example.com/kal?x=hai `kal hai` <https://x.io/kal> &amp; 12:30"


# --- the text function, with a fixed table -------------------------------------------------------------


def fake() -> FakeTransliterator:
    return FakeTransliterator("hi", {"kal": "कल", "hai": "है", "meeting": "मीटिंग"})


def test_only_latin_words_outside_markup_change_and_all_else_is_kept_byte_for_byte() -> None:
    translit = fake()
    text = f"kal  meeting\thai! {MARKUP} कल 😂 #kal"
    out = transliterate_text(text, translit, "native")
    assert out == f"कल  मीटिंग\tहै! {MARKUP} कल 😂 #kal"
    assert translit.calls == [("native", ["kal", "meeting", "hai"])]  # nothing from markup, the hashtag or Devanagari


def test_a_link_label_is_text_readers_see_so_it_changes_but_the_link_does_not() -> None:
    assert transliterate_text("<https://x.io/kal|kal> *hai*", fake(), "native") == "<https://x.io/kal|कल> *है*"


def test_towards_latin_only_words_in_another_script_change() -> None:
    translit = fake()
    out = transliterate_text(f"कल meeting है। {MARKUP}", translit, "latin")
    assert out == f"kal meeting hai। {MARKUP}"
    assert translit.calls == [("latin", ["कल", "है"])]


def test_text_without_words_in_the_source_script_is_returned_as_it_is() -> None:
    translit = fake()
    assert transliterate_text(MARKUP, translit, "native") == MARKUP
    assert transliterate_text("kal hai", translit, "latin") == "kal hai"
    assert translit.calls == []


# --- the word list used for re-ranking ------------------------------------------------------------------


def test_the_word_list_keeps_the_highest_frequency_and_marks_listed_words_without_one(tmp_path: Path) -> None:
    words = WordList.build([{"कल": 0.01, "है": 0.02}, {"कल": 0.001, "नमस्ते": 1e-5}], [["नमस्ते", "दोस्त"]])
    words.save(tmp_path / "words.npz")
    loaded = WordList.load(tmp_path / "words.npz")
    frequency, listed = loaded.lookup(["कल", "है", "नमस्ते", "दोस्त", "कलम"])
    assert listed.tolist() == [True, True, True, True, False]
    assert frequency[:3] == pytest.approx(np.log([0.01, 0.02, 1e-5]), abs=2e-2)  # float16
    assert np.isnan(frequency[3:]).all()
    assert Reranking(1.0, listed=-14.0, unknown=-20.0).feature(frequency, listed)[3:].tolist() == [-14.0, -20.0]
    assert WordList.build([], []).lookup(["कल"])[1].tolist() == [False]


# --- the shipped hi model --------------------------------------------------------------------------------


def test_hindi_ships() -> None:
    assert "hi" in available_languages()


@pytest.mark.parametrize(("latin", "native"), [("namaste", "नमस्ते"), ("kal", "कल"), ("hai", "है"), ("Nahin", "नहीं"), ("dost", "दोस्त")])
def test_the_shipped_model_writes_common_words_in_devanagari(latin: str, native: str) -> None:
    assert mixlingo.transliterate(latin) == native


def test_the_character_model_alone_gets_words_it_has_to_spell() -> None:
    model = load_transliterator("hi")
    assert "नमस्ते" in model.candidates("namaste", "native", 5)  # type: ignore[attr-defined]


def test_a_batch_of_words_comes_out_as_each_word_alone_would() -> None:
    words = ["namaste", "kal", "zindagi", "pustakalay", "bhagwan", "mausam", "x", "shukriya", "kitaab", "aasmaan", "Dilli"]
    batched = load_model(models_dir() / "hi", "hi")
    alone = load_model(models_dir() / "hi", "hi")
    assert batched.to_native(words) == [alone.to_native([w])[0] for w in words]
    assert batched.candidates_batch(words, "native", 5) == [alone.candidates(w, "native", 5) for w in words]
    native = batched.to_native(words)
    assert load_model(models_dir() / "hi", "hi").to_latin(native) == [alone.to_latin([w])[0] for w in native]


def test_a_message_keeps_markup_and_english_letters_with_accents() -> None:
    text = f"kal milte hain café {MARKUP}"
    out = mixlingo.transliterate(text)
    assert out.endswith(f" café {MARKUP}")
    assert out.startswith("कल ") and "kal" not in out.split("café")[0]


@pytest.mark.parametrize("native", ["है", "कल", "नमस्ते", "में", "नहीं"])
def test_common_words_survive_a_round_trip(native: str) -> None:
    assert mixlingo.transliterate(mixlingo.transliterate(native, to="latin")) == native


def test_towards_latin_leaves_latin_and_markup_alone() -> None:
    assert mixlingo.transliterate(f"कल meeting है {MARKUP}", to="latin") == f"kal meeting hai {MARKUP}"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"text": "  "}, "empty"), ({"text": "kal", "lang": "xx"}, "available: bn, hi"), ({"text": "kal", "to": "roman"}, "'native'")],
)
def test_bad_input_is_an_input_error(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        mixlingo.transliterate(**kwargs)


def test_loading_and_using_the_model_imports_no_torch() -> None:  # onnxruntime runs the networks
    code = (
        "import sys, mixlingo\n"
        "assert mixlingo.transliterate('kal meeting hai') \n"
        "assert mixlingo.transliterate('कल', to='latin')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
