"""SQLAlchemy models. Plain types only (String, Boolean, DateTime, Text): the same schema on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, UTC

from sqlalchemy import Boolean, DateTime, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class ChannelSetting(Base):
    """Auto-translate configuration of one channel."""

    __tablename__ = "mixlingo_channel_settings"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", name="uq_channel_settings_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32), nullable=False)
    channel_id: Mapped[str] = mapped_column(String(32), nullable=False)
    auto_translate: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    languages: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    """Comma-separated target languages, in the order given."""
    output_mode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """thread | inline; None means the server's setting."""
    updated_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class UserSetting(Base):
    """A person's preferred language and privacy choices (App Home)."""

    __tablename__ = "mixlingo_user_settings"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_user_settings_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32), nullable=False)
    user_id: Mapped[str] = mapped_column(String(32), nullable=False)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    auto_translate_mine: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    """False: auto-translate channels leave this person's messages alone."""
    show_requester: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    """False: translations this person asks for do not name them."""
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class TranslationRecord(Base):
    """One posted translation: source message → posted message, per target language.

    The unique constraint is the dedupe: a second reaction, a Slack retry or two
    people racing all try to insert the same row, and only one insert wins.
    """

    __tablename__ = "mixlingo_translations"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "source_ts", "target", name="uq_translations_source_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32), nullable=False)
    channel_id: Mapped[str] = mapped_column(String(32), nullable=False)
    source_ts: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    target: Mapped[str] = mapped_column(String(8), nullable=False)
    posted_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """None while the translation is being made (the row is the claim)."""
    thread_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    origin: Mapped[str] = mapped_column(String(16), nullable=False)
    """reaction | auto: what asked for it."""
    requested_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    holder: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """Random id of the attempt that is making the translation (None once posted or for old rows)."""
    lease_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    """Until when ``holder`` owns an unposted record; after it, a redelivered job may take over."""
    source_version: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """The source's edit version (its ``edited.ts``, "0" unedited) the posted text reflects."""


class FailedJob(Base):
    """A job that failed for good (retries used up, or an error no retry can fix): ``mixlingo jobs failed``."""

    __tablename__ = "mixlingo_failed_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(100), nullable=False)
    """The listener that ran (run_message, run_reaction…)."""
    team_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    summary: Mapped[str] = mapped_column(String(300), nullable=False)
    error: Mapped[str] = mapped_column(Text, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    """The job envelope (JSON), so ``mixlingo jobs retry`` can enqueue it again."""
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    retried_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


def slack_metadata() -> MetaData:
    """slack_sdk's own installation, bot and OAuth-state tables, as its stores expect them."""
    metadata = MetaData()
    SQLAlchemyInstallationStore.build_installations_table(metadata, SQLAlchemyInstallationStore.default_installations_table_name)
    SQLAlchemyInstallationStore.build_bots_table(metadata, SQLAlchemyInstallationStore.default_bots_table_name)
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, SQLAlchemyOAuthStateStore.default_table_name)
    for table in metadata.tables.values():  # encrypted tokens are longer than slack_sdk's String(200)
        for name in TOKEN_COLUMNS:
            if name in table.c:
                table.c[name].type = String(TOKEN_LENGTH)
    return metadata


TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
TOKEN_LENGTH = 1000


def all_metadata() -> list[MetaData]:
    """Everything the migrations must create, for Alembic's autogenerate and the schema test."""
    return [Base.metadata, slack_metadata()]
