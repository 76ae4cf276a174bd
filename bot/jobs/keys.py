"""Job keys: which translation a job makes, and how a posted one is recognised in Slack afterwards.

A translation is identified by (team, channel, message ts, target); its edit
version is the source's ``edited.ts`` ("0" before any edit). Each post carries
the key as Slack message metadata, so a job that takes over from a crashed one
can see in Slack whether the post already happened instead of posting again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

EVENT_TYPE = "mixlingo_translation"


@dataclass(frozen=True)
class JobKey:
    team: str
    channel: str
    ts: str
    target: str
    version: str = "0"

    @property
    def slot(self) -> str:
        """The translation, whatever the edit version: one post per slot."""
        return f"{self.team}/{self.channel}/{self.ts}/{self.target}"

    def __str__(self) -> str:
        return f"{self.slot}@{self.version}"

    def metadata(self) -> dict[str, Any]:
        return {"event_type": EVENT_TYPE, "event_payload": {"slot": self.slot, "version": self.version}}


def edit_version(message: dict[str, Any]) -> str:
    """A message's edit version: the ts of its last edit, "0" when never edited."""
    return str((message.get("edited") or {}).get("ts") or "0")


def is_newer(version: str | None, than: str | None) -> bool:
    """True when ``version`` is a later edit than ``than`` (None/garbage counts as the original)."""
    return _number(version) > _number(than)


def _number(version: str | None) -> Decimal:
    try:
        return Decimal(version or "0")
    except InvalidOperation:
        return Decimal(0)


def matches(message: dict[str, Any], key: JobKey) -> bool:
    """True when a Slack message is mixlingo's post for ``key``'s slot (read from its metadata)."""
    metadata = message.get("metadata") or {}
    return metadata.get("event_type") == EVENT_TYPE and (metadata.get("event_payload") or {}).get("slot") == key.slot
