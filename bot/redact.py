"""Keeping Slack tokens and URL passwords out of logs: every log record is scrubbed when it is made.

slack_sdk logs whole API responses at debug level (``oauth.v2.access`` answers
with the new bot token), an exception may quote a request, and a connection
error may quote a database or broker URL with its password. A log-record
factory sees every record of every logger before any handler formats it.
"""

from __future__ import annotations

import logging
import re

from mixlingo.config.secrets import mask_url

TOKEN = re.compile(r"\b(xox[abeprso]|xapp|xoxe\.xox[bp])-[A-Za-z0-9-]{6,}")
_installed = False


def redact(text: str) -> str:
    return mask_url(TOKEN.sub(lambda m: f"{m.group(1)}-…redacted", text))


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
        if redact(message) != message:
            record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if redact(text) != text:
                record.exc_text, record.exc_info = redact(text), None
        return record

    logging.setLogRecordFactory(factory)
