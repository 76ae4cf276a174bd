"""Events: flag reactions, channel messages (auto-translate, edits, deletes) and the App Home tab."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from mixlingo.bot.context import Bot
from mixlingo.bot.listeners.events import app_home, messages, reactions


def register(app: AsyncApp, bot: Bot) -> None:
    for module in (reactions, messages, app_home):
        module.register(app, bot)
