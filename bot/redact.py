"""Keeping Slack tokens out of logs: every log record is scrubbed when it is made.

slack_sdk logs whole API responses at debug level (``oauth.v2.access`` answers
with the new bot token), and an exception may quote a request. A log-record
factory sees every record of every logger before any handler formats it.
"""

from __future__ import annotations

import logging
import re

TOKEN = re.compile(r"\b(xox[abeprso]|xapp|xoxe\.xox[bp])-[A-Za-z0-9-]{6,}")
_installed = False


def redact(text: str) -> str:
    return TOKEN.sub(lambda m: f"{m.group(1)}-…redacted", text)


def install() -> None:
    """Scrub tokens from every log record from now on (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    make = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler to report
            return record
        if TOKEN.search(message):
            record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None and TOKEN.search(str(record.exc_info[1])):
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return record

    logging.setLogRecordFactory(factory)
