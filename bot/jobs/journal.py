"""The job journal: every job published to a Redis broker, kept in Redis until the job has ended.

Why: kombu's Redis transport takes a message off the queue (``BRPOP``) and only
then files it as unacknowledged; a worker killed between the two loses the
message for good, late ack or not (celery/kombu#305). The journal is the
record that lets ``bot/jobs/sweeper.py`` find such a job and send it again.

It also makes a job run once even when its message is delivered twice (a lost
ack, a re-send): ``begin`` runs a job only if it has not ended and no other copy
of it is running right now (a lock that expires with the job's lease, so the
redelivery of a killed worker's job still runs).
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from mixlingo.bot.jobs.broker import redis_broker
from mixlingo.bot.jobs.envelope import Envelope
from mixlingo.config import ScaleOutSettings

Start = Literal["run", "ended", "busy"]

_BEGIN = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 'ended' end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return 'run' end
return 'busy'
"""


class Journal:
    """Jobs of one queue that were published and have not ended: ``envelopes`` (id → job) and ``since`` (id → time)."""

    def __init__(self, client: Any, queue: str, *, clock=time.time):
        self.client, self.queue, self.clock = client, queue, clock
        prefix = f"mixlingo:journal:{queue}"
        self.envelopes, self.since, self.missing, self.prefix = f"{prefix}:jobs", f"{prefix}:since", f"{prefix}:missing", prefix
        self._begin = client.register_script(_BEGIN)

    def open(self, envelope: Envelope) -> None:
        """Before the job is published: from now on it is looked after until it ends."""
        self.client.pipeline().hset(self.envelopes, envelope.id, envelope.to_json()).zadd(
            self.since, {envelope.id: self.clock()}).execute()

    def close(self, job_id: str) -> None:
        """The job ended (done, or recorded as failed): a later copy of its message is skipped."""
        self.client.pipeline().hdel(self.envelopes, job_id).zrem(self.since, job_id).hdel(self.missing, job_id).execute()

    def begin(self, job_id: str, *, lease_seconds: float) -> Start:
        """``run`` (and hold the run lock for the lease), ``ended`` (skip it), or ``busy`` (a copy runs now)."""
        return self._begin(keys=[self.envelopes, self._running(job_id)], args=[job_id, "1", int(lease_seconds * 1000)]).decode()

    def done_running(self, job_id: str) -> None:
        self.client.delete(self._running(job_id))

    def waiting_since(self, before: float) -> list[str]:
        """Ids of jobs opened before ``before`` and not ended yet."""
        return [i.decode() for i in self.client.zrangebyscore(self.since, "-inf", before)]

    def envelope(self, job_id: str) -> Envelope | None:
        raw = self.client.hget(self.envelopes, job_id)
        return None if raw is None else Envelope.from_dict(json.loads(raw))

    def _running(self, job_id: str) -> str:
        return f"{self.prefix}:running:{job_id}"


def journal_for(scale_out: ScaleOutSettings) -> Journal | None:
    """The journal of the configured queue; None for brokers that cannot lose a taken message (AMQP)."""
    client = redis_broker(scale_out)
    return None if client is None else Journal(client, scale_out.queue_name)
