"""Scale-out commands: ``mixlingo worker``, ``mixlingo jobs failed|retry``, ``mixlingo db upgrade|keygen``.

Errors a user can fix (no broker configured, database down, bad setting) are
one ``error:`` line and exit code 2, like every other command.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from mixlingo.config import load_settings
from mixlingo.cli.app import app, db_app, jobs_app
from mixlingo.cli.support import console, setup_logging
from mixlingo.core.errors import InputError, MixlingoError


@app.command("worker")
def worker(
    concurrency: Annotated[Optional[int], typer.Option(help="Jobs at once (default: MIXLINGO_WORKER_CONCURRENCY, 4).")] = None,
    name: Annotated[Optional[str], typer.Option(help="Worker name (default: mixlingo-<pid>@<host>).")] = None,
) -> None:
    """Run translation jobs from the queue (MIXLINGO_BROKER_URL): load the models once, post results to Slack."""
    setup_logging()
    settings = load_settings(worker_concurrency=concurrency)
    if not settings.scale_out.broker_url:
        raise MixlingoError("MIXLINGO_BROKER_URL is not set: a worker takes jobs from a broker, e.g. "
                            "MIXLINGO_BROKER_URL=redis://127.0.0.1:6379/0 (without one, `mixlingo serve` runs "
                            "everything in one process)")
    from mixlingo.bot.jobs.worker import run_worker
    from mixlingo.factory import translation_service

    run_worker(settings, service=translation_service(settings), name=name, say=typer.echo)


async def _with_repo(work: Callable[[Any], Any]) -> Any:
    from mixlingo.bot.storage import Repository, open_database

    database = await open_database(load_settings().scale_out.database_url)
    try:
        return await work(Repository(database.engine))
    finally:
        await database.close()


@jobs_app.command("failed")
def jobs_failed(
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
    include_retried: Annotated[bool, typer.Option("--all", help="Also show jobs already sent again.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List jobs that failed for good (retries used up, or an error a retry cannot fix)."""
    rows = asyncio.run(_with_repo(lambda repo: repo.failed_jobs(limit, include_retried=include_retried)))
    if as_json:
        for row in rows:
            typer.echo(json.dumps({"id": row.id, "job": row.job, "team": row.team_id, "summary": row.summary,
                                   "error": row.error, "attempts": row.attempts, "at": row.created_at.isoformat(),
                                   "retried_at": row.retried_at.isoformat() if row.retried_at else None}))
        return
    if not rows:
        typer.echo("No failed jobs.")
        return
    table = Table(title=f"failed jobs ({len(rows)})")
    for column in ("id", "when (UTC)", "job", "team", "what", "tries", "error"):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row.id), f"{row.created_at:%Y-%m-%d %H:%M:%S}", row.job, row.team_id or "-", row.summary,
                      str(row.attempts), row.error)
    console.print(table)
    typer.echo("Send one again with `mixlingo jobs retry ID` (queue mode).")


@jobs_app.command("retry")
def jobs_retry(ids: Annotated[list[int], typer.Argument(help="Failed job ids (from `mixlingo jobs failed`).")]) -> None:
    """Put failed jobs back on the queue; posting stays idempotent, so nothing is posted twice."""
    settings = load_settings()
    if not settings.scale_out.broker_url:
        raise InputError("retrying needs the queue (MIXLINGO_BROKER_URL); in one-process mode, repeat the action in Slack")
    from mixlingo.bot.jobs.envelope import Envelope
    from mixlingo.bot.jobs.journal import journal_for
    from mixlingo.bot.jobs.queue import make_celery, send

    celery, journal = make_celery(settings.scale_out), journal_for(settings.scale_out)

    async def work(repo: Any) -> list[int]:
        rows = {row.id: row for row in await repo.failed_jobs(10_000, include_retried=True)}
        missing = [i for i in ids if i not in rows]
        if missing:
            raise InputError(f"no failed job with id {', '.join(map(str, missing))}; see `mixlingo jobs failed --all`")
        for i in ids:
            envelope = Envelope.from_dict(json.loads(rows[i].payload))
            send(celery, settings.scale_out.queue_name, envelope, journal)
            await repo.mark_retried(i)
        return ids

    done = asyncio.run(_with_repo(work))
    typer.echo(f"queued again: {', '.join(map(str, done))}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring MIXLINGO_DATABASE_URL's schema to the latest migration (safe to run from several hosts at once)."""
    from mixlingo.bot.storage.db import shown

    settings = load_settings()
    asyncio.run(_with_repo(lambda repo: asyncio.sleep(0)))
    typer.echo(f"database {shown(settings.scale_out.database_url)} is at the latest schema")


@db_app.command("keygen")
def db_keygen() -> None:
    """Print a new MIXLINGO_ENCRYPTION_KEY (to rotate: new key first, old after it, comma-separated)."""
    from mixlingo.bot.crypto import new_key

    typer.echo(new_key())
