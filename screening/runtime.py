"""Process-level tuning for work over millions of objects."""

from __future__ import annotations

import contextlib
import gc
import getpass
import os
import sys
from collections.abc import Iterator


def current_user() -> str:
    """The OS login name recorded as who ran, reviewed or edited something."""
    try:
        return getpass.getuser()
    except Exception:  # containers without a passwd entry
        return os.environ.get("USER", "unknown")


def current_account() -> str:
    """The OS account and machine a decision is recorded from ("ann@WS-0142"): the
    reviewer's name is typed, this is not (s24 audit: who made a decision could not be
    established later)."""
    import socket

    try:
        host = socket.gethostname()
    except OSError:
        host = "unknown"
    return f"{current_user()}@{host}"


#: Seconds a thread may hold the interpreter lock while another waits for it, during a run.
SWITCH_INTERVAL = 0.0005


@contextlib.contextmanager
def quick_lock_handover() -> Iterator[None]:
    """A run screens on one thread while another stores: that one gives up the interpreter
    lock for each row SQLite writes, and by default waits 5 ms to get it back from the busy
    screening thread, so the store crawls beside it and the two threads end up taking turns
    instead of overlapping. A shorter switch interval hands the lock over sooner."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@contextlib.contextmanager
def cyclic_gc_paused(*, freeze: bool = True) -> Iterator[None]:
    """Bulk work allocates millions of short-lived objects while large tables stay alive;
    the cyclic collector then repeatedly walks every live object, holding the interpreter
    lock (the GUI stalls for 100 ms and more). This work creates no reference cycles worth
    collecting, so the collector is paused. What survives it (caches, result tables) is
    frozen afterwards: with collection paused it all sits in the young generation, and one
    young collection over it stalled the window 200 ms after a million-line run.
    ``freeze=False`` for work that keeps nothing alive afterwards (frozen, its few cycles
    would never be collected)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()
