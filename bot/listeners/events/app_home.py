"""App Home: each person's preferred language and privacy choices, saved as they change them."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from mixlingo.bot.blocks import HOME_LANGUAGE, HOME_PRIVACY, home_view
from mixlingo.bot.context import Bot, ack_now, team_of


async def publish_home(bot: Bot, client: AsyncWebClient, team: str, user: str) -> None:
    prefs = await bot.repo.user(team, user)
    view = home_view(
        language=prefs.language,
        default=bot.settings.target_language,
        languages=bot.service.languages(),
        auto_mine=prefs.auto_translate_mine,
        show_requester=prefs.show_requester,
    )
    await client.views_publish(user_id=user, view=view)


def register(app: AsyncApp, bot: Bot) -> None:
    async def run_opened(event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
        if event.get("tab", "home") == "home":
            await publish_home(bot, client, team_of(context, event), event["user"])

    async def run_language(body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
        team, user = team_of(context, body), body["user"]["id"]
        language = (action.get("selected_option") or {}).get("value")
        if language in bot.service.languages():
            await bot.repo.set_user(team, user, language=language)
        await publish_home(bot, client, team, user)

    async def run_privacy(body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
        team, user = team_of(context, body), body["user"]["id"]
        chosen = {o.get("value") for o in action.get("selected_options") or []}
        await bot.repo.set_user(team, user, auto_translate_mine="auto_translate_mine" in chosen,
                                show_requester="show_requester" in chosen)
        await publish_home(bot, client, team, user)

    app.event("app_home_opened")(ack=ack_now, lazy=[bot.lazy(run_opened)])
    app.action(HOME_LANGUAGE)(ack=ack_now, lazy=[bot.lazy(run_language)])
    app.action(HOME_PRIVACY)(ack=ack_now, lazy=[bot.lazy(run_privacy)])
