"""wordfreq's lists as an on-disk word → band index, so a one-message call need not read a whole list.

Decoding one language's list takes about 0.1 s, a large share of a CLI call; the index is
built from it once (SQLite, in the user's cache, named after the list file's size and time
so an upgraded list gets a new one) and then answers a lookup in microseconds.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

FORMAT = 1  # bump when the table's layout changes


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/mixlingo/wordfreq`` (``~/.cache`` when unset): derived data, safe to delete."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "mixlingo" / "wordfreq"


class FrequencyIndex:
    """Read-only lookups of a word's band (centibels below 1, wordfreq's ``cB``) in a built index."""

    def __init__(self, path: Path):
        self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()  # one connection shared by the worker threads that tag

    def band(self, word: str) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT band FROM words WHERE word = ?", (word,)).fetchone()
        return None if row is None else int(row[0])


def open_index(source: Path, read_bands: Callable[[], list[list[str]] | None], directory: Path | None = None) -> FrequencyIndex | None:
    """The index of the list file ``source``, built on first use; None when it cannot be built or
    written (a read-only home, an unreadable list): the caller then reads the list into memory."""
    stat = source.stat()
    path = (directory or cache_dir()) / f"{source.name.split('.')[0]}-{stat.st_size}-{stat.st_mtime_ns}-v{FORMAT}.sqlite"
    try:
        if not path.is_file():
            bands = read_bands()
            if bands is None:
                return None
            _build(path, bands)
        return FrequencyIndex(path)
    except (OSError, sqlite3.Error):
        return None


def _build(path: Path, bands: list[list[str]]) -> None:
    """Write the index beside its final name, then rename: a reader never sees half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".partial")
    os.close(handle)
    try:
        db = sqlite3.connect(partial)
        try:
            db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                             "CREATE TABLE words (word TEXT PRIMARY KEY, band INTEGER NOT NULL) WITHOUT ROWID;")
            # In band order, so a word listed twice keeps its last band, as wordfreq's own dict does.
            db.executemany("INSERT OR REPLACE INTO words VALUES (?, ?)",
                           ((word, index) for index, band in enumerate(bands) for word in band))
            db.commit()
        finally:
            db.close()
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
