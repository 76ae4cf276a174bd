"""Shortcuts: the **Translate** entry in a message's ⋯ menu."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from mixlingo.bot.context import Bot
from mixlingo.bot.listeners.shortcuts import translate_message


def register(app: AsyncApp, bot: Bot) -> None:
    translate_message.register(app, bot)
