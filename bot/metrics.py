"""Prometheus metrics: requests and acks on the front ends, queue depth, jobs and their stages on the workers.

One process-wide registry (prometheus_client's default); each process serves
its own ``/metrics`` (front ends on their HTTP port, workers on
``MIXLINGO_WORKER_METRICS_PORT``) and Prometheus adds them up.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest

_FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_SLOW = (0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

REQUESTS = Counter("mixlingo_http_requests_total", "HTTP requests, by route and status.", ["path", "status"])
ACKS = Counter("mixlingo_acks_total", "Slack requests acknowledged (2xx on /slack/events).")
ACK_SECONDS = Histogram("mixlingo_ack_seconds", "Time from request to acknowledgement on /slack/events.", buckets=_FAST)
REJECTED = Counter("mixlingo_rejected_requests_total", "Slack requests refused, by reason.", ["reason"])
ENQUEUED = Counter("mixlingo_jobs_enqueued_total", "Jobs handed to the queue or the in-process pool.", ["job"])
JOBS = Counter("mixlingo_jobs_total", "Job attempts by outcome (done, retry, failed).", ["job", "outcome"])
JOB_SECONDS = Histogram("mixlingo_job_seconds", "Job latency by stage: queued (wait), run (whole job), and each "
                        "pipeline stage (ProtectMarkup … AssembleTranslation).", ["stage"], buckets=_SLOW)
POSTED = Counter("mixlingo_translations_posted_total", "Translations posted to Slack, by origin.", ["origin"])
ERRORS = Counter("mixlingo_errors_total", "Errors by kind.", ["kind"])
SKIPPED = Counter("mixlingo_autotranslate_skipped_total",
                  "Auto-translate messages (per target) not translated, by reason.", ["reason"])
QUEUE_DEPTH = Gauge("mixlingo_queue_depth", "Jobs waiting (queue mode: broker queue length; else in-process jobs).")

ROUTES = ("/slack/events", "/slack/install", "/slack/oauth_redirect", "/healthz", "/metrics")


def observe_stage(stage: str, seconds: float) -> None:
    JOB_SECONDS.labels(stage).observe(seconds)


def set_queue_depth(read: Callable[[], float]) -> None:
    """Read the depth at each scrape (a broker call, or the in-process counter)."""
    def safe() -> float:
        try:
            return float(read())
        except Exception:
            ERRORS.labels("queue_depth_unreadable").inc()
            return float("nan")

    QUEUE_DEPTH.set_function(safe)


async def metrics_handler(_: web.Request) -> web.Response:
    return web.Response(body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})


@web.middleware
async def count_requests(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    started = time.perf_counter()
    path = request.path if request.path in ROUTES else "other"
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as error:
        status = error.status
        raise
    finally:
        REQUESTS.labels(path, str(status)).inc()
        if path == "/slack/events":
            if 200 <= status < 300:
                ACKS.inc()
                ACK_SECONDS.observe(time.perf_counter() - started)
            elif status >= 500:
                ERRORS.labels("ack_failed").inc()
