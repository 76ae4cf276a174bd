"""The id of the job running in this task: the holder of the claims it takes.

Retries and redeliveries of one job keep its id, so a job that finds a claim
held by its own id knows the earlier attempt is over and takes it back; a
duplicate job (a Slack retry, a replay) has another id and leaves it alone.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar

current_job: ContextVar[str | None] = ContextVar("mixlingo_current_job", default=None)


def new_job_id() -> str:
    return secrets.token_hex(16)


def job_id() -> str:
    """This task's job id, or a fresh one outside any job (tests calling ``publish`` directly)."""
    return current_job.get() or new_job_id()
