"""Flag reactions: one translation in the thread, whatever the races and retries."""

from __future__ import annotations

import asyncio

from slack_harness import Slack

from mixlingo.bot.flags import FlagTable
from mixlingo.config.settings import DEFAULT_FLAG_LANGUAGES

SOURCE = {"type": "message", "user": "U2", "text": "oye, el reporte mañana", "ts": "1700000000.000100"}


def reaction(name: str, user: str = "U1", ts: str = SOURCE["ts"]) -> dict:
    return {"type": "reaction_added", "user": user, "reaction": name, "item_user": "U2",
            "item": {"type": "message", "channel": "C1", "ts": ts}, "event_ts": "1700000001.000200"}


async def test_flag_posts_the_translation_once_in_the_thread_under_races_and_retries(slack: Slack) -> None:
    slack.fake.add_message("C1", SOURCE)
    requests = [slack.driver.event(reaction("us", user=f"U{i}")) for i in range(4)]  # four people race
    requests += [slack.driver.event(reaction("flag-us", user="U9"))]  # same language, other flag
    requests += [slack.driver.event(reaction("us"), event_id="EvSAME", headers={"X-Slack-Retry-Num": str(n),
                 "X-Slack-Retry-Reason": "http_timeout"}) for n in (1, 2)]  # Slack retries
    statuses = await asyncio.gather(*requests)
    assert all(status == 200 for status, _ in statuses)
    await slack.driver.settle()
    await slack.driver.event(reaction("us", user="U5"))  # a later identical reaction
    await slack.driver.settle()
    [post] = slack.fake.of("chat.postMessage")
    assert post.args["channel"] == "C1" and post.args["thread_ts"] == SOURCE["ts"]
    assert post.args["text"] == "hey, the report tomorrow"
    assert "Translated from Spanish → English" in post.args["blocks"][1]["elements"][0]["text"]
    [record] = await slack.bot.repo.records("T0001", "C1", SOURCE["ts"])
    assert record.posted_ts is not None and record.target == "en" and record.origin == "reaction"


async def test_a_different_flag_adds_a_second_language(slack: Slack) -> None:
    slack.fake.add_message("C1", {"type": "message", "user": "U2", "text": "hello friend", "ts": "1.000001"})
    await slack.driver.event(reaction("es", ts="1.000001"))
    await slack.driver.event(reaction("gb", ts="1.000001"))  # already English: told privately, nothing posted
    await slack.driver.settle()
    [post] = slack.fake.of("chat.postMessage")
    assert post.args["text"] == "hola amigo"
    [note] = slack.fake.of("chat.postEphemeral")
    assert note.args["user"] == "U1" and "Nothing to translate into English" in note.args["text"]


async def test_other_reactions_are_ignored_and_unsupported_flags_explained(slack: Slack) -> None:
    slack.fake.add_message("C1", SOURCE)
    await slack.driver.event(reaction("tada"))
    await slack.driver.event(reaction("jp"))
    await slack.driver.settle()
    assert slack.fake.of("chat.postMessage") == []
    [note] = slack.fake.of("chat.postEphemeral")
    assert "cannot translate into Japanese (ja)" in note.args["text"] and "Spanish (es)" in note.args["text"]


async def test_thread_reply_is_answered_in_its_thread(slack: Slack) -> None:
    reply = {"type": "message", "user": "U2", "text": "gracias por todo", "ts": "5.000002", "thread_ts": "5.000001"}
    slack.fake.add_message("C1", reply)
    await slack.driver.event(reaction("us", ts="5.000002"))
    await slack.driver.settle()
    [post] = slack.fake.of("chat.postMessage")
    assert post.args["thread_ts"] == "5.000001" and post.args["text"] == "thanks for everything"


def test_flag_table_reads_slack_names() -> None:
    flags = FlagTable(DEFAULT_FLAG_LANGUAGES)
    assert [flags.language(x) for x in ("es", "flag-es", ":us:", "gb", "uk", "flag-mx", "tada", "thumbsup")] == [
        "es", "es", "en", "en", "en", "es", None, None]
