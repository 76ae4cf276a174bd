"""Reading and writing mixlingo's own tables; plain dataclasses out, no ORM objects leak."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from mixlingo.bot.storage.models import ChannelSetting, TranslationRecord, UserSetting, utcnow


@dataclass(frozen=True)
class ChannelConfig:
    auto_translate: bool = False
    languages: tuple[str, ...] = ()
    output_mode: str | None = None


@dataclass(frozen=True)
class UserPrefs:
    language: str | None = None
    auto_translate_mine: bool = True
    show_requester: bool = True


@dataclass(frozen=True)
class Claim:
    """A translation record: who owns posting ``target`` for one source message."""

    id: int
    team_id: str
    channel_id: str
    source_ts: str
    target: str
    posted_ts: str | None = None
    thread_ts: str | None = None
    origin: str = "reaction"
    requested_by: str | None = None


@dataclass
class Repository:
    engine: AsyncEngine
    sessions: async_sessionmaker = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    # --- channels ---------------------------------------------------------------

    async def channel(self, team_id: str, channel_id: str) -> ChannelConfig:
        async with self.sessions() as session:
            row = await session.scalar(
                select(ChannelSetting).where(ChannelSetting.team_id == team_id, ChannelSetting.channel_id == channel_id)
            )
        if row is None:
            return ChannelConfig()
        languages = tuple(x for x in row.languages.split(",") if x)
        return ChannelConfig(row.auto_translate, languages, row.output_mode)

    async def set_channel(
        self, team_id: str, channel_id: str, *, auto_translate: bool, languages: tuple[str, ...] | None, by: str | None
    ) -> None:
        values = {"auto_translate": auto_translate, "updated_by": by}
        if languages is not None:
            values["languages"] = ",".join(languages)
        await self._upsert(ChannelSetting, {"team_id": team_id, "channel_id": channel_id}, values)

    async def set_output_mode(self, team_id: str, channel_id: str, mode: str | None) -> None:
        await self._upsert(ChannelSetting, {"team_id": team_id, "channel_id": channel_id}, {"output_mode": mode})

    # --- users ------------------------------------------------------------------

    async def user(self, team_id: str, user_id: str) -> UserPrefs:
        async with self.sessions() as session:
            row = await session.scalar(
                select(UserSetting).where(UserSetting.team_id == team_id, UserSetting.user_id == user_id)
            )
        if row is None:
            return UserPrefs()
        return UserPrefs(row.language, row.auto_translate_mine, row.show_requester)

    async def set_user(self, team_id: str, user_id: str, **values: object) -> None:
        await self._upsert(UserSetting, {"team_id": team_id, "user_id": user_id}, values)

    # --- translation records ----------------------------------------------------

    async def claim(
        self, team_id: str, channel_id: str, source_ts: str, target: str, *,
        origin: str, requested_by: str | None = None, thread_ts: str | None = None,
    ) -> Claim | None:
        """Insert the record for (source, target); None when someone already has it."""
        row = TranslationRecord(
            team_id=team_id, channel_id=channel_id, source_ts=source_ts, target=target,
            origin=origin, requested_by=requested_by, thread_ts=thread_ts,
        )
        try:
            async with self.sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            return None
        return _claim(row)

    async def complete(self, claim_id: int, posted_ts: str, thread_ts: str | None) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                update(TranslationRecord)
                .where(TranslationRecord.id == claim_id)
                .values(posted_ts=posted_ts, thread_ts=thread_ts, updated_at=utcnow())
            )

    async def touch(self, claim_id: int) -> None:
        async with self.sessions.begin() as session:
            await session.execute(update(TranslationRecord).where(TranslationRecord.id == claim_id).values(updated_at=utcnow()))

    async def release(self, claim_id: int) -> None:
        """Forget a record: its post failed or was deleted, so a later request may try again."""
        async with self.sessions.begin() as session:
            await session.execute(delete(TranslationRecord).where(TranslationRecord.id == claim_id))

    async def records(self, team_id: str, channel_id: str, source_ts: str) -> list[Claim]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(TranslationRecord)
                .where(
                    TranslationRecord.team_id == team_id,
                    TranslationRecord.channel_id == channel_id,
                    TranslationRecord.source_ts == source_ts,
                )
                .order_by(TranslationRecord.id)
            )
            return [_claim(r) for r in rows]

    # --- helpers ----------------------------------------------------------------

    async def _upsert(self, model: type, key: dict[str, str], values: dict[str, object]) -> None:
        """Update the row for ``key`` or insert it; a lost insert race turns into an update."""
        conditions = [getattr(model, k) == v for k, v in key.items()]
        for _ in range(2):
            try:
                async with self.sessions.begin() as session:
                    row = await session.scalar(select(model).where(*conditions))
                    if row is None:
                        session.add(model(**key, **values))
                    else:
                        for name, value in values.items():
                            setattr(row, name, value)
                return
            except IntegrityError:
                continue
        raise RuntimeError(f"could not save {model.__tablename__} for {key}")


def _claim(row: TranslationRecord) -> Claim:
    return Claim(
        id=row.id, team_id=row.team_id, channel_id=row.channel_id, source_ts=row.source_ts, target=row.target,
        posted_ts=row.posted_ts, thread_ts=row.thread_ts, origin=row.origin, requested_by=row.requested_by,
    )
