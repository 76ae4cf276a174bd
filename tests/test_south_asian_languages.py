"""The twelve South Asian languages that ship offline: their taggers load without torch, tag code-mixed
messages, and a workspace with all twelve pairs routes each message to its own language."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mixlingo.config import load_settings
from mixlingo.factory import build_tag_pipeline, shipped_embedded

LANGUAGES = ("hi", "bn", "gu", "kn", "ml", "mr", "pa", "sd", "si", "ta", "te", "ur")
ALL_PAIRS = ",".join(f"en-{lang}" for lang in LANGUAGES)

# Messages as people type them: romanized, with English words; the tags asserted are the clear ones.
MESSAGES = {
    "ta": ("naalaikku meeting irukku , report anuppu", {"naalaikku": "ta", "meeting": "en", "irukku": "ta", "report": "en"}),
    "ur": ("aap kaise hain , meeting kal hai please report bhej dena",
           {"aap": "ur", "kaise": "ur", "meeting": "en", "please": "en", "report": "en", "bhej": "ur"}),
    "bn": ("ami kal office jabo , tumi report ta pathiye dao",
           {"ami": "bn", "jabo": "bn", "office": "en", "tumi": "bn", "report": "en", "pathiye": "bn"}),
}
ROUTED = {  # one plain romanized sentence per language, no English: which pair a workspace with all twelve picks
    "hi": "mujhe nahi pata ki woh kab aayega",
    "bn": "ami tomake onek bhalobashi ebong tomar jonno opekkha korbo",
    "ta": "naan inniki veetukku varamaatten enakku romba velai irukku",
    "ur": "mujhe nahi pata ki woh kab aayega",
}


def test_every_language_ships_a_tagger() -> None:
    shipped = {lang for langs in shipped_embedded().values() for lang in langs if lang != "en"}
    assert set(LANGUAGES) <= shipped, sorted(set(LANGUAGES) - shipped)


def test_every_tagger_loads_and_tags_without_torch() -> None:
    probe = (
        "import sys\n"
        "from mixlingo.factory import shipped_embedded, load_embedded\n"
        "for directory in shipped_embedded():\n"
        "    tags = load_embedded(directory).tag_batch([['kal', 'meeting', 'hai', '!']])[0]\n"
        "    assert [t.lang for t in tags][1:] == ['en', tags[2].lang, 'other'], (directory, tags)\n"
        "print('torch' in sys.modules)\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "False"


def pipeline(monkeypatch: pytest.MonkeyPatch, pairs: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MIXLINGO_PAIRS", pairs)
    monkeypatch.setenv("MIXLINGO_TAGGER", "embedded")
    return build_tag_pipeline(load_settings()).pipeline


@pytest.mark.parametrize("lang", sorted(MESSAGES))
def test_a_code_mixed_message_is_tagged_word_by_word(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text, expected = MESSAGES[lang]
    message = pipeline(monkeypatch, f"en-{lang}")(text)
    tags = {t.text.lower(): t.lang for t in message.tokens if t.is_word}
    assert message.pair == ("en", lang)
    assert {word: tags[word] for word in expected} == expected


@pytest.mark.parametrize("lang", sorted(ROUTED))
def test_all_twelve_pairs_route_a_message_to_its_language(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    message = pipeline(monkeypatch, ALL_PAIRS)(ROUTED[lang])
    accepted = {"hi", "ur"} if lang in ("hi", "ur") else {lang}  # one spoken language in two scripts: either pair
    assert set(message.pair) - {"en"} <= accepted, (message.pair, message.pair_reason)
    assert all(f"en-{other}" in message.pair_reason for other in LANGUAGES if f"en-{other}" != "-".join(message.pair))


EN_UR = {"please": "براہ", "send": "بھیجیں", "the": "", "report": "رپورٹ", "tomorrow": "کل", "meeting": "میٹنگ", "is": "ہے"}


@pytest.mark.parametrize("text", [
    "please send *the report* tomorrow <@U024BE7LH> :tada:",
    "<https://example.com/r|the report> meeting tomorrow `code stays` <#C123|general>",
    "_please_ send the report ~tomorrow~\n&gt; meeting is tomorrow",
])
def test_perso_arabic_output_keeps_slack_markup_byte_for_byte(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Urdu is written right to left; the markup around and inside the translation must come back as sent."""
    from mixlingo.adapters.testing.fakes import FakeEncoder, FakeTranslator
    from mixlingo.factory import build_translate_pipeline
    from mixlingo.nlp.markup import find_protected

    monkeypatch.setenv("MIXLINGO_PAIRS", "en-ur")
    monkeypatch.setenv("MIXLINGO_TAGGER", "embedded")
    built = build_translate_pipeline(load_settings(), strategy="whole",
                                     translator=FakeTranslator({("en", "ur"): EN_UR}), encoder=FakeEncoder({}))
    out = built.pipeline.run(text, target="ur").translation.text
    assert any("\u0600" <= c <= "\u06ff" for c in out), out  # the translation is in Perso-Arabic script
    for piece in find_protected(text):
        assert piece.text in out, (piece.text, out)


TRANSLITERATION = {  # known spellings (the shipped lexicons' most common reading); unseen words go through the network
    "ur": ("aap kaise hain", "آپ کیسے ہیں"),
    "ta": ("naalaikku nalla irukku", "நாளைக்கு நல்ல இருக்கு"),
    "sd": ("tawhan kithe aahe", "توهان ڪٿي آهي"),
    "te": ("oka mariyu koodaa", "ఒక మరియు కూడా"),
    "bn": ("ebong tini kore", "এবং তিনি করে"),
    "ml": ("oru enna cheythu", "ഒരു എന്ന ചെയ്തു"),
}


@pytest.mark.parametrize("lang", sorted(TRANSLITERATION))
def test_transliteration_both_ways_keeps_markup(lang: str) -> None:
    from mixlingo.transliteration import available_languages, transliterate

    assert lang in available_languages()
    latin, native = TRANSLITERATION[lang]
    assert transliterate(latin, lang=lang) == native
    back = transliterate(native, lang=lang, to="latin")
    assert back.isascii() and len(back.split()) == len(latin.split())
    marked = f"<@U024BE7LH> *{latin}* :tada: <https://example.com/r?q=1> `code`"
    out = transliterate(marked, lang=lang)
    assert out == f"<@U024BE7LH> *{native}* :tada: <https://example.com/r?q=1> `code`"  # markup byte for byte
