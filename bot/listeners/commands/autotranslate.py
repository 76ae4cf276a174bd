"""``/mixlingo autotranslate on es,en [thread|inline] | off | status``: per-channel auto-translate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp

from mixlingo.bot.context import Bot, team_of
from mixlingo.bot.languages import label, listing
from mixlingo.bot.listeners.commands.parse_in_ack import register_parsed_command
from mixlingo.core.errors import InputError
from mixlingo.nlp.labels import normalize_language

USAGE = (
    "Usage: `/mixlingo autotranslate on es,en [thread|inline]` · `/mixlingo autotranslate off` · "
    "`/mixlingo autotranslate status`\n"
    "With auto-translate on, every new message here is translated into each listed language it is not "
    "already in — a mixed message gets only its foreign parts translated. Translations go in the message's "
    "thread (default) or inline in the channel. mixlingo must be a member of the channel (`/invite @mixlingo`)."
)


@dataclass(frozen=True)
class AutoCommand:
    action: str  # on | off | status
    languages: tuple[str, ...] = ()
    output_mode: str | None = None


def parse(text: str, supported: tuple[str, ...]) -> AutoCommand:
    words = (text or "").lower().replace(", ", ",").split()
    if len(words) < 2 or words[0] not in ("autotranslate", "auto-translate", "auto") or words[1] not in ("on", "off", "status"):
        raise InputError(USAGE)
    action, rest = words[1], words[2:]
    if action != "on":
        if rest:
            raise InputError(f"`{action}` takes nothing after it.\n{USAGE}")
        return AutoCommand(action)
    mode = rest.pop() if rest and rest[-1] in ("thread", "inline") else None
    languages = tuple(dict.fromkeys(normalize_language(x) for x in ",".join(rest).split(",") if x.strip()))
    if not languages:
        raise InputError("Say which languages to translate into, e.g. `/mixlingo autotranslate on es,en`. "
                         f"Supported: {listing(supported)}.")
    unknown = [x for x in languages if x not in supported]
    if unknown:
        named = ", ".join(f"`{x}`" for x in unknown)
        raise InputError(f"Not a language mixlingo can translate into here: {named}. Supported: {listing(supported)}.")
    return AutoCommand("on", languages, mode)


def register(app: AsyncApp, bot: Bot) -> None:
    async def run_admin(request: AutoCommand, command: dict[str, Any], respond: Any, context: Any) -> None:
        team, channel, user = team_of(context, command), command["channel_id"], command.get("user_id")
        current = await bot.repo.channel(team, channel)
        if request.action == "status":
            mode = current.output_mode or bot.settings.autotranslate_output
            await respond(response_type="ephemeral", text=_status(current.auto_translate, current.languages, mode))
            return
        if request.action == "off":
            await bot.repo.set_channel(team, channel, auto_translate=False, languages=None, by=user)
            await respond(response_type="in_channel", text=f"<@{user}> turned auto-translate *off* in this channel.")
            return
        await bot.repo.set_channel(team, channel, auto_translate=True, languages=request.languages, by=user)
        if request.output_mode:
            await bot.repo.set_output_mode(team, channel, request.output_mode)
        mode = request.output_mode or current.output_mode or bot.settings.autotranslate_output
        where = "in each message's thread" if mode == "thread" else "inline in the channel"
        await respond(
            response_type="in_channel",
            text=f"<@{user}> turned auto-translate *on*: new messages are translated into "
            f"{' and '.join(label(x) for x in request.languages)} where needed, {where}.",
        )

    register_parsed_command(app, bot, "/mixlingo", parse, run_admin)


def _status(on: bool, languages: tuple[str, ...], mode: str) -> str:
    if not on:
        return "Auto-translate is *off* in this channel. Turn it on with `/mixlingo autotranslate on es,en`."
    return f"Auto-translate is *on* in this channel: into {listing(languages)}, posted {'in threads' if mode == 'thread' else 'inline'}."
