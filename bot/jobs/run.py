"""Running one job: a lazy listener with bolt's arguments, under its job id, with failures kept.

bolt's own runner logs a listener's exception and swallows it; both runners
here need it (to retry, or to record the job as failed), so they call the
listener themselves.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from slack_bolt.kwargs_injection.async_utils import build_async_required_kwargs
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.util.utils import get_arg_names_of_callable

from mixlingo.bot import metrics
from mixlingo.bot.jobs.current import current_job


async def call_listener(function: Callable[..., Awaitable[None]], request: AsyncBoltRequest, job_id: str,
                        logger) -> None:
    """Run ``function`` as bolt would, with ``job_id`` as the holder of every claim it takes; exceptions propagate."""
    kwargs = build_async_required_kwargs(logger=logger, required_arg_names=get_arg_names_of_callable(function),
                                         request=request, response=None, this_func=function)
    token = current_job.set(job_id)
    started = time.perf_counter()
    try:
        await function(**kwargs)
    finally:
        current_job.reset(token)
        metrics.observe_stage("run", time.perf_counter() - started)
