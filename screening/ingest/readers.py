"""Opening input files safely and streaming their raw rows.

XLSX cell values are read in bulk with python-calamine; the worksheet XML is scanned only
for formula cells that carry no cached value (calamine reports those as blank). CSV files
are decoded (UTF-8, UTF-8 with BOM, UTF-16 with BOM, cp1252) and their delimiter sniffed.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import logging
import os
import re
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import python_calamine

from screening.column_letters import column_letter
from screening.ingest.content import Content, HashingFile, read_content
from screening.ingest.errors import IngestError
from screening.ingest.shown_values import certain_values
from screening.ingest.xlsx_package import (
    INLINE_WITH_VALUE,
    NO_ERROR_VALUE,
    TWICE,
    TWO_VALUES,
    check_zip,
    column_index,
    parse_part,
    repeated_cell,
    scan_sheet,
)

__all__ = ["SheetInfo", "TableSource", "check_regular_file", "check_zip", "column_index",
           "column_letter", "list_sheets", "open_csv", "open_xlsx", "sheet_order", "sniff_kind",
           "warm_xlsx"]

log = logging.getLogger(__name__)
#: Rows a reader takes from the file at a time.
CHUNK = 1000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_CSV_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class SheetInfo:
    name: str
    rows: int
    visible: bool


@dataclass
class TableSource:
    """Raw rows of one sheet or CSV file; ``rows()`` yields (1-based row number, values).

    ``rows_read`` counts the rows handed out and ``finished`` says the reader reached the end
    of the data, so the caller can check that every row in became a line out."""

    path: Path
    kind: str  # "xlsx" | "csv"
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    #: The file names its separator in a first line "sep=;" (Excel reads it so everywhere).
    delimiter_declared: bool = False
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    formula_rows: frozenset[int] = frozenset()
    #: Cells holding an Excel error (also in formula_cells): their text, e.g. "#N/A"
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: Formula cells whose saved value is not what Excel shows (also in formula_cells):
    #: their formula (xlsx_package.SheetScan.stale_cells)
    stale_cells: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    #: Cells a merged range covers (xlsx_package.SheetScan.merged_cells): the rows where one
    #: is in a column the screening reads take the careful path (rows.RowConverter).
    merged_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: The value of each merged range's first cell, by the range ("G2:G4"), taken as its row
    #: is read (before the rows it covers): what Excel shows across the range.
    merged_text: dict[str, object] = field(default_factory=dict)
    #: Cells whose number format shows a date without its day (SheetScan.dayless_cells):
    #: the rows where one is the export date take the careful path.
    dayless_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: Text cells whose number format shows other text (SheetScan.masked_cells): their rows
    #: take the careful path.
    masked_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: Cells with a note or comment, with its text (SheetScan.comments): their rows take
    #: the careful path, which names them.
    comments: dict[tuple[int, int], str] = field(default_factory=dict)
    #: Value elements in the sheet XML (SheetScan.value_tags), to compare with the values
    #: the cell reader shows.
    value_tags: int = 0
    #: The widest column the sheet XML names (SheetScan.columns; styled empty cells too).
    xml_columns: int = 0
    #: A workbook counting dates from 1904 (SheetScan.date1904).
    date1904: bool = False
    rows_read: int = 0
    #: Cells in the widest row handed out so far (a CSV row may hold more than its header).
    widest: int = 0
    finished: bool = False
    expected_rows: int | None = None  # rows the reader should hand out in all, once known
    #: A workbook's bytes, read once (``content``): the rows are read from these.
    content: Content | None = field(default=None, repr=False)
    #: SHA-256 of the bytes the rows came from: a workbook's content's; a CSV file's as its
    #: rows were read, known once read to the end. None for a workbook read from its path.
    content_sha256: str | None = None
    _col_offset: int = 0
    _height: int = 0  # XLSX rows, known once reading starts
    _file: IO[bytes] | None = None  # CSV bytes, whose position tells how far reading got
    _loading: _SheetLoad | None = None  # XLSX sheet being loaded on a thread (``warm_xlsx``)
    _sample: bytes = field(default=b"", repr=False)  # CSV: the start its encoding came from

    def fraction_read(self, last_row: int) -> float | None:
        """How much of the input has been read once row ``last_row`` is (0..1), for a
        progress bar; None if unknown."""
        if self.kind == "xlsx":
            return min(1.0, last_row / self._height) if self._height else None
        if self._file is None:
            return None
        # The reader is up to a chunk ahead of the row being screened: scale its position by
        # the share of the rows it has taken that are done.
        done = min(1.0, last_row / self.rows_read) if self.rows_read else 0.0
        if self._file.closed:  # read to the end
            return done
        size = os.fstat(self._file.fileno()).st_size
        return min(1.0, self._file.tell() / size * done) if size else None

    def cell_ref(self, row: int, col: int) -> str:
        if self.kind == "xlsx":
            return f"{self.sheet}!{column_letter(col)}{row}"
        return f"{self.path.name} row {row} col {column_letter(col)}"

    def rows(self) -> Iterator[tuple[int, list[object]]]:
        # The readers hand out rows a chunk at a time (``yield from`` a list: no Python step
        # per row) and count them in ``rows_read`` as they do.
        yield from self._xlsx_rows() if self.kind == "xlsx" else self._csv_rows()
        self.finished = True

    def _xlsx_rows(self) -> Iterator[tuple[int, list[object]]]:
        loading, self._loading = self._loading, None
        workbook = loading.workbook() if loading else _calamine(self.path, self.content)
        number = 0
        try:
            sheet = loading.sheet() if loading else workbook.get_sheet_by_name(self.sheet)
            start = sheet.start
            self._col_offset = start[1] if start else 0
            self._height = (start[0] if start else 0) + sheet.height
            pad = [""] * self._col_offset
            self.widest = self._col_offset + sheet.width  # calamine gives every row its width
            numbered = enumerate(sheet.iter_rows(), start=1)
            firsts = _merged_firsts(self.merged_cells)
            shown = 0  # values the reader shows, one per cell
            while chunk := _reader_chunk(numbered, self, number):
                shown += sum([len(values) - values.count("") for _n, values in chunk])
                if pad:
                    chunk = [(n, pad + values) for n, values in chunk]
                if firsts:
                    for n, values in chunk:
                        for col, span in firsts.get(n, ()):
                            self.merged_text[span] = values[col] if col < len(values) else ""
                number = chunk[-1][0]
                self.rows_read += len(chunk)
                yield from chunk
        except python_calamine.CalamineError as exc:
            raise IngestError(str(self.path), f"cannot read the sheet: {exc}",
                              sheet=self.sheet) from exc
        finally:
            workbook.close()
        # (An error cell with its value reads as ""; one without a value has no tag: s25
        # review, such a cell at Z1 cancelled a duplicate's shortfall.)
        if shown != self.value_tags - sum(1 for text in self.error_cells.values()
                                          if text != NO_ERROR_VALUE):
            self._refuse_repeated_cell(shown)
        # Rows made only of formulas without cached values hold no value calamine reports,
        # so they can lie beyond its last row: they are data rows all the same.
        extra = sorted(r for r in self.formula_rows if r > number)
        self.expected_rows = self._height + len(extra)
        for number in extra:
            self.rows_read += 1
            yield number, []

    def _refuse_repeated_cell(self, shown: int) -> None:
        """Refuses the sheet if its XML writes a cell twice or gives one two values
        (``repeated_cell``), or holds more cells certainly showing a value than the reader
        showed (``shown_values``): asked when the reader showed fewer values than the XML
        holds value elements, as it does for those, and for cells holding empty text, which
        pass."""
        with check_zip(self.path, self.content) as archive:
            repeated = repeated_cell(archive, self.sheet or "", str(self.path),
                                     max(self.xml_columns, self.widest))
            certain = certain_values(archive, self.sheet or "", str(self.path)) \
                if repeated is None else 0
        if certain > shown:
            raise IngestError(str(self.path), f"refused: the sheet's XML holds {certain:,} "
                              f"cells with a value, and the cell reader showed only "
                              f"{shown:,} of them: written in a way Excel never writes, the "
                              f"others went unread, and what they hold is in doubt. Open the "
                              f"file in Excel and save it as .xlsx again (no line of this run "
                              f"is complete)", sheet=self.sheet)
        if repeated is not None:
            ref, row, kind = repeated
            what = {TWICE: f"writes cell {ref} twice", TWO_VALUES: f"gives cell {ref} two "
                    f"values", INLINE_WITH_VALUE: f"writes {ref} as an inline-text cell with "
                    f"a value element (<v>) too"}[kind]
            raise IngestError(str(self.path), f"refused: the sheet's XML {what}, which Excel "
                              f"never does; programs differ in what they show for it, so "
                              f"the cell's value is in doubt. Open the file in Excel and "
                              f"save it as .xlsx again (no line of this run is complete)",
                              sheet=self.sheet, row=row)

    def _csv_rows(self) -> Iterator[tuple[int, list[object]]]:
        assert self.encoding and self.delimiter
        number = 0
        widest = 0
        line = 0
        try:
            # Hashed as read: the digest of exactly the bytes these rows came from.
            hashing = HashingFile(self.path, head_size=len(self._sample))
            with io.BufferedReader(hashing, buffer_size=1 << 20) as raw, io.TextIOWrapper(
                    raw, encoding=self.encoding, newline="") as handle:
                self._file = raw
                reader = csv.reader(handle, delimiter=self.delimiter, strict=True)
                while True:
                    chunk = []
                    try:
                        chunk.extend(itertools.islice(reader, CHUNK))  # kept up to an error
                    except (csv.Error, UnicodeDecodeError):
                        # The error names the row and line it starts on: check and count the
                        # records read before it (each its lines), as reading one at a time
                        # would (a quote swallowing rows among them is the first error).
                        for record in chunk:
                            number += 1
                            if _line_breaks(record):
                                _check_multiline(self, record, widest, number, line + 1)
                            line += 1 + _line_breaks(record)
                            widest = max(widest, len(record))
                        raise
                    if not chunk:
                        break
                    first = number + 1
                    if reader.line_num - line != len(chunk):  # quoted cells spanning lines
                        for offset, record in enumerate(chunk):
                            if _line_breaks(record):
                                _check_multiline(self, record, widest, first + offset,
                                                 line + 1)
                            line += 1 + _line_breaks(record)
                            widest = max(widest, len(record))
                    line = reader.line_num
                    widest = self.widest = max(widest, *map(len, chunk))
                    number += len(chunk)
                    self.rows_read += len(chunk)
                    yield from zip(range(first, number + 1), chunk, strict=True)
                self.expected_rows = number
                if raw.tell() != os.fstat(raw.fileno()).st_size:
                    raise IngestError(str(self.path), "the file changed size while it was "
                                      "being read", row=number)
                if hashing.head != self._sample:  # its encoding and delimiter came from it
                    raise IngestError(str(self.path), "the file changed while it was being "
                                      "read (its start is not what it was when it was "
                                      "opened)", row=number)
                self.content_sha256 = hashing.sha256()
        except UnicodeDecodeError as exc:
            raise IngestError(str(self.path), f"text is not valid {self.encoding} "
                              f"(byte {exc.start} of a chunk); save it as UTF-8",
                              row=number + 1) from exc
        except csv.Error as exc:
            raise _quoting_error(self, number + 1, line + 1, str(exc)) from exc


def first_cell(span: str) -> tuple[int, int]:
    """(row, 0-based column) of a range's first cell ("G2:G4": (2, 6))."""
    first = span.split(":", 1)[0]
    letters = first.rstrip("0123456789")
    return int(first[len(letters):]), column_index(letters)


def _merged_firsts(covered: dict[tuple[int, int], str]) -> dict[int, list[tuple[int, str]]]:
    """Per row, (0-based column, range) of the merged ranges whose first cell is there."""
    firsts: dict[int, list[tuple[int, str]]] = {}
    for span in set(covered.values()):
        row, col = first_cell(span)
        firsts.setdefault(row, []).append((col, span))
    return firsts


def _reader_chunk(numbered: Iterator[tuple[int, list[object]]], source: TableSource,
                  after: int) -> list[tuple[int, list[object]]]:
    """The next CHUNK rows from the cell reader. python-calamine's Rust code can panic on a
    value it cannot convert (a date cell holding -1e309): ``PanicException`` derives from
    BaseException, so it is named here as the file's problem, never left as a traceback."""
    try:
        return list(itertools.islice(numbered, CHUNK))
    except Exception:
        raise
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        raise IngestError(str(source.path), f"the cell reader failed on a value it cannot "
                          f"convert in rows {after + 1:,} to {after + CHUNK:,} ({exc}); look "
                          f"for a number too large to be a date or value there (such as "
                          f"1E+309), correct it and save", sheet=source.sheet,
                          row=after + 1) from None


def _line_breaks(record: list[str]) -> int:
    """The line breaks inside a record's cells, counted as the CSV reader counts lines (a
    CR LF pair is one)."""
    joined = "".join(record)
    return joined.count("\n") + joined.count("\r") - joined.count("\r\n")


def _check_multiline(source: TableSource, record: list[str], widest: int, number: int,
                     first_line: int) -> None:
    """A quoted cell may hold line breaks (addresses do), but one whose later lines carry as
    many separators as a whole row is rows swallowed by a quote that was never closed."""
    delimiter = source.delimiter or ","
    for col, cell in enumerate(record):
        if "\n" in cell or "\r" in cell:
            later = cell.splitlines()[1:]
            if widest > 2 and any(ln.count(delimiter) >= widest - 1 for ln in later):
                raise IngestError(
                    str(source.path), f"malformed CSV: the quote that opens the cell in "
                    f"column {column_letter(col)} (line {first_line}) runs over "
                    f"{len(later)} more line(s) that look like rows; a closing quote is "
                    f"missing. Fix the quote and save again (no row was screened)",
                    row=number, column=column_letter(col))


def _quoting_error(source: TableSource, number: int, first_line: int,
                   reason: str) -> IngestError:
    """An IngestError naming the row, line and column where the bad quoting starts (or the
    cell too large to be a shipment field)."""
    if "field larger than field limit" in reason:
        return _huge_cell_error(source, number, first_line)
    col = _open_quote_column(source, first_line)
    where = f" in column {column_letter(col)}" if col is not None else ""
    hint = ("a quote opened here is never closed" if "end of data" in reason
            else f"bad quoting ({reason})")
    return IngestError(str(source.path), f"malformed CSV at line {first_line}{where}: {hint}. "
                       f"Fix the quote and save again (no row was screened)", row=number,
                       column=column_letter(col) if col is not None else None)


def _huge_cell_error(source: TableSource, number: int, first_line: int) -> IngestError:
    limit = csv.field_size_limit()
    col, quoted = _long_field_column(source, first_line, limit)
    where = f" in column {column_letter(col)}" if col is not None else ""
    why = (": it opens with a quote, which may never be closed (the rows after it then read "
           "as part of this cell)" if quoted else "")
    return IngestError(str(source.path), f"a cell at line {first_line}{where} holds more "
                       f"than {limit:,} characters, more than any shipment field{why}. Check "
                       f"the file and save it again (no row was screened)", row=number,
                       column=column_letter(col) if col is not None else None)


def _physical_line(source: TableSource, line_number: int) -> str | None:
    """Line ``line_number`` of a CSV source as text (for messages); None if unreadable."""
    try:
        with source.path.open(encoding=source.encoding, errors="replace", newline="") as f:
            return next(itertools.islice(f, line_number - 1, None), None)
    except OSError:
        return None


def _long_field_column(source: TableSource, line_number: int, limit: int
                       ) -> tuple[int | None, bool]:
    """(0-based column of the first cell on ``line_number`` longer than ``limit``, whether
    it opens with a quote); (None, False) if that line does not show one."""
    text = _physical_line(source, line_number)
    if text is None:
        return None, False
    for col, cell in enumerate(text.rstrip("\r\n").split(source.delimiter or ",")):
        if len(cell) > limit:
            return col, cell.startswith('"')
    return None, False


def _open_quote_column(source: TableSource, line_number: int) -> int | None:
    """0-based column of the first quote on ``line_number`` that is not closed on it."""
    text = _physical_line(source, line_number)
    if text is None:
        return None
    col, quoted, at_start = 0, False, True
    opened = None
    for i, ch in enumerate(text):
        if quoted:
            if ch == '"':
                if i + 1 < len(text) and text[i + 1] == '"':
                    continue
                quoted = False
        elif ch == '"' and at_start:
            quoted, opened = True, col
        elif ch == source.delimiter:
            col, at_start = col + 1, True
            continue
        elif ch == '"':
            return col
        at_start = False
    return opened if quoted else None


_NOT_REGULAR = ((stat.S_ISDIR, "is a folder"), (stat.S_ISFIFO, "is a named pipe (FIFO)"),
                (stat.S_ISCHR, "is a character device"), (stat.S_ISBLK, "is a block device"),
                (stat.S_ISSOCK, "is a socket"))


def check_regular_file(path: Path) -> os.stat_result:
    """The file's status, or IngestError for anything but a regular file (a pipe or a device
    would block or never end), checked without opening it."""
    name = str(path)
    try:
        status = path.stat()
    except FileNotFoundError:
        raise IngestError(name, "file not found") from None
    except OSError as exc:
        raise IngestError(name, f"cannot be opened: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(status.st_mode):
        what = next((text for test, text in _NOT_REGULAR if test(status.st_mode)),
                    "is not a regular file")
        raise IngestError(name, f"{what}, not a spreadsheet file; hkscreen reads only "
                          f"regular files: .xlsx workbooks, or CSV text (.csv, or a .txt or "
                          f".tsv export)")
    return status


def sniff_kind(path: Path, content: Content | None = None) -> str:
    """'xlsx' or 'csv', or IngestError for anything that is neither; from ``content`` (the
    file's bytes as read) if given."""
    name = str(path)
    if content is None:
        check_regular_file(path)
    try:
        if content is not None:
            head = content.data[:4096]
        else:
            with path.open("rb") as handle:
                head = handle.read(4096)
    except OSError as exc:
        raise IngestError(name, f"cannot be opened: {exc.strerror or exc}") from exc
    if not head:
        raise IngestError(name, "the file is empty")
    if head.startswith(_OLE_MAGIC):
        if content is not None:
            blob = content.data[:4 * 1024 * 1024]
        else:
            with path.open("rb") as handle:
                blob = handle.read(4 * 1024 * 1024)
        if "EncryptedPackage".encode("utf-16-le") in blob:
            raise IngestError(name, "the workbook is password-protected (encrypted); remove "
                              "the password in Excel (File > Info > Protect Workbook) and "
                              "save it again")
        raise IngestError(name, "this is a legacy Excel 97-2003 (.xls) or other OLE file; "
                          "open it in Excel and save it as .xlsx or .csv")
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        if suffix in _CSV_SUFFIXES:
            raise IngestError(name, "the file is named .csv but is a ZIP/XLSX package")
        return "xlsx"
    if suffix in _XLSX_SUFFIXES or suffix == ".xls":
        raise IngestError(name, "not a valid XLSX workbook (corrupt or not a spreadsheet)")
    if suffix in (".ods", ".numbers", ".pdf", ".docx", ".zip"):
        raise IngestError(name, f"{suffix} files are not supported; save as .xlsx or .csv")
    return "csv"


def _calamine(path: Path, content: Content | None = None) -> python_calamine.CalamineWorkbook:
    try:
        if content is not None:
            return python_calamine.CalamineWorkbook.from_filelike(content.open())
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise IngestError(str(path), "the workbook is password-protected") from exc
    except (python_calamine.CalamineError, python_calamine.ZipError,
            python_calamine.XmlError, ValueError, OSError) as exc:
        raise IngestError(str(path), f"not a readable XLSX workbook ({exc})") from exc


def list_sheets(path: Path, *, with_rows: bool = False, content: Content | None = None,
                _warming: bool = False) -> list[SheetInfo]:
    """Worksheets in file order; ``with_rows`` gives each sheet's row count from its XML
    (no sheet is loaded; -1 for a sheet too large to read). From ``content`` (the file's
    bytes as read) if given."""
    if not _warming:
        _await_warm(path)
    kind = sniff_kind(path, content)
    if kind == "csv":
        return [SheetInfo(path.name, -1, True)]
    with check_zip(path, content) as archive:
        # Its own message for a damaged workbook part (calamine, reading bytes, says only
        # that it cannot tell the file's format).
        parse_part(archive, "xl/workbook.xml", str(path))
        workbook = _calamine(path, content)
        try:
            out = []
            for meta in workbook.sheets_metadata:
                if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet):
                    continue
                height = -1
                if with_rows:
                    with contextlib.suppress(IngestError):
                        height = scan_sheet(archive, meta.name, str(path)).rows
                visible = str(meta.visible) == str(python_calamine.SheetVisibleEnum.Visible)
                out.append(SheetInfo(meta.name, height, visible))
            return out
        finally:
            workbook.close()


class _SheetLoad:
    """python-calamine loading one sheet on a thread of its own (it releases the interpreter
    lock), started only after the package and the sheet's extent were checked."""

    def __init__(self, path: Path, sheet: str, content: Content | None):
        self._result: list[object] = []
        self._thread = threading.Thread(target=self._load, args=(path, sheet, content),
                                        name="hkscreen-sheet-load", daemon=True)
        self._thread.start()

    def _load(self, path: Path, sheet: str, content: Content | None) -> None:
        try:
            book = _calamine(path, content)
            self._result.append(book)
            self._result.append(book.get_sheet_by_name(sheet))
        except BaseException as exc:  # raised where the rows are read
            self._result.append(exc)

    def _get(self, at: int) -> Any:
        self._thread.join()
        if len(self._result) > at and not isinstance(self._result[at], BaseException):
            return self._result[at]
        raise self._result[-1]  # type: ignore[misc]

    def workbook(self) -> python_calamine.CalamineWorkbook:
        return self._get(0)

    def sheet(self) -> Any:
        return self._get(1)


#: Sources loaded ahead, by (path, sheet): (the SHA-256 of the bytes they were read from,
#: the source).
_warm: dict[tuple[str, str], tuple[str, TableSource]] = {}
_warm_lock = threading.Lock()
#: The SHA-256 a screening of each path took of the bytes it reads: a source loaded ahead
#: is used only if it was read from bytes with that digest (the same content).
_expected: dict[str, str] = {}


def warm_xlsx(path: Path, sheet: str | None, content: Content | None = None) -> None:
    """On a thread: check the workbook and load the sheet a screening of it will read first
    (``sheet``, else the first visible one), so this overlaps with other start-up work;
    ``list_sheets`` and ``open_xlsx`` wait for it, and ``open_xlsx`` hands that source out
    once. Any problem is left for ``open_xlsx`` to report as usual.

    ``content``: the workbook's bytes as the screening read them; the source is handed out
    only if it was read from bytes with that SHA-256. Without it (a start before the
    screening has read the file: ``hkscreen screen BOOK.xlsx`` starts here while its modules
    load), the thread reads the file's bytes itself, and a later call with the screening's
    content finds that start and only records its digest."""
    key = str(path)
    with _warm_lock:
        if content is not None:
            _expected[key] = content.sha256
        if key in _pending:
            return  # started ahead: its source is used if it was read from the same bytes
        thread = threading.Thread(target=_warm_now, args=(path, sheet, content), daemon=True,
                                  name="hkscreen-sheet-check")
        _pending[key] = thread
    thread.start()


def _await_warm(path: Path) -> None:
    with _warm_lock:
        thread = _pending.pop(str(path), None)
    if thread is not None and thread is not threading.current_thread():
        thread.join()


_pending: dict[str, threading.Thread] = {}


def _warm_now(path: Path, sheet: str | None, content: Content | None) -> None:
    try:
        if content is None:
            if sniff_kind(path) != "xlsx":
                return
            content = read_content(path)  # parsed below from these bytes alone
        sheets = list_sheets(path, _warming=True, content=content)
        candidates = sheet_order(sheets, sheet)
        if not candidates:
            return
        sheet = candidates[0]
        source = _open_xlsx_checked(path, sheet, content)
        source._loading = _SheetLoad(path, sheet, content)
    except (IngestError, OSError):
        return
    except Exception:  # never in the way of the screening, which will report it
        log.debug("warming %s failed", path, exc_info=True)
        return
    with _warm_lock:
        _warm.clear()  # one at a time: a source not used is dropped
        _warm[(str(path), sheet)] = (content.sha256, source)


def sheet_order(sheets: list[SheetInfo], sheet: str | None) -> list[str]:
    """The sheets to look for the data in, in order: ``sheet`` alone if named (none if the
    workbook has no such sheet), else the visible sheets in file order. A hidden sheet is
    screened only when named: a stale copy kept out of sight is not the officer's data."""
    if sheet:
        return [sheet] if sheet in [s.name for s in sheets] else []
    return [s.name for s in sheets if s.visible]


def open_xlsx(path: Path, sheet: str, content: Content | None = None) -> TableSource:
    """A sheet's source, once the package and the sheet's extent have been checked; read
    from ``content`` (the file's bytes as read) if given, else from the file."""
    _await_warm(path)
    with _warm_lock:
        warmed = _warm.pop((str(path), sheet), None)
        expected = _expected.pop(str(path), None)
    if content is not None:
        expected = content.sha256
    if warmed is not None and expected is not None:
        digest, source = warmed
        if digest == expected:  # read from the very bytes the screening hashed
            return source
    return _open_xlsx_checked(path, sheet, content)


def _open_xlsx_checked(path: Path, sheet: str, content: Content | None = None) -> TableSource:
    with check_zip(path, content) as archive:
        scan = scan_sheet(archive, sheet, str(path))
    return TableSource(path, "xlsx", sheet=sheet, formula_cells=scan.formula_cells,
                       formula_rows=frozenset(r for r, _ in scan.formula_cells),
                       error_cells=scan.error_cells, stale_cells=scan.stale_cells,
                       merged_cells=scan.merged_cells, dayless_cells=scan.dayless_cells,
                       masked_cells=scan.masked_cells, comments=scan.comments,
                       value_tags=scan.value_tags,
                       xml_columns=scan.columns,
                       date1904=scan.date1904, content=content,
                       content_sha256=content.sha256 if content is not None else None)


def open_csv(path: Path) -> TableSource:
    name = str(path)
    check_regular_file(path)
    with path.open("rb") as handle:
        sample = handle.read(1024 * 1024)
    encoding = _detect_encoding(sample, name)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(sample, final=False)
    if not text.strip():
        raise IngestError(name, "the file is empty (no text)")
    # Excel's own way of naming the separator, whatever the computer's: a first line "sep=;".
    declared = _DECLARED_SEPARATOR_RE.match(text.lstrip("\ufeff"))
    delimiter = declared.group(1) if declared else _sniff_delimiter(text)
    return TableSource(path, "csv", encoding=encoding, delimiter=delimiter, _sample=sample,
                       delimiter_declared=declared is not None)


_DECLARED_SEPARATOR_RE = re.compile(r"sep=([^\r\n])\r?\n")


def _detect_encoding(sample: bytes, name: str) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise IngestError(name, "this is a binary file, not a spreadsheet or CSV text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise IngestError(name, "unreadable text encoding (neither UTF-8 nor Windows-1252); "
                          "save the file as CSV UTF-8") from exc
    if chinese := _double_byte_chinese(sample):
        raise IngestError(name, f"the text is not UTF-8, and it reads as Chinese, Japanese or "
                          f"Korean text ({chinese}, for one) as well as Windows-1252: "
                          f"hkscreen cannot tell which it is, and "
                          f"the wrong one would change names and places without a word; "
                          f"save the file as CSV UTF-8 (Excel: Save As, CSV UTF-8)")
    if other := _other_code_page(sample):
        raise IngestError(name, f"the text is not UTF-8, and it reads as {other} as well as "
                          f"Windows-1252 (Western): hkscreen cannot tell which it is, and "
                          f"the wrong one would change names without a word; save the file "
                          f"as CSV UTF-8 (Excel: Save As, CSV UTF-8)")
    return "cp1252"


def _other_code_page(sample: bytes) -> str | None:
    """The other single-byte Windows code page the sample plausibly is (Excel saves CSV in
    the computer's own): Cyrillic (Windows-1251) or Central European (Windows-1250). Read as
    Windows-1252, "АО Концерн Калашников" comes through as "ÀÎ Êîíöåðí Êàëàøíèêîâ" and
    "Zakłady Łączności" as "Zak³ady £¹cznoœci": no listed name matches either."""
    high, in_runs = _high_byte_runs(sample)
    if high >= 8 and in_runs >= high / 2:
        # Cyrillic words are runs of high bytes; Western letters stand alone or in twos.
        cyrillic = [w for w in _HIGH_RUN_RE.findall(sample.decode("cp1251", "replace"))
                    if all("\u0400" <= ch <= "\u04ff" for ch in w)]
        if sum(map(len, cyrillic)) >= max(8, high / 2):
            return (f"Cyrillic, Greek, Hebrew or Arabic text (read as Windows-1251: "
                    f"{cyrillic[0]!r}, for one)")
    text = sample.decode("cp1252")
    # Turkish ğ ı ş İ Ğ Ş are, in Windows-1252, Icelandic ð ý þ Ý Ð Þ: in a word, they are
    # Turkish (or Icelandic, then saved as UTF-8 all the same). s23 hunt: "Ağ Yıldız Kargo",
    # on the Entity List, read as "Að Yýldýz Kargo" and was CLEAR.
    if (found := _TURKISH_RE.search(text)) is not None:
        shown = _word_at(text, found).encode("cp1252").decode("cp1254")
        return (f"Turkish text (Windows-1254: {shown!r}, for one; or Icelandic, then save it "
                f"as UTF-8 all the same)")
    # Polish letters Windows-1252 reads as signs no Western word holds: "ł" as "³", "ą" as
    # "¹", "ż" as "¿" between letters; "Ł" as "£" and "Ż" as "¯" starting a word ("m³",
    # "GBP£5" and "¿Qué?" are Western).
    hits = list(itertools.islice(_CENTRAL_RE.finditer(text), 2))
    if len(hits) < 2:
        return None
    try:
        shown = _word_at(text, hits[0]).encode("cp1252").decode("cp1250")
    except UnicodeError:
        return None  # bytes Windows-1250 does not have: not that code page
    return f"Central European text (Windows-1250: {shown!r}, for one)"


def _word_at(text: str, found: re.Match[str]) -> str:
    """The word of ``text`` holding the letter ``found`` (the letter alone if none)."""
    at = found.start()
    while at > 0 and _WORD_RE.match(text[at - 1]):
        at -= 1
    word = _WORD_RE.match(text, at)
    return word.group() if word else found.group()


_HIGH_RUN_RE = re.compile("[^\x00-\x7f]{4,}")
_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0152\u0153\u0160\u0161\u017d\u017e"
_SIGNS = "\u00b9\u00b3\u00bf\u00bc\u00be"  # ¹ ³ ¿ ¼ ¾: ą ł ż Ľ ľ
_CENTRAL_RE = re.compile(
    f"(?<=[{_LETTER}{_SIGNS}])[{_SIGNS}](?=[{_LETTER}{_SIGNS}])"
    # £ ¥ ¯ (Ł Ą Ż) starting a word, two small letters after ("£k", "¥m" are amounts)
    f"|(?<![{_LETTER}])[\u00a3\u00a5\u00af](?=[a-z\u00df-\u00f6\u00f8-\u00ff{_SIGNS}]{{2}})"
    # Ÿ (ź) after a small letter
    f"|(?<=[a-z\u00df-\u00ff])\u0178")
_WORD_RE = re.compile(f"[{_LETTER}{_SIGNS}\u00a3\u00a5\u00af\u0178]+")
#: ð þ Ð Þ next to a letter, Ý starting a word (Turkish ğ ş Ğ Ş İ read as Windows-1252;
#: not ý alone, which Czech and Slovak write: s23 review, "Nový Bor" was refused).
_TURKISH_RE = re.compile(f"(?<=[{_LETTER}])[\u00f0\u00fe\u00d0\u00de]"
                         f"|[\u00f0\u00fe\u00d0\u00de](?=[{_LETTER}])"
                         f"|(?<![{_LETTER}])\u00dd(?=[a-z])")


def _high_byte_runs(sample: bytes) -> tuple[int, int]:
    """(high bytes, those in runs of 4 or more) of ``sample``: a Chinese name is a run of 4
    to 20 bytes; Western letters stand alone or in twos ("Müller", "Exportação"). GB18030's
    four-byte form (high, digit, high, digit) counts as a run."""
    high = in_runs = 0
    run = 0
    for i, byte in enumerate(sample):
        if byte >= 0x80 or (run and 0x30 <= byte <= 0x39 and i + 1 < len(sample)
                            and sample[i + 1] >= 0x80):
            run += 1
            high += byte >= 0x80
            continue
        in_runs += run if run >= 4 else 0
        run = 0
    in_runs += run if run >= 4 else 0
    return high, in_runs


def _double_byte_chinese(sample: bytes) -> str | None:
    """The Chinese encoding (Big5, GBK) the sample also reads as, when it does so plausibly:
    Excel on Chinese Windows saves CSV in one of them, and Windows-1252 reads any byte, so
    "中國香港" would come through as "¤¤°ê­»´ä" (an independent review: a Big5 consignee on
    the Entity List went CLEAR). Western text has its high bytes mostly alone ("Müller");
    double-byte text has them in pairs."""
    high, in_runs = _high_byte_runs(sample)
    if high < 4 or in_runs < high / 2:
        return None
    for codec, label in (("big5", "Big5"), ("gbk", "GBK"), ("gb18030", "GB18030")):
        try:
            text = codecs.getincrementaldecoder(codec)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        if sum(1 for ch in text if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
               or "\U00020000" <= ch <= "\U0003134f") >= 2:  # (and extensions B to G)
            return label
    return None


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in io.StringIO(text).read().splitlines()[:50] if ln.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sum(ln.count(d) for ln in lines) for d in ",;\t|"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
