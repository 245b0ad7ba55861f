"""Big output files written without keeping them in memory: once a stretch of the file is
written, the system is told it will not be read back soon (``posix_fadvise`` DONTNEED), so
the pages that held it are written out and reused for the next stretch.

Why: a million-line ``--json`` is 1.2 GB. Left to the page cache, every new stretch takes
fresh memory pages; on a virtual machine whose host reclaims free guest memory, touching
those costs more than rendering the JSON (writing 1.2 GB took 5 s of processor time that
way, 0.5 s with the pages dropped behind the writer). Dropping is only a hint: pages still
being written to disk are left where they are, so a slow disk never slows the writer down,
and where the call does not exist (Windows, macOS) nothing happens.
"""

from __future__ import annotations

import contextlib
import os
from typing import BinaryIO

#: Stretches behind the newest one that are advised again: pages whose writing had not
#: finished at one call are dropped at a later one.
LAG = 3
_ADVISE = getattr(os, "posix_fadvise", None)
_DONTNEED = getattr(os, "POSIX_FADV_DONTNEED", 4)


class DropBehind:
    """Call ``written(end)`` after each stretch written and flushed up to offset ``end``
    of the file ``fd``."""

    def __init__(self, fd: int, start: int = 0) -> None:
        self.fd = fd
        self._marks = [start]

    def written(self, end: int) -> None:
        if _ADVISE is None:
            return
        self._marks.append(end)
        del self._marks[:-(LAG + 1)]
        low = self._marks[0]
        if end > low:
            # A pipe or a file system that does not take it: it is only a hint.
            with contextlib.suppress(OSError):
                _ADVISE(self.fd, low, end - low, _DONTNEED)


def write_behind(handle: BinaryIO, data: bytes | memoryview, behind: DropBehind) -> None:
    """Write ``data`` to ``handle``, flush it and drop what is written behind it."""
    handle.write(data)
    handle.flush()
    behind.written(handle.tell())
