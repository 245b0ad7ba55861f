"""The report digest: SHA-256 over a canonical serialisation of every cell of the report.

The same canonical form is computed when the report is written (from the values written)
and by ``hkscreen verify`` (from the cells read back), so any edit shows: a changed, added
or removed cell on any sheet (Summary, Findings, Lines, Reviews, Rules, Run, or a new one).
Only the cells that carry the digest and the signature themselves are left out.

A cell is its sheet, row and column and its value as text: ``cell_text`` of the value
written equals ``read_cell_text`` of the value read back (a date cell as a date, Excel's
``_xHHHH_`` escapes of control characters decoded). Each sheet is hashed row by row; the
digest is the hash of the sheets' hashes in workbook order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import queue
import re
import threading
from collections.abc import Sequence
from typing import Any

_encode = json.JSONEncoder(ensure_ascii=False).encode
DIGEST_LABEL = "Report digest (SHA-256)"
SIGNATURE_LABEL = "Report signature (Ed25519)"
KEY_FINGERPRINT_LABEL = "Signing key fingerprint (SHA-256)"
PUBLIC_KEY_LABEL = "Signing public key (Ed25519)"
#: Summary rows whose cells are not covered: they carry the digest and the signature.
UNSIGNED_LABELS = (DIGEST_LABEL, SIGNATURE_LABEL)
#: The sheets of an XLSX report, in their order.
SHEETS = ("Summary", "Findings", "Lines", "Reviews", "Rules", "Run")


def canon(value: object) -> str:
    """One cell as text, identical for the value written and the value read back."""
    if value.__class__ is str:
        return value  # type: ignore[return-value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(match: re.Match[str]) -> str:
    return chr(int(match.group(1), 16))


def cell_text(value: object) -> str:
    """A cell's value as written, as text."""
    if isinstance(value, dt.datetime) and value.microsecond:  # serial days: to the second
        value = value.replace(microsecond=0) + dt.timedelta(
            seconds=1 if value.microsecond >= 500_000 else 0)
    return canon(value)


def read_value(value: object) -> object:
    """A cell's value as read back by openpyxl, with Excel's ``_xHHHH_`` escapes decoded
    (see ``read_cell_text``)."""
    if value.__class__ is str and "_x" in value:  # type: ignore[operator]
        return _ESCAPE_RE.sub(_unescape, value)  # type: ignore[arg-type]
    return value


def read_cell_text(value: object) -> str:
    """A cell's value as read back by openpyxl, as text equal to ``cell_text`` of the value
    written: XML cannot carry control characters (nor CR, which it turns into LF), so the
    file stores Excel's ``_xHHHH_`` escapes (a literal ``_x`` as ``_x005F_x``), which
    openpyxl hands back undecoded. Decoded here, in one pass as Excel does."""
    if value.__class__ is str and "_x" in value:  # type: ignore[operator]
        return _ESCAPE_RE.sub(_unescape, value)  # type: ignore[arg-type]
    return cell_text(value)


class CellDigest:
    """Hashes the cells of a workbook as they are written (or read): rows of each sheet in
    increasing order, each row the texts of its columns up to its last non-empty one."""

    def __init__(self, *, reading: bool = False) -> None:
        self._text = read_cell_text if reading else cell_text
        self._sheets: dict[str, Any] = {}
        self._last: dict[str, int] = {}
        self._pending: dict[str, tuple[int, dict[int, str]]] = {}
        self._worker: _Hasher | None = None
        #: Sheets hashed elsewhere (see ``adopt``): their hashes.
        self._adopted: dict[str, str] = {}

    def hash_in_background(self) -> None:
        """Hash on a worker thread from now on (SHA-256 releases the GIL on big pieces, so
        it overlaps writing the rows); ``hexdigest`` waits for it, ``close`` stops it."""
        if self._worker is None:
            self._worker = _Hasher()

    def close(self) -> None:
        """Stop the worker thread, if any, when writing failed (a failure of its own was
        raised where a piece was handed over)."""
        if self._worker is not None:
            worker, self._worker = self._worker, None
            with contextlib.suppress(Exception):
                worker.finish()

    def _update(self, h: Any, data: bytes) -> None:
        if self._worker is not None:
            self._worker.put(h, data)
        else:
            h.update(data)

    def _hasher(self, sheet: str) -> Any:
        """The sheet's hash, begun on its first cell (never one adopted, see ``adopt``)."""
        h = self._sheets.get(sheet)
        if h is None:
            if sheet in self._adopted:
                raise RuntimeError(f"{sheet}: cells hashed here and elsewhere")
            h = self._sheets[sheet] = hashlib.sha256()
        return h

    def _hash_row(self, sheet: str, row: int, texts: list[str]) -> None:
        while texts and not texts[-1]:
            texts.pop()
        if not texts:
            return
        if row <= self._last.get(sheet, -1):
            raise RuntimeError(f"{sheet}: row {row + 1} hashed out of order")
        self._last[sheet] = row
        self._update(self._hasher(sheet), (_encode([row, texts]) + "\n").encode("utf-8"))

    def row(self, sheet: str, row: int, values: Sequence[object]) -> None:
        """A whole row (0-based index) at once: the fast path for big sheets."""
        if sheet in self._pending:
            self._flush(sheet)
        text = self._text
        if text is cell_text:  # a million-line sheet: text as itself, no call per cell
            texts = [v if v.__class__ is str else "" if v is None else text(v) for v in values]
        else:
            texts = [text(v) for v in values]
        self._hash_row(sheet, row, texts)

    def encoded_rows(self, sheet: str, first: int, last: int, text: str | bytes) -> None:
        """Rows ``first..last`` already in canonical form: each row's ``[row, texts]`` JSON
        (``json`` default separators, ``ensure_ascii=False``) and a newline, texts without
        trailing empties, as ``_hash_row`` writes them (bytes: that text as UTF-8). For
        writers that render repeated rows once (the Findings sheet)."""
        if sheet in self._pending:
            self._flush(sheet)
        if first <= self._last.get(sheet, -1) or last < first:
            raise RuntimeError(f"{sheet}: rows {first + 1}-{last + 1} hashed out of order")
        self._last[sheet] = last
        self._update(self._hasher(sheet),
                     text if isinstance(text, bytes) else text.encode("utf-8"))

    def cell(self, sheet: str, row: int, col: int, value: object) -> None:
        """One cell; the cells of a row may come one by one, rows in order."""
        pending = self._pending.get(sheet)
        if pending is not None and pending[0] != row:
            self._flush(sheet)
            pending = None
        if pending is None:
            pending = self._pending[sheet] = (row, {})
        text = self._text(value)
        if text:
            pending[1][col] = text

    def _flush(self, sheet: str) -> None:
        pending = self._pending.pop(sheet, None)
        if pending and pending[1]:
            cells = pending[1]
            self._hash_row(sheet, pending[0], [cells.get(c, "") for c in range(max(cells) + 1)])

    def sheet_hashes(self) -> dict[str, str]:
        """Each sheet's hash so far (every cell given is hashed first)."""
        for sheet in list(self._pending):
            self._flush(sheet)
        if self._worker is not None:  # every piece hashed (or the worker's failure raised)
            worker, self._worker = self._worker, None
            worker.finish()
        return {name: h.hexdigest() for name, h in self._sheets.items()} | self._adopted

    def adopt(self, sheet: str, hexdigest: str) -> None:
        """A whole sheet hashed by another ``CellDigest`` (``sheet_hashes``): the rows of
        the report's big sheets are rendered and hashed apart (reports.line_sheets)."""
        if sheet in self._sheets or sheet in self._pending or sheet in self._adopted:
            raise RuntimeError(f"{sheet}: cells hashed here and elsewhere")
        self._adopted[sheet] = hexdigest

    def hexdigest(self, sheet_order: Sequence[str]) -> str:
        hashes = self.sheet_hashes()
        unknown = set(hashes) - set(sheet_order)
        if unknown:
            raise RuntimeError(f"cells hashed on sheets not in the workbook: {unknown}")
        combined = _encode([[name, hashes[name]] for name in sheet_order if name in hashes])
        return hashlib.sha256(combined.encode("utf-8")).hexdigest()


class _Hasher:
    """A thread that feeds hash objects their pieces, in the order given."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Any, bytes] | None] = queue.Queue(maxsize=16)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="report-digest", daemon=True)
        self._thread.start()

    def put(self, h: Any, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((h, data))

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    item[0].update(item[1])
                except BaseException as exc:  # handed to the writing thread
                    self._error = exc

    def finish(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


SECTIONS = ("summary", "findings", "lines", "reviews")


class Digest:
    """The PDF's digest: what the report states (summary, findings, lines, reviews), hashed
    by section so rows can be streamed in any interleaving; the digest is the hash of the
    section hashes in a fixed order. (The XLSX digest is ``CellDigest``, over its cells.)"""

    def __init__(self) -> None:
        self._sections = {name: hashlib.sha256() for name in SECTIONS}
        self.rows = dict.fromkeys(SECTIONS, 0)

    def add(self, section: str, row: Sequence[object]) -> None:
        line = _encode([canon(v) for v in row]) + "\n"
        self._sections[section].update(line.encode("utf-8"))
        self.rows[section] += 1

    def hexdigest(self) -> str:
        combined = json.dumps({name: h.hexdigest() for name, h in self._sections.items()},
                              sort_keys=True)
        return hashlib.sha256(combined.encode("ascii")).hexdigest()
