"""Transliteration: the text function keeps everything but words, the graphone model's parts, the shipped hi model."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

import mixlingo
from mixlingo.adapters.testing.fakes import FakeTransliterator
from mixlingo.adapters.transliteration.alignment import best_alignment, train_alignment
from mixlingo.adapters.transliteration.decoder import decode
from mixlingo.adapters.transliteration.model import well_formed
from mixlingo.adapters.transliteration.ngram import NGramModel, train_ngram
from mixlingo.errors import InputError
from mixlingo.nlp.transliteration import transliterate_text
from mixlingo.transliteration import available_languages, load_transliterator

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


# --- the model's parts -----------------------------------------------------------------------------------


def test_kneser_ney_probabilities_sum_to_one_and_keyed_lookups_match_the_tuples() -> None:
    sequences = [[1, 2, 3], [1, 2, 2, 3], [3, 1], [2, 2, 1, 3], [1, 3, 3, 2]] * 3
    trained = train_ngram(sequences, 3, 4)
    loaded = NGramModel.from_arrays(trained.to_arrays())
    for history in [(0,), (0, 1), (1, 2), (3, 3), (2, 1)]:
        assert sum(math.exp(loaded.score(history, t)) for t in range(4)) == pytest.approx(1.0, abs=1e-5)
        for token in range(4):
            assert loaded.score(history, token) == pytest.approx(trained.score(history, token), abs=1e-5)
    assert loaded.score((1, 2), 3) > loaded.score((1, 2), 1)  # 1 2 → 3 was seen, 1 2 → 1 never


def test_em_alignment_finds_the_chunks_a_small_lexicon_shares() -> None:
    pairs = [("kala", "काला", 1.0), ("kal", "कल", 1.0), ("lal", "लल", 1.0), ("lala", "लाला", 1.0), ("kaka", "काका", 1.0)]
    table = train_alignment(pairs, max_chunk=2, iterations=5)
    for latin, native, _weight in pairs:
        path = best_alignment(latin, native, table, 2)
        assert path and "".join(a for a, _b in path) == latin and "".join(b for _a, b in path) == native
    assert best_alignment("kaka", "काका", table, 2) == [("ka", "का"), ("ka", "का")]
    assert best_alignment("kala", "काला", table, 2) == [("ka", "का"), ("la", "ला")]  # the chunks kaka and lala share
    assert best_alignment("xyz", "कल", table, 2) is None


def test_beam_search_writes_an_unseen_word_from_learned_graphones() -> None:
    graphones = [("ka", "क"), ("la", "ल"), ("l", "ल"), ("k", "क")]
    ids = {latin: i for i, (latin, _native) in enumerate(graphones, 1)}
    model = NGramModel.from_arrays(train_ngram([[ids["ka"], ids["l"]], [ids["la"], ids["ka"]], [ids["ka"], ids["la"]]], 3, 5).to_arrays())
    choices: dict[str, list[tuple[int, str]]] = {}
    for i, (latin, native) in enumerate(graphones, 1):
        choices.setdefault(latin, []).append((i, native))
    best = decode("lakal", choices, model, beam=8, nbest=3, max_chunk=2)
    assert best[0][0] == "लकल" and all(score <= 0 for _w, score in best)
    assert decode("qqq", choices, model) == []


def test_malformed_devanagari_is_recognized() -> None:
    assert well_formed("नमस्ते") and well_formed("कृष्ण") and well_formed("दुःख")
    assert not well_formed("ि") and not well_formed("श्ीरा") and not well_formed("क्ं")


# --- the shipped hi model --------------------------------------------------------------------------------


def test_hindi_ships() -> None:
    assert "hi" in available_languages()


@pytest.mark.parametrize(("latin", "native"), [("namaste", "नमस्ते"), ("kal", "कल"), ("hai", "है"), ("Nahin", "नहीं"), ("dost", "दोस्त")])
def test_the_shipped_model_writes_common_words_in_devanagari(latin: str, native: str) -> None:
    assert mixlingo.transliterate(latin) == native


def test_the_character_model_alone_gets_words_it_has_to_spell() -> None:
    model = load_transliterator("hi")
    assert "नमस्ते" in model.candidates("namaste", "native", 5)  # type: ignore[attr-defined]


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
    [({"text": "  "}, "empty"), ({"text": "kal", "lang": "xx"}, "available: hi"), ({"text": "kal", "to": "roman"}, "'native'")],
)
def test_bad_input_is_an_input_error(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        mixlingo.transliterate(**kwargs)


def test_loading_and_using_the_model_imports_no_torch() -> None:
    code = (
        "import sys, mixlingo\n"
        "assert mixlingo.transliterate('kal meeting hai') \n"
        "assert mixlingo.transliterate('कल', to='latin')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers', 'onnxruntime')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
