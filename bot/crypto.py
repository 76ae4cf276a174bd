"""Bot and user tokens encrypted at rest: the installation store with Fernet around slack_sdk's own.

The key comes from ``MIXLINGO_ENCRYPTION_KEY`` (several keys, newest first,
rotate without downtime: MultiFernet decrypts with any and encrypts with the
first). Values are stored as ``fernet:<token>``; a plain value (written before
encryption was on) is still read, and re-encrypted at the next install.
"""

from __future__ import annotations

import copy
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_sdk.oauth.installation_store.models.bot import Bot as SlackBot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore

from mixlingo.config import Settings
from mixlingo.core.errors import ConfigError

PREFIX = "fernet:"
FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")


def new_key() -> str:
    return Fernet.generate_key().decode()


class TokenCipher:
    def __init__(self, keys: str):
        self._fernet = MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenCipher:
        if settings.scale_out.encryption_key is None:
            raise ConfigError(
                "MIXLINGO_ENCRYPTION_KEY is not set: with OAuth install (SLACK_CLIENT_ID) every workspace's bot token "
                "is kept in the database, encrypted with this key. Make one with `mixlingo db keygen`, keep it in "
                "your secret store, and give the same value to every front end and worker")
        return cls(settings.scale_out.encryption_key.get_secret_value())

    def encrypt(self, value: str | None) -> str | None:
        if not value or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str | None) -> str | None:
        if not value or not value.startswith(PREFIX):
            return value
        try:
            return self._fernet.decrypt(value.removeprefix(PREFIX).encode()).decode()
        except InvalidToken as error:
            raise ConfigError("a stored Slack token cannot be decrypted with MIXLINGO_ENCRYPTION_KEY: the key changed? "
                              "Put the old key after the new one (comma-separated) to read old tokens") from error


def _apply(entity: Any, function: Any) -> Any:
    if entity is None:
        return None
    entity = copy.copy(entity)
    for name in FIELDS:
        if hasattr(entity, name):
            setattr(entity, name, function(getattr(entity, name)))
    return entity


class EncryptedInstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy store; tokens pass through the cipher on the way in and out."""

    def __init__(self, *args: Any, cipher: TokenCipher, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.cipher = cipher

    async def async_save(self, installation: Installation) -> None:
        await super().async_save(_apply(installation, self.cipher.encrypt))

    async def async_save_bot(self, bot: SlackBot) -> None:
        await super().async_save_bot(_apply(bot, self.cipher.encrypt))

    async def async_find_bot(self, **kwargs: Any) -> SlackBot | None:
        return _apply(await super().async_find_bot(**kwargs), self.cipher.decrypt)

    async def async_find_installation(self, **kwargs: Any) -> Installation | None:
        return _apply(await super().async_find_installation(**kwargs), self.cipher.decrypt)
