"""A file's bytes as the screening parses them, and their SHA-256: what is parsed is what was
hashed.

A run records its input's SHA-256 and keeps a copy under it, so an auditor can screen the
same bytes again. Hashing the file and then reading it again to parse it leaves a window in
which another version could be read (a file changed and changed back between the two reads
looks unchanged where timestamps are coarse). So a workbook is read into memory once, hashed,
and parsed from those bytes; a CSV file, too big to hold, is hashed as it is parsed
(``HashingFile``), and the run compares that digest with the one it recorded.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from screening.ingest.errors import IngestError

#: A workbook file bigger than this is refused before it is read into memory: its parts may
#: hold 1 GiB of XML in all (``xlsx_package.MAX_UNCOMPRESSED``), and a ZIP adds only headers.
MAX_WORKBOOK_BYTES = 1024**3 + 64 * 1024**2


@dataclass(frozen=True, eq=False)
class Content:
    """A workbook's bytes, read once, and their SHA-256 (hex)."""

    data: bytes
    sha256: str

    def __repr__(self) -> str:  # never the bytes (an error report would print megabytes)
        return f"Content({len(self.data):,} bytes, sha256={self.sha256[:16]}...)"

    def open(self) -> io.BytesIO:
        """A reader of the bytes (shares them: nothing is copied)."""
        return io.BytesIO(self.data)


def read_content(path: Path) -> Content:
    """The whole file, read once, with its SHA-256; IngestError if it cannot be read or is
    bigger than any workbook hkscreen reads."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_WORKBOOK_BYTES:
                raise IngestError(name, f"refused: the workbook file is {size:,} bytes (limit "
                                  f"{MAX_WORKBOOK_BYTES:,}); save the shipments as .csv")
            data = handle.read(MAX_WORKBOOK_BYTES + 1)
    except OSError as exc:
        raise IngestError(name, f"cannot be read: {exc.strerror or exc}") from exc
    if len(data) > MAX_WORKBOOK_BYTES:  # it grew while being read
        raise IngestError(name, f"refused: the workbook file is more than "
                          f"{MAX_WORKBOOK_BYTES:,} bytes; save the shipments as .csv")
    return Content(data, hashlib.sha256(data).hexdigest())


class HashingFile(io.FileIO):
    """A file opened for reading that hashes every byte read from it, in order, and keeps the
    first ``head_size`` of them: once read to the end, ``sha256()`` is the digest of exactly
    the bytes a parser above it was given. Seeking would break that and is refused."""

    def __init__(self, path: Path, head_size: int = 0):
        super().__init__(path, "rb")
        self._digest = hashlib.sha256()
        self._head_size = head_size
        self.head = bytearray()

    def _seen(self, data: bytes | memoryview) -> None:
        if data:
            self._digest.update(data)
            if len(self.head) < self._head_size:
                self.head += data[:self._head_size - len(self.head)]

    def readinto(self, buffer):  # type: ignore[no-untyped-def,override]
        count = super().readinto(buffer)
        if count:
            self._seen(memoryview(buffer).cast("B")[:count])
        return count

    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        data = super().read(size)
        self._seen(data)
        return data

    def readall(self) -> bytes:
        data = super().readall()
        self._seen(data)
        return data

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if offset == 0 and whence == io.SEEK_CUR:  # where reading is: a tell()
            return super().seek(offset, whence)
        raise io.UnsupportedOperation("a hashing reader reads straight through")

    def sha256(self) -> str:
        return self._digest.hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
