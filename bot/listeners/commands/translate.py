"""``/translate [lang] text [--public]``: an ephemeral translation for the caller, or a public post."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp

from mixlingo.bot.blocks import fallback_text, notice, nothing_to_do, problem, source_ref, translation_blocks
from mixlingo.bot.context import Bot, team_of
from mixlingo.bot.languages import listing
from mixlingo.bot.listeners.commands.parse_in_ack import register_parsed_command
from mixlingo.core.errors import InputError
from mixlingo.nlp.labels import normalize_language

_PUBLIC = re.compile(r"(?<!\S)(?:--public|—public|–public)(?!\S)", re.IGNORECASE)  # macOS turns -- into a dash
_EXPLICIT = re.compile(r"^\s*(?:--to=|--to\s+|to:\s*)(\S+)(?:\s+|$)", re.IGNORECASE)
_LEADING = re.compile(r"^\s*(\S+)\s+")

USAGE = (
    "Usage: `/translate [language] text [--public]`\n"
    "• `/translate hola, I'll send el reporte mañana` — into your language (App Home → Your language)\n"
    "• `/translate es see you tomorrow` or `/translate --to es see you tomorrow` — into Spanish\n"
    "• add `--public` to post the translation in the channel; without it only you see it."
)


@dataclass(frozen=True)
class TranslateRequest:
    target: str | None
    text: str
    public: bool


def parse(text: str, supported: tuple[str, ...]) -> TranslateRequest:
    """Split the command text; InputError with the usage or the supported languages when it is wrong.

    The message keeps its own spacing and line breaks; only the options are cut off.
    """
    body = text or ""
    public = bool(_PUBLIC.search(body))
    body = _PUBLIC.sub("", body)
    target = None
    if match := _EXPLICIT.match(body):
        target, body = normalize_language(match.group(1)), body[match.end():]
        _check(target, supported)
    elif (match := _LEADING.match(body)) and normalize_language(match.group(1)) in supported:
        target, body = normalize_language(match.group(1)), body[match.end():]
    body = body.strip()
    if not body or body.lower() in ("help", "-h", "--help"):
        raise InputError(USAGE)
    return TranslateRequest(target, body, public)


def _check(target: str, supported: tuple[str, ...]) -> None:
    if target not in supported:
        raise InputError(f"`{target}` is not a language mixlingo can translate into here. Supported: {listing(supported)}.")


def register(app: AsyncApp, bot: Bot) -> None:
    async def run_translate(request: TranslateRequest, command: dict[str, Any], respond: Any, context: Any) -> None:
        user = command["user_id"]  # checked at ack (mixlingo.bot.payloads)
        prefs = await bot.repo.user(team_of(context, command), user)
        target = request.target or prefs.language or bot.settings.target_language
        outcome = await bot.service.translate(request.text, target)
        if outcome.error:
            await respond(response_type="ephemeral", text=problem(outcome), blocks=notice(problem(outcome)))
            return
        if not outcome.has_translation:
            await respond(response_type="ephemeral", text=nothing_to_do(outcome), blocks=notice(nothing_to_do(outcome)))
            return
        blocks = translation_blocks(
            outcome, requested_by=user if prefs.show_requester or request.public else None, ref=source_ref(text=request.text)
        )
        await respond(response_type="in_channel" if request.public else "ephemeral", text=fallback_text(outcome), blocks=blocks)

    register_parsed_command(app, bot, "/translate", parse, run_translate)
