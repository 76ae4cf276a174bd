"""Message shortcut, the "show tags"/"show original" buttons, and App Home settings."""

from __future__ import annotations

import json

from slack_harness import Slack

from mixlingo.bot.slack_text import message_text

BOT_MESSAGE = {
    "type": "message", "subtype": "bot_message", "bot_id": "BDEPLOY", "ts": "300.000001", "text": "",
    "attachments": [{"pretext": "Oye amigo", "text": "la casa es muy bonita", "fallback": "deploy"}],
}


def shortcut_payload(slack: Slack, message: dict, user: str = "U1") -> dict:
    return {"type": "message_action", "callback_id": "mixlingo_translate_message", "trigger_id": "1.2",
            "team": {"id": "T0001", "domain": "test"}, "user": {"id": user, "team_id": "T0001"},
            "channel": {"id": "C1", "name": "general"}, "message": message, "message_ts": message["ts"],
            "response_url": slack.fake.response_url("shortcut"), "token": "legacy"}


async def test_shortcut_translates_bot_attachment_text_privately_into_the_clickers_language(slack: Slack) -> None:
    status, _ = await slack.driver.interaction(shortcut_payload(slack, BOT_MESSAGE))
    assert status == 200
    await slack.driver.settle()
    [(name, body)] = slack.fake.responses
    assert name == "shortcut" and body["response_type"] == "ephemeral"
    assert body["blocks"][0]["text"]["text"] == "hey friend\nthe house is very pretty"
    assert slack.fake.of("chat.postMessage") == []


async def test_shortcut_uses_the_app_home_language_and_privacy(slack: Slack) -> None:
    await slack.bot.repo.set_user("T0001", "U4", language="es", show_requester=False)
    await slack.driver.interaction(shortcut_payload(slack, {"type": "message", "user": "U2", "ts": "1.1",
                                                            "text": "thanks, see you tomorrow"}, user="U4"))
    await slack.driver.settle()
    body = slack.fake.responses[0][1]
    assert body["blocks"][0]["text"]["text"] == "gracias, vemos te mañana"
    assert "requested by" not in body["blocks"][1]["elements"][0]["text"]


async def test_shortcut_on_a_message_without_text_says_so(slack: Slack) -> None:
    await slack.driver.interaction(shortcut_payload(slack, {"type": "message", "user": "U2", "ts": "1.2", "text": "",
                                                            "files": [{"id": "F1"}]}))
    await slack.driver.settle()
    assert "no text to translate" in slack.fake.responses[0][1]["text"]


async def test_show_tags_and_show_original_buttons(slack: Slack) -> None:
    await slack.driver.command("/translate", "Oye, I'll send el reporte mañana", response_url=slack.fake.response_url("t"))
    await slack.driver.settle()
    buttons = {b["action_id"]: b for b in slack.fake.responses[0][1]["blocks"][-1]["elements"]}
    for action_id in ("mixlingo_show_tags", "mixlingo_show_original"):
        payload = {"type": "block_actions", "team": {"id": "T0001"}, "user": {"id": "U1"}, "channel": {"id": "C1"},
                   "container": {"type": "message", "is_ephemeral": True}, "trigger_id": "1.3",
                   "response_url": slack.fake.response_url(action_id), "actions": [{**buttons[action_id], "block_id": "b",
                   "action_ts": "1.4", "type": "button"}]}
        assert (await slack.driver.interaction(payload))[0] == 200
    await slack.driver.settle()
    answers = dict(slack.fake.responses[1:])
    tags = answers["mixlingo_show_tags"]
    assert tags["response_type"] == "ephemeral" and tags["replace_original"] is False
    assert tags["blocks"][0]["text"]["text"] == "*es* · Oye\n*en* · I'll send\n*es* · el reporte mañana"
    assert "tagger: lexicon" in tags["blocks"][1]["elements"][0]["text"]
    assert answers["mixlingo_show_original"]["blocks"][0]["text"]["text"] == ">Oye, I'll send el reporte mañana"


async def test_show_original_of_a_posted_translation_reads_the_source_message(slack: Slack) -> None:
    slack.fake.add_message("C1", {"type": "message", "user": "U2", "ts": "9.1", "text": "hola amigo"})
    value = json.dumps({"ch": "C1", "ts": "9.1"})
    await slack.driver.interaction({"type": "block_actions", "team": {"id": "T0001"}, "user": {"id": "U1"},
                                    "response_url": slack.fake.response_url("o"), "trigger_id": "1",
                                    "actions": [{"action_id": "mixlingo_show_original", "value": value, "type": "button",
                                                 "block_id": "b", "action_ts": "1"}]})
    await slack.driver.settle()
    assert slack.fake.responses[0][1]["blocks"][0]["text"]["text"] == ">hola amigo"


async def test_app_home_shows_and_saves_language_and_privacy(slack: Slack) -> None:
    await slack.driver.event({"type": "app_home_opened", "user": "U5", "channel": "D1", "tab": "home"})
    await slack.driver.settle()
    [first] = slack.fake.of("views.publish")
    assert first.args["user_id"] == "U5"
    view = first.args["view"]
    select = [b for b in view["blocks"] if b.get("accessory", {}).get("type") == "static_select"][0]["accessory"]
    # the pair's languages, then the other directions of the translation models (en→hi)
    assert [o["value"] for o in select["options"]] == ["en", "es", "hi"] and select["initial_option"]["value"] == "en"

    def action(action_id: str, **fields: object) -> dict:
        return {"type": "block_actions", "team": {"id": "T0001"}, "user": {"id": "U5"}, "trigger_id": "1",
                "view": {"id": "V1", "type": "home"}, "actions": [{"action_id": action_id, "block_id": "b",
                "action_ts": "1", **fields}]}

    await slack.driver.interaction(action("mixlingo_home_language", type="static_select",
                                          selected_option={"value": "es", "text": {"type": "plain_text", "text": "es"}}))
    await slack.driver.settle()
    await slack.driver.interaction(action("mixlingo_home_privacy", type="checkboxes", selected_options=[{"value": "auto_translate_mine"}]))
    await slack.driver.settle()
    prefs = await slack.bot.repo.user("T0001", "U5")
    assert (prefs.language, prefs.auto_translate_mine, prefs.show_requester) == ("es", True, False)
    last = slack.fake.of("views.publish")[-1].args["view"]
    select = [b for b in last["blocks"] if b.get("accessory", {}).get("type") == "static_select"][0]["accessory"]
    boxes = [b for b in last["blocks"] if b.get("accessory", {}).get("type") == "checkboxes"][0]["accessory"]
    assert select["initial_option"]["value"] == "es"
    assert [o["value"] for o in boxes["initial_options"]] == ["auto_translate_mine"]
    # and /translate now defaults to Spanish for U5
    await slack.driver.command("/translate", "hello friend", user="U5", response_url=slack.fake.response_url("after"))
    await slack.driver.settle()
    assert slack.fake.responses[-1][1]["blocks"][0]["text"]["text"] == "hola amigo"


def test_message_text_reads_blocks_and_attachments() -> None:
    rich = {"text": "", "blocks": [{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
        {"type": "text", "text": "hola "}, {"type": "user", "user_id": "U1"}, {"type": "emoji", "name": "tada"}]}]}]}
    assert message_text(rich) == "hola <@U1>:tada:"
    assert message_text(BOT_MESSAGE) == "Oye amigo\nla casa es muy bonita"
    assert message_text({"text": "fallback", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}]}) == "fallback"
    assert message_text({"attachments": [{"fallback": "only fallback"}]}) == "only fallback"
