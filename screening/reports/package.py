"""Writing the XLSX package (a zip file) from members given whole or as deflate streams that
were compressed while the sheet's rows were written, so no member is compressed twice.

Only what an XLSX needs: deflated members, sizes known before each member is written (no data
descriptors), ZIP64 records when a member, an offset or the directory passes 2 GiB.
"""

from __future__ import annotations

import contextlib
import queue
import shutil
import struct
import tempfile
import threading
import zlib
from pathlib import Path
from typing import IO, Any

try:  # ISA-L: deflate as compact as zlib's level 1 in about a quarter of the time
    from isal import isal_zlib as _rows_zlib
except ImportError:  # pragma: no cover - a platform without its wheel: zlib
    _rows_zlib = zlib  # type: ignore[assignment]

#: Like zipfile: beyond this, ZIP64 fields are used (readers differ on 2-4 GiB).
ZIP64_LIMIT = (1 << 31) - 1
_MAX32 = 0xFFFFFFFF
_DEFLATED = 8


def _deflater(level: int) -> zlib._Compress:  # type: ignore[name-defined]
    return zlib.compressobj(level, zlib.DEFLATED, -15)  # raw deflate, as zip stores it


def _rows_deflater(level: int) -> Any:
    """A raw deflate compressor for a big sheet's rows (level 1: fast)."""
    return _rows_zlib.compressobj(level, _rows_zlib.DEFLATED, -15)


def deflate(data: bytes, level: int = 6, *, final: bool = True) -> bytes:
    """``data`` as raw deflate; not ``final``: ended with a sync flush, so more deflate data
    may follow it in the same member."""
    compressor = _deflater(level)
    return compressor.compress(data) + compressor.flush(
        zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)


# CRC-32 of two pieces joined, from the pieces' CRCs (zlib's crc32_combine, which Python's
# zlib module does not expose): advance crc1 over len2 zero bytes with a GF(2) matrix.

def _times(matrix: list[int], vector: int) -> int:
    total = 0
    i = 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _square(matrix: list[int]) -> list[int]:
    return [_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A + B given crc32(A), crc32(B) and len(B)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _square(odd)  # two zero bits
    odd = _square(even)  # four zero bits
    while True:
        even = _square(odd)  # the first square gives one zero byte
        if len2 & 1:
            crc1 = _times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _square(even)
        if len2 & 1:
            crc1 = _times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


class DeflatedRows:
    """Text written here (a sheet's rows) is encoded and compressed on a worker thread (zlib
    and file writes release the GIL, so it overlaps building the rows) into a temporary file
    next to the report: a raw deflate stream ended with a sync flush, plus its CRC-32 and
    length, ready to be placed between the sheet's head and tail."""

    CHUNK = 1 << 20  # characters buffered before a piece is handed to the worker

    def __init__(self, folder: Path, level: int = 1) -> None:
        self.file: IO[bytes] = tempfile.NamedTemporaryFile(  # noqa: SIM115 (discard closes)
            "wb", dir=folder, suffix=".rows", delete=False)
        self.path = Path(self.file.name)
        self.crc = 0
        self.size = 0
        self._parts: list[str] = []
        self._chars = 0
        self._level = level
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._compress, name="report-deflate",
                                        daemon=True)
        self._worker.start()
        self.closed = False

    def write(self, text: str | bytes) -> None:
        """Rows as text or as UTF-8."""
        if isinstance(text, bytes):
            self._hand_over()
            self._queue.put(text)
            return
        if len(text) >= self.CHUNK:  # a writer's batch: no second copy
            self._hand_over()
            self._queue.put(text.encode("utf-8"))
            return
        self._parts.append(text)
        self._chars += len(text)
        if self._chars >= self.CHUNK:
            self._hand_over()

    def _hand_over(self) -> None:
        if self._parts:
            self._queue.put("".join(self._parts).encode("utf-8"))
            self._parts = []
            self._chars = 0

    def _compress(self) -> None:
        compressor = _rows_deflater(self._level)
        while True:
            data = self._queue.get()
            if data is None:
                break
            if self._error is not None:
                continue  # keep draining, so the writer never blocks
            try:
                self.crc = zlib.crc32(data, self.crc)
                self.size += len(data)
                self.file.write(compressor.compress(data))
            except BaseException as exc:  # handed to the writing thread in close()
                self._error = exc
        if self._error is None:
            try:
                self.file.write(compressor.flush(_rows_zlib.Z_SYNC_FLUSH))
            except BaseException as exc:
                self._error = exc

    @classmethod
    def finished(cls, path: Path, crc: int, size: int) -> DeflatedRows:
        """Rows another process compressed into ``path`` (as ``close`` leaves them)."""
        rows = cls.__new__(cls)
        rows.path, rows.crc, rows.size = path, crc, size
        rows.closed = True
        return rows

    def close(self) -> None:
        """Wait for the worker; the compressed rows are then complete in ``path``."""
        if self.closed:
            return
        self.closed = True
        try:
            self._hand_over()
        finally:
            self._queue.put(None)
            self._worker.join()
            self.file.close()
        if self._error is not None:
            raise self._error

    def discard(self) -> None:
        """Stop and remove the temporary file (after use or on failure)."""
        with contextlib.suppress(Exception):  # the failure that led here is the one to report
            self.close()
        self.path.unlink(missing_ok=True)

    @property
    def compressed_size(self) -> int:
        return self.path.stat().st_size


def _dos_time(date_time: tuple[int, ...]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time[:6]
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


class ZipWriter:
    """A zip file written member after member; ``close`` writes the central directory."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("wb")
        self._entries: list[tuple[bytes, int, int, int, int, int, int, int]] = []

    def add(self, name: str, data: bytes, date_time: tuple[int, ...], level: int = 6) -> None:
        """A member given whole, compressed here."""
        self.add_deflated(name, date_time, zlib.crc32(data), len(data),
                          [deflate(data, level)])

    def add_deflated(self, name: str, date_time: tuple[int, ...], crc: int, size: int,
                     pieces: list[bytes | Path]) -> None:
        """A member whose raw deflate data is ``pieces`` (bytes, or files copied as they
        are), one deflate stream when joined; ``crc`` and ``size`` are the uncompressed
        member's."""
        out = self._file
        compressed = sum(len(p) if isinstance(p, bytes) else p.stat().st_size for p in pieces)
        offset = out.tell()
        zip64 = size > ZIP64_LIMIT or compressed > ZIP64_LIMIT
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800
        time, date = _dos_time(date_time)
        version = 45 if zip64 else 20
        extra = struct.pack("<HHQQ", 1, 16, size, compressed) if zip64 else b""
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", version, flags, _DEFLATED, time,
                              date, crc, _MAX32 if zip64 else compressed,
                              _MAX32 if zip64 else size, len(encoded), len(extra)))
        out.write(encoded + extra)
        for piece in pieces:
            if isinstance(piece, bytes):
                out.write(piece)
            else:
                with piece.open("rb") as source:
                    shutil.copyfileobj(source, out, 4 << 20)
        self._entries.append((encoded, flags, time, date, crc, compressed, size, offset))

    def close(self) -> None:
        out = self._file
        start = out.tell()
        for encoded, flags, time, date, crc, compressed, size, offset in self._entries:
            zip64 = max(size, compressed, offset) > ZIP64_LIMIT
            extra = struct.pack("<HHQQQ", 1, 24, size, compressed, offset) if zip64 else b""
            version = 45 if zip64 else 20
            out.write(struct.pack(
                "<4s6H3L5H2L", b"PK\x01\x02", (3 << 8) | version, version, flags, _DEFLATED,
                time, date, crc, _MAX32 if zip64 else compressed, _MAX32 if zip64 else size,
                len(encoded), len(extra), 0, 0, 0, 0o600 << 16,
                _MAX32 if zip64 else offset))
            out.write(encoded + extra)
        end = out.tell()
        count, directory = len(self._entries), end - start
        if count >= 0xFFFF or directory > ZIP64_LIMIT or start > ZIP64_LIMIT:
            out.write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count,
                                  directory, start))
            out.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1))
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, min(count, 0xFFFF),
                              min(count, 0xFFFF), min(directory, _MAX32), min(start, _MAX32),
                              0))
        out.close()

    def abort(self) -> None:
        self._file.close()
