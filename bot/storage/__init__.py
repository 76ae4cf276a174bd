"""Persistence for the Slack app: SQLAlchemy models, Alembic migrations, and the stores.

Installations, bots and OAuth states use slack_sdk's own SQLAlchemy schema and
stores; mixlingo's own tables (channel and user settings, translation records)
sit beside them in the same database, created by the same migrations.
"""

from mixlingo.bot.storage.db import Database, open_database
from mixlingo.bot.storage.repo import ChannelConfig, Claim, FailedJobRow, Repository, UserPrefs

__all__ = ["ChannelConfig", "Claim", "Database", "FailedJobRow", "Repository", "UserPrefs", "open_database"]
