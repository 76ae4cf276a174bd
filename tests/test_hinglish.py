"""Hinglish end to end, offline: shipped hi/en tagger → pair choice → plan → Devanagari → a trained
tiny hi→en Marian → Slack. The Marian learnt Devanagari Hindi only, so a romanized word that reached
it unconverted would come out as garbage."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import regex
from slack_harness import Slack, open_app

from mixlingo.adapters.marian import MarianTranslator
from mixlingo.adapters.testing.tiny_models import TINY_HI_EN, build_tiny_marian
from mixlingo.nlp.translation import Candidate

HINGLISH = "kal meeting hai, please report bhej dena"
DEVANAGARI = regex.compile(r"\p{Devanagari}")
ROMANIZED_HINDI = {"kal", "hai", "bhej", "dena"}


class Recording:
    """A real translator that remembers what each direction was given."""

    def __init__(self, inner: MarianTranslator):
        self.inner = inner
        self.notes: list[str] = []
        self.seen: list[tuple[str, str, list[str]]] = []

    def describe(self) -> str:
        return self.inner.describe()

    def has_direction(self, source: str, target: str) -> bool:
        return self.inner.has_direction(source, target)

    def translate(self, texts: Sequence[str], source: str, target: str, n: int) -> list[list[Candidate]]:
        self.seen.append((source, target, list(texts)))
        return self.inner.translate(texts, source, target, n)


@pytest.fixture(scope="module")
def hindi_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-hi-en"), TINY_HI_EN)


@pytest.fixture
def translator(hindi_marian: Path, tmp_path: Path) -> Recording:
    return Recording(MarianTranslator({"hi-en": str(hindi_marian)}, cache_dir=tmp_path / "cache", max_new_tokens=16))


def assert_read_in_devanagari(translator: Recording) -> None:
    [(source, target, [model_input])] = translator.seen
    assert (source, target) == ("hi", "en")
    words = regex.findall(r"[\p{L}\p{M}]+", model_input)
    assert {"कल", "है"} <= set(words) and not ROMANIZED_HINDI & set(words), model_input
    assert {"meeting", "please", "report"} <= set(words)  # English inside the Hindi unit stays as written


async def hinglish_app(tmp_path: Path, slack_fake: Any, translator: Recording) -> Slack:
    bot, database, driver = await open_app(tmp_path, slack_fake, translator=translator, tagger="auto",
                                           pairs="en-es,en-hi", rerank=False, offline=True)
    return Slack(bot, database, driver, slack_fake)


async def test_a_flag_us_on_a_hinglish_message_posts_english(tmp_path: Path, fake: Any, translator: Recording) -> None:
    slack = await hinglish_app(tmp_path, fake, translator)
    try:
        fake.add_message("C1", {"type": "message", "user": "U2", "text": HINGLISH, "ts": "1700000000.000100"})
        await slack.driver.event({"type": "reaction_added", "user": "U1", "reaction": "flag-us", "item_user": "U2",
                                  "item": {"type": "message", "channel": "C1", "ts": "1700000000.000100"},
                                  "event_ts": "1700000001.000200"})
        await slack.driver.settle()
        [post] = fake.of("chat.postMessage")
        assert post.args["text"] == "tomorrow meeting is, please report send give"
        assert "Translated from Hindi → English" in post.args["blocks"][1]["elements"][0]["text"]
        assert_read_in_devanagari(translator)
    finally:
        await slack.driver.close()  # type: ignore[attr-defined]


async def test_an_auto_translate_channel_posts_english_for_hinglish(tmp_path: Path, fake: Any, translator: Recording) -> None:
    slack = await hinglish_app(tmp_path, fake, translator)
    try:
        status, _ = await slack.driver.command("/mixlingo", "autotranslate on en", response_url=fake.response_url("admin"))
        assert status == 200
        await slack.driver.settle()
        await slack.driver.event({"type": "message", "channel": "C1", "user": "U2", "text": HINGLISH, "ts": "100.000001"})
        await slack.driver.settle()
        [post] = fake.of("chat.postMessage")
        assert post.args["text"] == "tomorrow meeting is, please report send give" and post.args["thread_ts"] == "100.000001"
        assert_read_in_devanagari(translator)
    finally:
        await slack.driver.close()  # type: ignore[attr-defined]


async def test_a_reader_can_choose_hindi_in_latin_letters_in_app_home(tmp_path: Path, fake: Any, hindi_marian: Path) -> None:
    both_ways = Recording(MarianTranslator({"hi-en": str(hindi_marian), "en-hi": str(hindi_marian)},
                                           cache_dir=tmp_path / "cache", max_new_tokens=16))
    slack = await hinglish_app(tmp_path, fake, both_ways)
    try:
        await slack.driver.event({"type": "app_home_opened", "user": "U5", "channel": "D1", "tab": "home"})
        await slack.driver.settle()
        view = fake.of("views.publish")[0].args["view"]
        select = [b for b in view["blocks"] if b.get("accessory", {}).get("type") == "static_select"][0]["accessory"]
        options = {o["value"]: o["text"]["text"] for o in select["options"]}
        assert options["hi"] == "Hindi (hi)" and options["hi-Latn"] == "Hindi in Latin letters (hi-Latn)"
        await slack.driver.interaction({
            "type": "block_actions", "team": {"id": "T0001"}, "user": {"id": "U5"}, "trigger_id": "1",
            "view": {"id": "V1", "type": "home"},
            "actions": [{"action_id": "mixlingo_home_language", "block_id": "b", "action_ts": "1", "type": "static_select",
                         "selected_option": {"value": "hi-Latn", "text": {"type": "plain_text", "text": "hi-Latn"}}}]})
        await slack.driver.settle()
        assert (await slack.bot.repo.user("T0001", "U5")).language == "hi-Latn"
        await slack.driver.command("/translate", "tomorrow is", user="U5", response_url=fake.response_url("after"))
        await slack.driver.settle()
        answer = fake.responses[-1][1]["blocks"][0]["text"]["text"]
        assert both_ways.seen[-1][:2] == ("en", "hi") and DEVANAGARI.search(both_ways.seen[-1][2][0]) is None
        assert answer == "kal hai", answer  # the model wrote कल है; the reader asked for Latin letters
    finally:
        await slack.driver.close()  # type: ignore[attr-defined]


HINGLISH_SET = [HINGLISH, "yaar aaj office nahi aa raha hoon", "ye movie bahut achhi thi bro", "mujhe kal tak ka time do please",
                "kya scene hai aaj raat ka?", "main ghar ja raha hu, call me later", "Bhai kal ki meeting cancel ho gayi kya?"]
SPANGLISH_SET = ["Oye, I'll send el reporte mañana, ok?", "vamos a la playa this weekend", "no sé what you mean",
                 "mi amigo said que sí", "la reunión is at noon", "I love this canción so much", "Hola! Can we talk mañana?"]


def test_two_pairs_in_one_workspace_without_cross_talk() -> None:
    from mixlingo.config import load_settings
    from mixlingo.factory import build_tag_pipeline

    nlp = build_tag_pipeline(load_settings(pairs="en-es,en-hi", offline=True)).pipeline
    for text in HINGLISH_SET:
        message = nlp(text)
        assert message.pair == ("en", "hi") and "es" not in {t.lang for t in message.tokens}, (text, message.pair_reason)
        assert "hi" in {t.lang for t in message.tokens}
    for text in SPANGLISH_SET:
        message = nlp(text)
        assert message.pair == ("en", "es") and "hi" not in {t.lang for t in message.tokens}, (text, message.pair_reason)
        assert "es" in {t.lang for t in message.tokens}


def test_explain_shows_the_pair_chosen_and_the_unit_the_model_reads(hindi_marian: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from mixlingo.cli import app

    monkeypatch.setenv("MIXLINGO_PAIRS", "en-es,en-hi")
    monkeypatch.setenv("MIXLINGO_TRANSLATION_MODELS", f"hi-en={hindi_marian}")
    monkeypatch.setenv("MIXLINGO_RERANK", "false")
    monkeypatch.setenv("MIXLINGO_MAX_NEW_TOKENS", "16")
    result = CliRunner().invoke(app, ["translate", "--explain", "--to", "en", HINGLISH])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "pair: en-hi: its tagger's languages fit the 7 words" in out and "en-es 0." in out
    assert "“कल meeting है, please report भेज देना” (written “kal meeting hai, please report bhej dena”)" in out
    assert "tomorrow meeting is, please report send give" in out
