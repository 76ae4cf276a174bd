"""Block actions: the buttons under a posted translation (App Home's own controls live with App Home)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from mixlingo.bot.context import Bot
from mixlingo.bot.listeners.actions import translation_buttons


def register(app: AsyncApp, bot: Bot) -> None:
    translation_buttons.register(app, bot)
