"""Handing memory back to the system in the processes that hold a big run (the window and
its ordering helper). glibc keeps freed memory in its heap, and after the first large block
it frees it raises the size it hands out by mmap (up to 32 MB): from then on each
million-line order (4 MB arrays, a new pair for every sort and filter) comes from the heap
and the process grows with every request (the window from 200 to 270 MB in ten sorts). On
other platforms these do nothing. No Qt here."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import sys

_M_MMAP_THRESHOLD = -3  # mallopt parameter (malloc.h)
BIG_BLOCK = 1 << 20  # blocks of this size and more are mapped, and unmapped when freed


def return_big_blocks() -> None:
    """From now on, blocks of ``BIG_BLOCK`` bytes and more go back to the system as soon as
    they are freed (a fixed mmap threshold; idempotent)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            _libc().mallopt(_M_MMAP_THRESHOLD, BIG_BLOCK)


def release_free_memory() -> None:
    """Hand memory freed after building columns back to the system (glibc keeps it in the
    heap otherwise: tens of megabytes at a million lines)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            _libc().malloc_trim(0)


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL("libc.so.6")
