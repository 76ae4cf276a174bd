"""Multi-workspace install: /slack/install → Slack → /slack/oauth_redirect → installation in the database."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from sqlalchemy import text

from mixlingo.bot.crypto import TokenCipher, new_key
from slack_harness import ALL_SCOPES, FakeSlack, fake, open_app  # noqa: F401  (fixtures)

KEY = new_key()


async def test_oauth_install_round_trip_then_events_use_the_installed_token(tmp_path: Path, fake: FakeSlack) -> None:  # noqa: F811
    bot, database, driver = await open_app(tmp_path, fake, slack_bot_token=None, slack_client_id="111.222",
                                           slack_client_secret="client-secret", encryption_key=KEY)
    try:
        async with driver.session.get(driver.url("/slack/install"), allow_redirects=False) as response:
            assert response.status == 200
            page = await response.text()
            cookie = response.cookies["slack-app-oauth-state"].value
        link = re.search(r'href="(https://slack.com/oauth/v2/authorize\?[^"]+)"', page).group(1).replace("&amp;", "&")
        query = parse_qs(urlparse(link).query)
        assert query["client_id"] == ["111.222"] and query["scope"] == [ALL_SCOPES] and query["state"] == [cookie]

        # Slack sends the installer back with a code and the state
        redirect = driver.url(f"/slack/oauth_redirect?code=the-code&state={cookie}")
        async with driver.session.get(redirect, headers={"Cookie": f"slack-app-oauth-state={cookie}"}) as response:
            assert response.status == 200, await response.text()
        [exchange] = fake.of("oauth.v2.access")
        assert exchange.args["code"] == "the-code"
        async with database.engine.connect() as connection:
            rows = (await connection.execute(text("select team_id, bot_token, client_id from slack_installations"))).all()
            states = (await connection.execute(text("select count(*) from slack_oauth_states"))).scalar()
        [(team, stored, client_id)] = rows
        assert (team, client_id) == ("T0002", "111.222")
        assert stored.startswith("fernet:") and "xoxb" not in stored  # encrypted at rest
        assert TokenCipher(KEY).decrypt(stored) == "xoxb-installed-token"
        assert states == 0  # the state was consumed

        # a replayed redirect (state already used) is refused
        async with driver.session.get(redirect, headers={"Cookie": f"slack-app-oauth-state={cookie}"}) as response:
            assert response.status >= 400
        assert len(fake.of("oauth.v2.access")) == 1

        # now the new workspace's events are served with its own token
        fake.add_message("C9", {"type": "message", "user": "U2", "ts": "7.1", "text": "hola amigo"})
        await driver.event({"type": "reaction_added", "user": "U1", "reaction": "us",
                            "item": {"type": "message", "channel": "C9", "ts": "7.1"}}, team="T0002")
        await driver.settle()
        [post] = fake.of("chat.postMessage")
        assert post.token == "xoxb-installed-token" and post.args["text"] == "hello friend"
        assert await bot.repo.records("T0002", "C9", "7.1")

        # a workspace that never installed gets nothing done
        await driver.event({"type": "reaction_added", "user": "U1", "reaction": "us",
                            "item": {"type": "message", "channel": "C9", "ts": "7.1"}}, team="T0404")
        await driver.settle()
        assert len(fake.of("chat.postMessage")) == 1
    finally:
        await driver.close()


async def test_oauth_states_expire_after_ten_minutes_and_are_pruned(tmp_path: Path, fake: FakeSlack) -> None:  # noqa: F811
    """Row 8: 500 unauthenticated GET /slack/install left 500 rows in slack_oauth_states, never pruned."""
    bot, database, driver = await open_app(tmp_path, fake, slack_bot_token=None, slack_client_id="111.222",
                                           slack_client_secret="client-secret", encryption_key=KEY)

    async def visit() -> str:
        async with driver.session.get(driver.url("/slack/install"), allow_redirects=False) as response:
            assert response.status == 200
            return response.cookies["slack-app-oauth-state"].value

    async def rows() -> list[tuple[str, object]]:
        async with database.engine.connect() as connection:
            return (await connection.execute(text("select state, expire_at from slack_oauth_states"))).all()

    try:
        first = [await visit() for _ in range(20)]
        found = await rows()
        assert len(found) == 20
        lifetimes = {round((_as_datetime(expire) - datetime.now(timezone.utc).replace(tzinfo=None)).total_seconds() / 60)
                     for _, expire in found}
        assert lifetimes == {10}
        async with database.engine.begin() as connection:  # ten minutes pass
            await connection.execute(text("update slack_oauth_states set expire_at = :past"),
                                     {"past": datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(seconds=1)})
        latest = await visit()
        assert [state for state, _ in await rows()] == [latest]
        async with driver.session.get(driver.url(f"/slack/oauth_redirect?code=c&state={first[0]}"),
                                      headers={"Cookie": f"slack-app-oauth-state={first[0]}"}) as response:
            assert response.status >= 400  # an expired state is refused
        assert fake.of("oauth.v2.access") == []
    finally:
        await driver.close()  # type: ignore[attr-defined]


def _as_datetime(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
