"""Recording a job that failed for good, so it is visible (``mixlingo jobs failed``) and can be retried."""

from __future__ import annotations

import logging

from mixlingo.bot import metrics
from mixlingo.bot.jobs.envelope import Envelope
from mixlingo.bot.jobs.errors import describe
from mixlingo.bot.redact import redact
from mixlingo.bot.storage import Repository

log = logging.getLogger("mixlingo.jobs")


async def record_failure(repo: Repository, envelope: Envelope, error: BaseException, attempts: int) -> None:
    team, summary = envelope.summary()
    reason = redact(describe(error))
    metrics.JOBS.labels(envelope.function, "failed").inc()
    log.error("job %s (%s: %s) failed after %d attempt(s): %s; see `mixlingo jobs failed`",
              envelope.id, envelope.function, summary, attempts, reason)
    try:
        await repo.add_failed_job(job=envelope.function, team_id=team, summary=summary, error=reason,
                                  attempts=attempts, payload=envelope.to_json())
    except Exception as store_error:  # the database itself is down: the log line above is the record
        metrics.ERRORS.labels("failed_job_not_stored").inc()
        log.error("could not store failed job %s in the database (%s); its payload: %s", envelope.id,
                  describe(store_error), envelope.to_json())
