"""Every Slack listener, grouped by the surface it answers: commands, shortcuts, events, actions.

Each kind is a package whose ``register(app, bot)`` adds its listeners; this one
adds all kinds, in the order bolt should try them.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from mixlingo.bot.context import Bot
from mixlingo.bot.listeners import actions, commands, events, shortcuts


def register(app: AsyncApp, bot: Bot) -> None:
    for kind in (commands, shortcuts, events, actions):
        kind.register(app, bot)
