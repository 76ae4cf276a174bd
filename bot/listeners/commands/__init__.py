"""Slash commands: ``/translate`` for anyone, ``/mixlingo autotranslate`` for a channel's settings."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from mixlingo.bot.context import Bot
from mixlingo.bot.listeners.commands import autotranslate, translate


def register(app: AsyncApp, bot: Bot) -> None:
    for module in (translate, autotranslate):  # manifest.yml lists the commands in this order
        module.register(app, bot)
