"""How many glibc malloc arenas the model runtimes' threads share: two, unless ``MALLOC_ARENA_MAX`` says otherwise.

glibc gives a thread that allocates while another holds the lock an arena of its own, up to eight per core,
and keeps what is freed in the arena it came from. ONNX Runtime's and CTranslate2's thread pools (and on Intel
CPUs oneMKL's, which CTranslate2 uses there for its int8 GEMMs) each allocate and free a model call's
temporaries, so freed memory piles up in one arena per thread that ever ran a model call, and the resident
size grows with every burst. Two arenas keep it in two places: on an Intel Xeon with AMX, two arenas alone
took the bench's optimised path from a peak of 671–704 MiB to 640–647 MiB, and a CTranslate2 batch's CPU
time stayed within the spread of identical runs (docs/performance.md, "Memory on Intel CPUs with AMX").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

ARENAS = 2
M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter for the arena limit (malloc.h)."""

_capped: bool | None = None


def cap_arenas() -> bool:
    """Limit this process to :data:`ARENAS` malloc arenas (once; call it before a runtime starts its threads).

    Returns whether the limit is in force. A ``MALLOC_ARENA_MAX`` in the environment is the operator's
    choice and is left alone (glibc read it at start); without glibc (musl, macOS) there is nothing to do."""
    global _capped
    if _capped is None:
        _capped = "MALLOC_ARENA_MAX" not in os.environ and _mallopt(M_ARENA_MAX, ARENAS)
    return _capped


def _mallopt(parameter: int, value: int) -> bool:
    try:
        return bool(ctypes.CDLL(ctypes.util.find_library("c")).mallopt(parameter, value))
    except (OSError, AttributeError, TypeError):  # not glibc
        return False
