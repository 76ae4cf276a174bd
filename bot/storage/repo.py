"""Reading and writing mixlingo's own tables; plain dataclasses out, no ORM objects leak."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from mixlingo.bot.storage.models import Base, ChannelSetting, FailedJob, TranslationRecord, UserSetting, utcnow

DEFAULT_LEASE = 120.0


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
    holder: str | None = None
    lease_until: datetime | None = None
    source_version: str | None = None

    def lease_live(self, now: datetime | None = None) -> bool:
        """Someone is making this translation right now (an unposted record with an unexpired lease)."""
        return self.posted_ts is None and self.lease_until is not None and self.lease_until > (now or utcnow())


@dataclass(frozen=True)
class FailedJobRow:
    id: int
    job: str
    team_id: str | None
    summary: str
    error: str
    attempts: int
    payload: str
    created_at: datetime
    retried_at: datetime | None


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
        values: dict[str, object] = {"auto_translate": auto_translate, "updated_by": by}
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
        lease_seconds: float = DEFAULT_LEASE, version: str | None = None, holder: str | None = None,
    ) -> Claim | None:
        """Insert the record for (source, target), leased to ``holder`` (the job); None when it already exists."""
        row = TranslationRecord(
            team_id=team_id, channel_id=channel_id, source_ts=source_ts, target=target,
            origin=origin, requested_by=requested_by, thread_ts=thread_ts,
            holder=holder or secrets.token_hex(8), lease_until=utcnow() + timedelta(seconds=lease_seconds), source_version=version,
        )
        try:
            async with self.sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            return None
        return _claim(row)

    async def record(self, team_id: str, channel_id: str, source_ts: str, target: str) -> Claim | None:
        async with self.sessions() as session:
            row = await session.scalar(select(TranslationRecord).where(
                TranslationRecord.team_id == team_id, TranslationRecord.channel_id == channel_id,
                TranslationRecord.source_ts == source_ts, TranslationRecord.target == target))
        return None if row is None else _claim(row)

    async def take_over(self, claim: Claim, *, holder: str, lease_seconds: float = DEFAULT_LEASE) -> Claim | None:
        """Lease an unposted record whose holder is gone (lease expired, or an earlier attempt of this same job).

        None when someone else got it first (the update is a compare-and-set).
        """
        now = utcnow()
        async with self.sessions.begin() as session:
            until = await _lease(session, claim.id, holder=holder, now=now, lease_seconds=lease_seconds, posted=False,
                                 updated_at=now)
        if until is None:
            return None
        return Claim(**{**claim.__dict__, "holder": holder, "lease_until": until})

    async def renew(self, claim: Claim, *, lease_seconds: float = DEFAULT_LEASE) -> bool:
        """Extend the lease if ``claim``'s holder still has it (checked right before posting)."""
        now = utcnow()
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(TranslationRecord)
                .where(TranslationRecord.id == claim.id, TranslationRecord.holder == claim.holder,
                       TranslationRecord.posted_ts.is_(None))
                .values(lease_until=now + timedelta(seconds=lease_seconds))
            )
        return result.rowcount == 1

    async def abandon(self, claim: Claim) -> None:
        """Give the lease up at once (a post whose outcome is unknown): the next try takes over and checks Slack."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(TranslationRecord)
                .where(TranslationRecord.id == claim.id, TranslationRecord.holder == claim.holder,
                       TranslationRecord.posted_ts.is_(None))
                .values(lease_until=utcnow() - timedelta(seconds=1))
            )

    async def complete(self, claim_id: int, posted_ts: str, thread_ts: str | None, version: str | None = None) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                update(TranslationRecord)
                .where(TranslationRecord.id == claim_id)
                .values(posted_ts=posted_ts, thread_ts=thread_ts, updated_at=utcnow(), holder=None, lease_until=None,
                        source_version=version)
            )

    async def lease_posted(self, claim: Claim, *, holder: str, lease_seconds: float = DEFAULT_LEASE) -> Claim | None:
        """Lease a posted record to apply an edit: one edit at a time per translation, so they land in order."""
        now = utcnow()
        async with self.sessions.begin() as session:
            if await _lease(session, claim.id, holder=holder, now=now, lease_seconds=lease_seconds, posted=True) is None:
                return None
            row = await session.get(TranslationRecord, claim.id, populate_existing=True)
            return _claim(row)

    async def set_version(self, claim_id: int, version: str | None, *, holder: str | None = None) -> None:
        """Record the edit version the post now shows, and end the edit's lease."""
        async with self.sessions.begin() as session:
            await session.execute(update(TranslationRecord).where(TranslationRecord.id == claim_id)
                                  .values(source_version=version, updated_at=utcnow(), holder=None, lease_until=None))

    async def unlease(self, claim_id: int, holder: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(update(TranslationRecord)
                                  .where(TranslationRecord.id == claim_id, TranslationRecord.holder == holder,
                                         TranslationRecord.posted_ts.is_not(None))
                                  .values(holder=None, lease_until=None))

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

    # --- failed jobs --------------------------------------------------------------

    async def add_failed_job(self, *, job: str, team_id: str | None, summary: str, error: str, attempts: int,
                             payload: str) -> int:
        row = FailedJob(job=job[:100], team_id=(team_id or None) and team_id[:32], summary=summary[:300],
                        error=error[:10_000], attempts=attempts, payload=payload)
        async with self.sessions.begin() as session:
            session.add(row)
        return row.id

    async def failed_jobs(self, limit: int = 50, *, include_retried: bool = False) -> list[FailedJobRow]:
        query = select(FailedJob).order_by(FailedJob.id.desc()).limit(limit)
        if not include_retried:
            query = query.where(FailedJob.retried_at.is_(None))
        async with self.sessions() as session:
            rows = await session.scalars(query)
            return [FailedJobRow(r.id, r.job, r.team_id, r.summary, r.error, r.attempts, r.payload, r.created_at,
                                 r.retried_at) for r in rows]

    async def mark_retried(self, job_id: int) -> None:
        async with self.sessions.begin() as session:
            await session.execute(update(FailedJob).where(FailedJob.id == job_id).values(retried_at=utcnow()))

    # --- helpers ----------------------------------------------------------------

    async def _upsert(self, model: type[Base], key: dict[str, str], values: dict[str, object]) -> None:
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


async def _lease(
    session: AsyncSession, claim_id: int, *, holder: str, now: datetime, lease_seconds: float, posted: bool, **also: object
) -> datetime | None:
    """Lease a record to ``holder`` if it is posted (or not, as ``posted`` says) and its lease is free, expired or
    already ``holder``'s; the lease's end, or None when another holder has it (or the record is not in that state).

    One compare-and-set UPDATE, so two jobs racing for the same record cannot both win.
    ``also`` are more columns to set in the same statement.
    """
    until = now + timedelta(seconds=lease_seconds)
    state = TranslationRecord.posted_ts.is_not(None) if posted else TranslationRecord.posted_ts.is_(None)
    result = await session.execute(
        update(TranslationRecord)
        .where(TranslationRecord.id == claim_id, state,
               or_(TranslationRecord.lease_until.is_(None), TranslationRecord.lease_until <= now,
                   TranslationRecord.holder == holder))
        .values(holder=holder, lease_until=until, **also)
    )
    return until if cast(CursorResult[Any], result).rowcount == 1 else None  # an UPDATE's result is a CursorResult


def _claim(row: TranslationRecord) -> Claim:
    return Claim(
        id=row.id, team_id=row.team_id, channel_id=row.channel_id, source_ts=row.source_ts, target=row.target,
        posted_ts=row.posted_ts, thread_ts=row.thread_ts, origin=row.origin, requested_by=row.requested_by,
        holder=row.holder, lease_until=row.lease_until, source_version=row.source_version,
    )
