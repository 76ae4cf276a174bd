"""Auto-translate channels, edit/delete sync, and no loops."""

from __future__ import annotations

import logging

import pytest

from mixlingo.bot import metrics
from slack_harness import BOT_ID, BOT_USER, Slack, fake, slack  # noqa: F401  (fixtures)

MIXED = {"type": "message", "channel": "C1", "user": "U2", "text": "Oye, I'll send el reporte mañana, ok?", "ts": "100.000001"}


async def turn_on(slack: Slack, text: str = "autotranslate on es,en") -> dict:
    status, _ = await slack.driver.command("/mixlingo", text, response_url=slack.fake.response_url("admin"))
    assert status == 200
    await slack.driver.settle()
    return slack.fake.responses[-1][1]


def posts(slack: Slack) -> dict[str, str]:
    """Posted translation text per target language, read from the context line."""
    out = {}
    for call in slack.fake.of("chat.postMessage"):
        context = call.args["blocks"][-2]["elements"][0]["text"]
        target = "en" if "→ English" in context else "es"
        assert target not in out, "posted twice"
        out[target] = call.args["text"]
    return out


async def test_code_switched_message_is_translated_per_target_by_the_plans_strategy(slack: Slack) -> None:
    answer = await turn_on(slack)
    assert answer["response_type"] == "in_channel" and "Spanish (es) and English (en)" in answer["text"]
    await slack.driver.event(MIXED)
    await slack.driver.settle()
    # en: mostly Spanish → whole message from Spanish; es: mostly Spanish → only the English spans
    assert posts(slack) == {"en": "hey, I'll send the report tomorrow, ok?", "es": "Oye, yo envío el reporte mañana, vale?"}
    for call in slack.fake.of("chat.postMessage"):
        assert call.args["thread_ts"] == MIXED["ts"]
    spans_context = [c.args["blocks"][-2]["elements"][0]["text"] for c in slack.fake.of("chat.postMessage")]
    assert any("Translated the English parts → Spanish" in x for x in spans_context)


async def test_message_already_in_a_target_gets_nothing_for_it(slack: Slack) -> None:
    await turn_on(slack)
    await slack.driver.event({**MIXED, "text": "the report is ready", "ts": "101.000001"})
    await slack.driver.settle()
    assert posts(slack) == {"es": "el reporte es lista"}


async def test_no_loops_and_no_noise(slack: Slack) -> None:
    await turn_on(slack)
    skipped = [
        {**MIXED, "ts": "200.1", "bot_id": BOT_ID, "user": BOT_USER, "subtype": "bot_message"},  # our own post
        {**MIXED, "ts": "200.2", "bot_id": "BOTHER", "subtype": "bot_message", "user": None},  # another bot's auto-post
        {**MIXED, "ts": "200.3", "bot_id": "BOTHER", "app_id": "A9", "bot_profile": {"id": "B"}},  # bot with user set
        {**MIXED, "ts": "200.4", "subtype": "channel_join", "text": "<@U2> has joined the channel"},
        {**MIXED, "ts": "200.5", "subtype": "channel_topic", "text": "set the topic: hola"},
        {**MIXED, "ts": "200.6", "text": ""},
        {**MIXED, "ts": "200.7", "text": "   "},
    ]
    for event in skipped:
        await slack.driver.event(event)
    await slack.driver.settle()
    assert slack.fake.of("chat.postMessage") == []
    # and the translation posts themselves, echoed back as events, produce nothing
    await slack.driver.event(MIXED)
    await slack.driver.settle()
    for call in list(slack.fake.of("chat.postMessage")):
        await slack.driver.event({"type": "message", "subtype": "bot_message", "channel": "C1", "bot_id": BOT_ID,
                                  "text": call.args["text"], "ts": "300.1", "thread_ts": MIXED["ts"]})
    await slack.driver.settle()
    assert len(slack.fake.of("chat.postMessage")) == 2


async def test_off_channels_and_opted_out_people_are_left_alone(slack: Slack) -> None:
    await slack.driver.event(MIXED)  # auto-translate never turned on
    await turn_on(slack)
    await slack.bot.repo.set_user("T0001", "U3", auto_translate_mine=False)
    await slack.driver.event({**MIXED, "user": "U3", "ts": "102.1"})
    await turn_on(slack, "autotranslate off")
    await slack.driver.event({**MIXED, "ts": "102.2"})
    await slack.driver.settle()
    assert slack.fake.of("chat.postMessage") == []
    status = await turn_on(slack, "autotranslate status")
    assert "Auto-translate is *off*" in status["text"]


async def test_edit_updates_and_delete_deletes_the_translations(slack: Slack) -> None:
    await turn_on(slack)
    await slack.driver.event(MIXED)
    await slack.driver.settle()
    en_ts = ["2001.000100", "2002.000100"]  # the ts the fake Slack gave the two posts
    edited = {**MIXED, "text": "Oye, I'll send la casa mañana, ok?", "edited": {"user": "U2", "ts": "150.0"}}
    await slack.driver.event({"type": "message", "subtype": "message_changed", "channel": "C1", "hidden": True,
                              "message": edited, "previous_message": MIXED, "ts": "150.0"})
    await slack.driver.settle()
    updates = {c.args["ts"]: c.args["text"] for c in slack.fake.of("chat.update")}
    assert sorted(updates) == en_ts and set(updates.values()) == {"hey, I'll send the house tomorrow, ok?",
                                                                  "Oye, yo envío la casa mañana, vale?"}
    assert len(slack.fake.of("chat.postMessage")) == 2  # updated, not re-posted
    # an edit into plain English: the English translation is no longer needed and goes away
    english = {**MIXED, "text": "the report is ready"}
    await slack.driver.event({"type": "message", "subtype": "message_changed", "channel": "C1", "hidden": True,
                              "message": english, "previous_message": edited, "ts": "151.0"})
    await slack.driver.settle()
    records = await slack.bot.repo.records("T0001", "C1", MIXED["ts"])
    assert [r.target for r in records] == ["es"]
    [deleted] = slack.fake.of("chat.delete")
    assert deleted.args["ts"] not in {r.posted_ts for r in records}
    # deleting the source deletes what is left
    await slack.driver.event({"type": "message", "subtype": "message_deleted", "channel": "C1", "hidden": True,
                              "deleted_ts": MIXED["ts"], "previous_message": english, "ts": "152.0"})
    await slack.driver.settle()
    assert sorted(c.args["ts"] for c in slack.fake.of("chat.delete")) == en_ts
    assert await slack.bot.repo.records("T0001", "C1", MIXED["ts"]) == []


async def test_edit_of_a_reaction_translation_outside_auto_channels(slack: Slack) -> None:
    slack.fake.add_message("C2", {**MIXED, "channel": "C2"})
    await slack.driver.event({"type": "reaction_added", "user": "U1", "reaction": "us",
                              "item": {"type": "message", "channel": "C2", "ts": MIXED["ts"]}})
    await slack.driver.settle()
    assert len(slack.fake.of("chat.postMessage")) == 1
    unfurl_only = {**MIXED, "channel": "C2", "attachments": []}
    await slack.driver.event({"type": "message", "subtype": "message_changed", "channel": "C2",
                              "message": unfurl_only, "previous_message": MIXED})  # text unchanged: nothing to do
    await slack.driver.event({"type": "message", "subtype": "message_changed", "channel": "C2",
                              "message": {**MIXED, "text": "hola amigo"}, "previous_message": MIXED})
    await slack.driver.settle()
    [update] = slack.fake.of("chat.update")
    assert update.args["ts"] == "2001.000100" and update.args["text"] == "hello friend"  # the post's ts
    assert len(slack.fake.of("chat.postMessage")) == 1


async def test_inline_mode_posts_in_the_channel(slack: Slack) -> None:
    await turn_on(slack, "autotranslate on en inline")
    await slack.driver.event(MIXED)
    await slack.driver.settle()
    [post] = slack.fake.of("chat.postMessage")
    assert "thread_ts" not in post.args or post.args["thread_ts"] is None
    status = await turn_on(slack, "autotranslate status")
    assert "into English (en), posted inline" in status["text"]


async def test_admin_command_explains_bad_input(slack: Slack) -> None:
    for text, expected in [("", "Usage:"), ("autotranslate on", "Say which languages"),
                           ("autotranslate on es,xx", "`xx`"), ("autotranslate off now", "takes nothing after it")]:
        status, body = await slack.driver.command("/mixlingo", text, response_url=slack.fake.response_url())
        assert status == 200 and expected in body, (text, body)
    await slack.driver.settle()
    assert slack.fake.responses == []
    assert (await slack.bot.repo.channel("T0001", "C1")).auto_translate is False


async def test_skipped_messages_are_logged_and_counted_never_posted(slack: Slack, caplog: pytest.LogCaptureFixture) -> None:
    """Row 12: a 40,001-character message in an auto-translate channel was skipped with no log line and no metric."""
    await turn_on(slack, "autotranslate on en")
    caplog.set_level(logging.INFO)  # bolt sets the "mixlingo" logger to the root's level on each request
    before = {r: metrics.SKIPPED.labels(r)._value.get() for r in ("too_long", "nothing_to_translate")}
    await slack.driver.event({**MIXED, "text": "hola " * 8000 + "x", "ts": "200.000001"})  # 40,001 characters
    await slack.driver.event({**MIXED, "text": "thanks, see you tomorrow", "ts": "201.000001"})  # already English
    await slack.driver.settle()
    assert slack.fake.of("chat.postMessage") == []
    assert {r: metrics.SKIPPED.labels(r)._value.get() - before[r] for r in before} == {"too_long": 1, "nothing_to_translate": 1}
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("mixlingo") and "skipped" in r.getMessage()]
    assert len(lines) == 2 and all(r.levelno == logging.INFO for r in caplog.records if "skipped" in r.getMessage())
    assert "C1/200.000001 (too_long): 40,001 characters, over MIXLINGO_MAX_MESSAGE_CHARS (40,000)" in lines[0]
    assert "C1/201.000001 (nothing_to_translate): into en:" in lines[1] and "thanks" not in lines[1]
