"""A slash command whose text is parsed inside the ack: bad input gets its answer at once, privately.

Slack shows the ack's reply to the caller only, within its 3-second window, so a
typo is explained before any job starts; good input is acked empty and the work
runs in a lazy listener, which parses the same text again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncApp

from mixlingo.bot.blocks import notice
from mixlingo.bot.context import Bot
from mixlingo.core.errors import InputError

Request = TypeVar("Request")


def register_parsed_command(
    app: AsyncApp,
    bot: Bot,
    name: str,
    parse: Callable[[str, tuple[str, ...]], Request],
    run: Callable[[Request, dict[str, Any], Any, Any], Awaitable[None]],
) -> None:
    """Register ``name``: ``parse(text, supported languages)`` in the ack, then ``run(request, command, respond, context)``.

    The lazy listener takes ``run``'s name: it is the job's name in the queue, the
    metrics and the failed-jobs list.
    """

    async def ack_command(ack: Any, command: dict[str, Any]) -> None:
        try:
            parse(command.get("text", ""), bot.service.languages())
        except InputError as error:  # answer bad input right away, in the ack itself
            await ack(response_type="ephemeral", text=str(error), blocks=notice(str(error)))
            return
        await ack()

    async def run_command(command: dict[str, Any], respond: Any, context: Any) -> None:
        try:
            request = parse(command.get("text", ""), bot.service.languages())
        except InputError:
            return  # already answered in the ack
        await run(request, command, respond, context)

    run_command.__name__, run_command.__qualname__ = run.__name__, run.__qualname__
    app.command(name)(ack=ack_command, lazy=[bot.lazy(run_command)])
