"""Kill a kombu Redis consumer over and over (SIGKILL), and count what kombu loses and what the sweeper finds.

A consumer here is what a Celery worker is to the broker: the Redis transport,
prefetch 4, late ack (5 ms of "work", then the journal entry is closed and the
message acked). Each round publishes 40 journaled messages, starts a consumer,
kills it 20–150 ms later. At the end, a message is *lost* when its job never
ended and Redis holds it neither in the queue nor in ``unacked``; the sweeper
must find exactly those (and nothing else).

    .venv/bin/python scripts/kill_probe.py --kills 150      # needs Redis on 127.0.0.1:6379
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time

import redis
from kombu import Connection, Queue

from mixlingo.bot.jobs.envelope import Envelope
from mixlingo.bot.jobs.journal import Journal
from mixlingo.bot.jobs.sweeper import Sweeper

URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def consume(queue: str) -> None:
    journal = Journal(redis.Redis.from_url(URL), queue)

    def on_message(body: dict, message) -> None:
        time.sleep(0.005)
        journal.close(message.headers["id"])
        message.ack()

    with Connection(URL, transport_options={"visibility_timeout": 3600}) as connection:
        with connection.Consumer(Queue(queue), callbacks=[on_message], prefetch_count=4):
            print("ready", flush=True)
            while True:
                connection.drain_events()


def probe(kills: int, per_round: int) -> dict[str, int]:
    queue = f"mixlingo-kill-probe-{os.getpid()}"
    client = redis.Redis.from_url(URL)
    clock = [time.time()]
    journal = Journal(client, queue, clock=lambda: clock[0])
    sent = 0
    try:
        with Connection(URL) as connection:
            producer = connection.Producer()
            for _ in range(kills):
                for _ in range(per_round):
                    job = Envelope(function="probe", body=str(sent), headers={}, journaled=True)
                    journal.open(job)
                    producer.publish({"n": sent}, routing_key=queue, declare=[Queue(queue)], serializer="json",
                                     headers={"id": job.id})
                    sent += 1
                child = subprocess.Popen([sys.executable, __file__, "--consume", queue], stdout=subprocess.PIPE)
                child.stdout.readline()
                time.sleep(random.uniform(0.02, 0.15))
                child.send_signal(signal.SIGKILL)
                child.wait()
        found: list[Envelope] = []
        sweeper = Sweeper(journal, found.append, grace=5)
        open_jobs = journal.waiting_since(float("inf"))
        held = sweeper.held_by_broker()
        lost = [job for job in open_jobs if job not in held]
        clock[0] += 10
        sweeper.sweep()
        clock[0] += 10
        sweeper.sweep()
        return {"messages": sent, "kills": kills, "ended": sent - len(open_jobs), "held_by_redis": len(open_jobs) - len(lost),
                "lost_by_kombu": len(lost), "found_by_sweeper": len({e.id for e in found}),
                "found_not_lost": len({e.id for e in found} - set(lost))}
    finally:
        for tag, raw in client.hgetall("unacked").items():
            if json.loads(raw)[2] == queue:
                client.pipeline().hdel("unacked", tag).zrem("unacked_index", tag).execute()
        client.delete(queue, *client.keys(f"{journal.prefix}:*"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=150)
    parser.add_argument("--per-round", type=int, default=40)
    parser.add_argument("--consume", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.consume:
        consume(args.consume)
        return
    print(", ".join(f"{k} {v}" for k, v in probe(args.kills, args.per_round).items()))


if __name__ == "__main__":
    main()
