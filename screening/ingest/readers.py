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
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree import ElementTree

import python_calamine

from screening.ingest.errors import IngestError

MAX_UNCOMPRESSED = 2 * 1024**3  # 2 GiB of XML is far beyond any real shipment sheet
MAX_RATIO = 200  # compression ratio beyond which a member is treated as a zip bomb
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_CSV_SUFFIXES = (".csv", ".txt", ".tsv")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


def column_letter(index: int) -> str:
    """0-based column index -> spreadsheet letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class SheetInfo:
    name: str
    rows: int
    visible: bool


@dataclass
class TableSource:
    """Raw rows of one sheet or CSV file; ``rows()`` yields (1-based row number, values)."""

    path: Path
    kind: str  # "xlsx" | "csv"
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    _col_offset: int = 0
    _height: int = 0  # XLSX rows, known once reading starts
    _file: IO[bytes] | None = None  # CSV bytes, whose position tells how far reading got

    def fraction_read(self, last_row: int) -> float | None:
        """How much of the input has been read once row ``last_row`` is (0..1), for a
        progress bar; None if unknown."""
        if self.kind == "xlsx":
            return min(1.0, last_row / self._height) if self._height else None
        if self._file is None:
            return None
        if self._file.closed:  # read to the end
            return 1.0
        size = os.fstat(self._file.fileno()).st_size
        return min(1.0, self._file.tell() / size) if size else None

    def cell_ref(self, row: int, col: int) -> str:
        if self.kind == "xlsx":
            return f"{self.sheet}!{column_letter(col)}{row}"
        return f"{self.path.name} row {row} col {column_letter(col)}"

    def rows(self) -> Iterator[tuple[int, list[object]]]:
        if self.kind == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _xlsx_rows(self) -> Iterator[tuple[int, list[object]]]:
        workbook = _calamine(self.path)
        try:
            sheet = workbook.get_sheet_by_name(self.sheet)
            start = sheet.start
            self._height = sheet.height
            self._col_offset = start[1] if start else 0
            pad = [""] * self._col_offset
            for number, values in enumerate(sheet.iter_rows(), start=1):
                yield number, (pad + values) if pad else values
        except python_calamine.CalamineError as exc:
            raise IngestError(str(self.path), f"cannot read the sheet: {exc}",
                              sheet=self.sheet) from exc
        finally:
            workbook.close()

    def _csv_rows(self) -> Iterator[tuple[int, list[object]]]:
        assert self.encoding and self.delimiter
        number = 0
        try:
            with self.path.open("rb") as raw, io.TextIOWrapper(
                    raw, encoding=self.encoding, newline="") as handle:
                self._file = raw
                for number, record in enumerate(csv.reader(handle, delimiter=self.delimiter),
                                                start=1):
                    yield number, record  # type: ignore[misc]
        except UnicodeDecodeError as exc:
            raise IngestError(str(self.path), f"text is not valid {self.encoding} "
                              f"(byte {exc.start} of a chunk); save it as UTF-8",
                              row=number + 1) from exc
        except csv.Error as exc:
            raise IngestError(str(self.path), f"malformed CSV: {exc}", row=number + 1) from exc


def sniff_kind(path: Path) -> str:
    """'xlsx' or 'csv', or IngestError for anything that is neither."""
    name = str(path)
    if not path.exists():
        raise IngestError(name, "file not found")
    if path.is_dir():
        raise IngestError(name, "is a folder, not a spreadsheet")
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise IngestError(name, f"cannot be opened: {exc.strerror or exc}") from exc
    if not head:
        raise IngestError(name, "the file is empty")
    if head.startswith(_OLE_MAGIC):
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


def check_zip(path: Path) -> zipfile.ZipFile:
    """Open an XLSX package, refusing corrupt files and zip bombs before reading anything."""
    name = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(name, f"not a valid XLSX workbook (corrupt ZIP: {exc})") from exc
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNCOMPRESSED or (info.file_size > 100 * 1024**2 and ratio > MAX_RATIO):
            archive.close()
            raise IngestError(name, f"refused: the workbook would expand to an absurd size "
                              f"({info.filename}: {info.file_size:,} bytes from "
                              f"{info.compress_size:,}); possible zip bomb")
    if "xl/workbook.xml" not in archive.namelist():
        archive.close()
        raise IngestError(name, "not an Excel workbook (no xl/workbook.xml in the package)")
    return archive


def _calamine(path: Path) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise IngestError(str(path), "the workbook is password-protected") from exc
    except (python_calamine.CalamineError, python_calamine.ZipError,
            python_calamine.XmlError, ValueError, OSError) as exc:
        raise IngestError(str(path), f"not a readable XLSX workbook ({exc})") from exc


def list_sheets(path: Path, *, with_rows: bool = False) -> list[SheetInfo]:
    """Worksheets in file order; ``with_rows`` counts rows, which reads every sheet."""
    kind = sniff_kind(path)
    if kind == "csv":
        return [SheetInfo(path.name, -1, True)]
    check_zip(path).close()
    workbook = _calamine(path)
    try:
        out = []
        for meta in workbook.sheets_metadata:
            if str(meta.typ) != str(python_calamine.SheetTypeEnum.WorkSheet):
                continue
            height = -1
            if with_rows:
                with contextlib.suppress(python_calamine.CalamineError):
                    height = workbook.get_sheet_by_name(meta.name).height
            visible = str(meta.visible) == str(python_calamine.SheetVisibleEnum.Visible)
            out.append(SheetInfo(meta.name, height, visible))
        return out
    finally:
        workbook.close()


def open_xlsx(path: Path, sheet: str) -> TableSource:
    with check_zip(path) as archive:
        formulas = _formula_cells_without_value(archive, sheet)
    return TableSource(path, "xlsx", sheet=sheet, formula_cells=formulas)


_CELL_RE = re.compile(rb"<c\b([^>]*)>(.*?)</c>", re.DOTALL)
_REF_RE = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_VALUE_RE = re.compile(rb"<v>[^<]+</v>|<is>")


def _sheet_xml_path(archive: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rid = None
    for node in workbook.iterfind("m:sheets/m:sheet", _NS):
        if node.get("name") == sheet:
            rid = node.get(f"{{{_NS['r']}}}id")
    if rid is None:
        return None
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iterfind("rel:Relationship", _NS):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    return None


def _formula_cells_without_value(archive: zipfile.ZipFile, sheet: str) -> set[tuple[int, int]]:
    """(row, 0-based col) of formula cells whose cached value is missing."""
    xml_path = _sheet_xml_path(archive, sheet)
    if xml_path is None or xml_path not in archive.namelist():
        return set()
    found: set[tuple[int, int]] = set()
    tail = b""
    with archive.open(xml_path) as handle:
        while chunk := handle.read(8 * 1024 * 1024):
            data = tail + chunk
            cut = data.rfind(b"</c>")
            if cut < 0:
                tail = data
                continue
            body, tail = data[: cut + 4], data[cut + 4:]
            if b"<f" not in body:
                continue
            for match in _CELL_RE.finditer(body):
                inner = match.group(2)
                if b"<f" in inner and not _VALUE_RE.search(inner):
                    ref = _REF_RE.search(match.group(1))
                    if ref:
                        col = column_index(ref.group(1).decode())
                        found.add((int(ref.group(2)), col))
    return found


def column_index(letters: str) -> int:
    """Spreadsheet letters -> 0-based column index (A -> 0, AB -> 27)."""
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def open_csv(path: Path) -> TableSource:
    name = str(path)
    with path.open("rb") as handle:
        sample = handle.read(1024 * 1024)
    encoding = _detect_encoding(sample, name)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(sample, final=False)
    if not text.strip():
        raise IngestError(name, "the file is empty (no text)")
    delimiter = _sniff_delimiter(text)
    return TableSource(path, "csv", encoding=encoding, delimiter=delimiter)


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
        return "cp1252"
    except UnicodeDecodeError as exc:
        raise IngestError(name, "unreadable text encoding (neither UTF-8 nor Windows-1252); "
                          "save the file as CSV UTF-8") from exc


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in io.StringIO(text).read().splitlines()[:50] if ln.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sum(ln.count(d) for ln in lines) for d in ",;\t|"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
