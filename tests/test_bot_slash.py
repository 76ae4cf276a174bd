"""/translate over HTTP: signed requests in, what reaches Slack's response_url out."""

from __future__ import annotations

import time

from slack_harness import SECRET, Slack, sign

from mixlingo.bot.listeners.commands.translate import parse
from mixlingo.core.errors import InputError, ModelUnavailableError

import pytest


def texts(blocks: list[dict]) -> list[str]:
    out = []
    for block in blocks:
        if block["type"] == "section":
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out += [e["text"] for e in block["elements"]]
    return out


async def test_translate_is_ephemeral_by_default_with_context_and_buttons(slack: Slack) -> None:
    status, _ = await slack.driver.command("/translate", "es hello friend, the meeting is ready", response_url=slack.fake.response_url("a"))
    assert status == 200
    await slack.driver.settle()
    [(name, body)] = slack.fake.responses
    assert name == "a" and body["response_type"] == "ephemeral"
    shown = texts(body["blocks"])
    assert shown[0] == "hola amigo, el reunión es lista"
    assert "Translated from English → Spanish" in shown[1] and "requested by <@U1>" in shown[1]
    actions = [b for b in body["blocks"] if b["type"] == "actions"][0]["elements"]
    assert [a["action_id"] for a in actions] == ["mixlingo_show_tags", "mixlingo_show_original"]
    assert slack.fake.of("chat.postMessage") == []  # nothing public


async def test_public_option_posts_in_channel_and_default_target_is_english(slack: Slack) -> None:
    await slack.driver.command("/translate", "--public oye, el reporte mañana", response_url=slack.fake.response_url())
    await slack.driver.settle()
    [(_, body)] = slack.fake.responses
    assert body["response_type"] == "in_channel"
    assert texts(body["blocks"])[0] == "hey, the report tomorrow"


async def test_user_preference_is_the_default_target(slack: Slack) -> None:
    await slack.bot.repo.set_user("T0001", "U7", language="es")
    await slack.driver.command("/translate", "the report is ready", user="U7", response_url=slack.fake.response_url())
    await slack.driver.settle()
    assert texts(slack.fake.responses[0][1]["blocks"])[0] == "el reporte es lista"


async def test_an_upper_case_language_is_the_lower_case_one(slack: Slack) -> None:
    """A stored language ``ES`` (or ``/translate --to ES``) looked for an en→ES model; it is Spanish."""
    await slack.bot.repo.set_user("T0001", "U7", language="ES")
    await slack.driver.command("/translate", "the report is ready", user="U7", response_url=slack.fake.response_url())
    await slack.driver.command("/translate", "--to ES the report is ready", response_url=slack.fake.response_url())
    await slack.driver.command("/translate", "ES the report is ready", response_url=slack.fake.response_url())
    await slack.driver.settle()
    assert [texts(body["blocks"])[0] for _, body in slack.fake.responses] == ["el reporte es lista"] * 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "Usage:"), ("   ", "Usage:"), ("--to fr bonjour", "Supported: English (en), Spanish (es)"), ("help", "Usage:")],
)
async def test_bad_input_is_answered_in_the_ack_with_what_to_do(slack: Slack, text: str, expected: str) -> None:
    status, body = await slack.driver.command("/translate", text, response_url=slack.fake.response_url())
    assert status == 200 and expected in body and '"response_type": "ephemeral"' in body
    await slack.driver.settle()
    assert slack.fake.responses == [] and slack.fake.of("chat.postMessage") == []


async def test_nothing_to_translate_is_said_not_dropped(slack: Slack) -> None:
    await slack.driver.command("/translate", "en the report is ready", response_url=slack.fake.response_url())
    await slack.driver.settle()
    assert "Nothing to translate into English (en): every word is already in en" in slack.fake.responses[0][1]["text"]


async def test_bad_signature_and_stale_timestamp_are_rejected_and_do_nothing(slack: Slack) -> None:
    body = "command=%2Ftranslate&text=es+hello&user_id=U1&channel_id=C1&team_id=T0001&response_url=" + slack.fake.response_url()
    wrong = sign(body, secret="not-the-secret")
    stale = sign(body, timestamp=int(time.time()) - 10 * 60)
    assert (await slack.driver.post(body, "application/x-www-form-urlencoded", signature=wrong))[0] == 401
    assert (await slack.driver.post(body, "application/x-www-form-urlencoded", signature=stale))[0] == 401
    assert (await slack.driver.post(body, "application/x-www-form-urlencoded", signature={}))[0] == 401
    await slack.driver.settle()
    assert slack.fake.responses == [] and slack.fake.calls == []
    assert SECRET != "not-the-secret"


class MissingModels:
    """A translator whose models are not downloaded."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def describe(self) -> str:
        return "nothing (models missing)"

    def has_direction(self, source: str, target: str) -> bool:
        return True

    def translate(self, texts, source, target, n):
        raise ModelUnavailableError(f"model 'opus-mt-{source}-{target}' is not in the cache; run `mixlingo models pull`")


async def test_missing_models_give_a_plain_words_reply(tmp_path, fake) -> None:
    from slack_harness import open_app

    _, _, driver = await open_app(tmp_path, fake, translator=MissingModels())
    try:
        await driver.command("/translate", "es hello friend", response_url=fake.response_url())
        await driver.settle()
        text = fake.responses[0][1]["text"]
        assert "Could not translate into Spanish (es): the translation models are not available" in text
        assert "mixlingo models pull" in text
    finally:
        await driver.close()


def test_parse_keeps_line_breaks_and_accepts_explicit_targets() -> None:
    request = parse("to:es hi there\n> quoted --public", ("en", "es"))
    assert request.target == "es" and request.public and request.text == "hi there\n> quoted"
    assert parse("la casa", ("en", "es")).target is None  # "la" is a word here, not a target
    with pytest.raises(InputError, match="not a language mixlingo can translate into"):
        parse("--to=xx hola", ("en", "es"))


def test_a_language_with_a_script_is_named_the_way_the_supported_list_names_it() -> None:
    """``HI-LATN``/``hi-latn`` were lowered to ``hi-latn``, which no supported ``hi-Latn`` matched."""
    from mixlingo.bot.listeners.commands.autotranslate import parse as parse_auto

    supported = ("en", "es", "hi", "hi-Latn")
    assert parse("--to HI-LATN kal milte hain", supported).target == "hi-Latn"
    assert parse("hi-latn kal milte hain", supported).target == "hi-Latn"
    assert parse_auto("autotranslate on ES,hi-LATN", supported).languages == ("es", "hi-Latn")
