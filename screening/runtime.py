"""Process-level tuning for work over millions of objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Bulk work allocates millions of short-lived objects while large tables stay alive;
    the cyclic collector then repeatedly walks every live object, holding the interpreter
    lock (the GUI stalls for 100 ms and more). This work creates no reference cycles worth
    collecting midway, so the collector is paused and one young collection runs after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect(0)
