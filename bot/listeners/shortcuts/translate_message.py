"""The "Translate" message shortcut: any message, bots' and attachments' text included, privately."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from mixlingo.bot.blocks import fallback_text, notice, nothing_to_do, problem, source_ref, translation_blocks
from mixlingo.bot.context import Bot, ack_now, team_of
from mixlingo.bot.slack_text import message_text

CALLBACK_ID = "mixlingo_translate_message"


def register(app: AsyncApp, bot: Bot) -> None:
    async def run_shortcut(body: dict[str, Any], respond: Any, context: Any) -> None:
        message = body.get("message") or {}
        user = body["user"]["id"]  # checked at ack (mixlingo.bot.payloads)
        text = message_text(message)
        if not text:
            await respond(response_type="ephemeral", text="That message has no text to translate (only files or images).")
            return
        prefs = await bot.repo.user(team_of(context, body), user)
        outcome = await bot.service.translate(text, prefs.language or bot.settings.target_language)
        if outcome.error:
            await respond(response_type="ephemeral", text=problem(outcome), blocks=notice(problem(outcome)))
        elif not outcome.has_translation:
            await respond(response_type="ephemeral", text=nothing_to_do(outcome), blocks=notice(nothing_to_do(outcome)))
        else:
            requester = user if prefs.show_requester else None
            await respond(response_type="ephemeral", text=fallback_text(outcome),
                          blocks=translation_blocks(outcome, requested_by=requester, ref=source_ref(text=text)))

    app.shortcut(CALLBACK_ID)(ack=ack_now, lazy=[bot.lazy(run_shortcut)])
