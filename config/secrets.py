"""Credentials inside URLs never reach a screen or a log.

``redis://:s3cret@host:6379/0`` is shown as ``redis://:***@host:6379/0`` (the way
SQLAlchemy hides a database password); a ``password=`` query parameter is
hidden the same way. Works on a bare URL or on any text that quotes URLs
(an error message, a log line).
"""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*):(?P<password>[^\s/]*)@")
_QUERY = re.compile(r"(?P<head>[?&](?:password|passwd|pwd)=)[^&#\s]*", re.IGNORECASE)
HIDDEN = "***"


def mask_url(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``; the user name and host stay."""
    text = _USERINFO.sub(lambda m: f"{m['head']}:{HIDDEN}@", text)
    return _QUERY.sub(lambda m: m["head"] + HIDDEN, text)


def has_url_secret(text: str) -> bool:
    return mask_url(text) != text
