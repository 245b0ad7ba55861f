"""``screen --json``: ``{"run": ..., "lines": [...]}`` written once, straight into the target's
folder, and moved into place only when the run is complete.

The run object comes first but is only final at the end (counts, finish time), so its place
is reserved at the start: the run as known then plus ample headroom, filled with spaces
(JSON whitespace). At the end the final run object is written into that place; in the
unexpected case that it has outgrown it, the file is rewritten once.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from screening.drop_behind import DropBehind, write_behind
from screening.recovery import temp_file
from screening.reports.safety import file_mode

POINTER_SUFFIX = ".jsonpart"
HEADROOM = 4096  # bytes beyond the run object as known at the start
_HEAD = b'{"run": '
_LINES = b', "lines": ['


class JsonOutput:
    def __init__(self, target: Path, run_json: str):
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.run-"
                                    f"{os.getpid()}-", suffix=".part")
        self.part = Path(name)
        # A pointer in the data directory's tmp folder: if this process is killed, the next
        # start removes the part file (recovery.clean_temp_files).
        self.pointer = temp_file(POINTER_SUFFIX)
        self.pointer.write_text(str(self.part.resolve()), encoding="utf-8")
        self.handle = os.fdopen(fd, "wb")
        self.slot = len(run_json.encode("utf-8")) + HEADROOM
        self.handle.write(_HEAD + b" " * self.slot + _LINES)
        self._behind = DropBehind(fd)

    def append(self, data: bytes) -> None:
        """Append lines as line_json renders them (called in line order)."""
        try:
            write_behind(self.handle, data, self._behind)
        except OSError as exc:  # a full disk names no file: name the one being written
            if exc.filename is not None:
                raise
            raise OSError(exc.errno, exc.strerror, str(self.target)) from exc

    def hand_over(self) -> str:
        """The part file's path, for another process to append the lines to (its own
        handle, in line order); ``finish`` once that process has closed it."""
        self.handle.flush()
        return str(self.part)

    def finish(self, run_json: str) -> Path:
        """Close the document with the final run object and move it into place."""
        try:
            self.handle.seek(0, os.SEEK_END)  # after lines another process may have added
            self.handle.write(b"]}\n")
            self.handle.close()
            data = run_json.encode("utf-8")
            if len(data) <= self.slot:
                with self.part.open("r+b") as handle:
                    handle.seek(len(_HEAD))
                    handle.write(data)
            else:
                self._rewrite(data)
            # The temporary file is 0600: give the results the mode a report of the same run
            # gets (the umask's, or an earlier file's when it is replaced).
            os.chmod(self.part, file_mode(self.target))
            os.replace(self.part, self.target)
        except BaseException:
            self.discard()
            raise
        self.pointer.unlink(missing_ok=True)
        return self.target

    def discard(self) -> None:
        if not self.handle.closed:
            self.handle.close()
        self.part.unlink(missing_ok=True)
        self.pointer.unlink(missing_ok=True)

    def _rewrite(self, run: bytes) -> None:
        fd, name = tempfile.mkstemp(dir=self.target.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out, self.part.open("rb") as src:
                out.write(_HEAD + run)
                src.seek(len(_HEAD) + self.slot)
                shutil.copyfileobj(src, out, 4 * 1024 * 1024)
            os.replace(name, self.part)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
