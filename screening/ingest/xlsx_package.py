"""Checking an XLSX package before any reader allocates memory for it.

A workbook is a ZIP of XML parts. Three things are checked before python-calamine loads a
sheet (calamine allocates a dense grid for the sheet's bounding box, so one stray cell at
XFD1048576 in a 5 KB file would ask for hundreds of GiB):

- the package: entry count, the real (decompressed, CRC-checked) size of every entry, its
  compression ratio, and no DTD or entity declarations in any XML part (Excel never writes
  them; they are how "billion laughs" and external-entity tricks work);
- the sheet's extent: the declared ``<dimension>``, every explicit cell and row reference,
  and (for cells written without a reference) the number of cells per row;
- formula cells that carry no cached value (calamine reports those as blank).
"""

from __future__ import annotations

import functools
import html
import itertools
import posixpath
import re
import threading
import zipfile
import zlib
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree import ElementTree

from screening.column_letters import column_letter
from screening.ingest.content import Content
from screening.ingest.errors import IngestError

MAX_ENTRIES = 10_000  # a workbook has a few dozen parts
MAX_UNCOMPRESSED = 1024**3  # 1 GiB of XML in all: far beyond any shipment file
MAX_RATIO = 1000  # a part that expands more than this (and to over 10 MB) is a zip bomb
MAX_COLUMNS = 1024  # column AMJ; shipment sheets have a few dozen
MAX_CELLS = 20_000_000  # rows x columns of the sheet's bounding box (about 1.5 GB in calamine)
_RATIO_FLOOR = 10 * 1024**2
_CHUNK = 4 * 1024 * 1024

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
#: The spreadsheet namespace, as Excel writes it and in strict form.
_MAIN_URIS = frozenset({_NS["m"], "http://purl.oclc.org/ooxml/spreadsheetml/main"})
_PACKAGE_RELS_URIS = frozenset({_NS["rel"]})


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _refuse_foreign(name: str, part: str, what: str) -> None:
    """The cell reader takes elements by their local name in any namespace; Excel and
    LibreOffice skip one of a namespace they do not know (s26 hunt: a sheet, a relationship,
    a shared string and a cell style in another namespace each made a 3A001 line read as
    EAR99, CLEAR)."""
    raise IngestError(name, f"refused: {part} holds {what} in another namespace, which "
                      f"Excel never writes; programs differ in whether they read it, so "
                      f"cells' values are in doubt. Open the file in Excel and save it as "
                      f".xlsx again")


def relationships(archive: zipfile.ZipFile, part: str, name: str) -> list[ElementTree.Element]:
    """The Relationship elements of a relationships part, refusing one in another namespace
    or two of one Id (the reader takes the last, the checks took the first)."""
    ids: set[str] = set()
    found = []
    for node in parse_part(archive, part, name).iter():
        if _local(node.tag) != "Relationship":
            continue
        if _namespace(node.tag) not in _PACKAGE_RELS_URIS:
            _refuse_foreign(name, part, "a relationship")
        key = node.get("Id") or ""
        if key in ids:
            raise IngestError(name, f"refused: {part} gives the relationship Id "
                              f"{key[:40]!r} twice, which Excel never does; programs differ in "
                              f"which one they follow. Open the file in Excel and save it as "
                              f".xlsx again")
        ids.add(key)
        found.append(node)
    return found


_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"),
                "<!ENTITY".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"),
                "<!ENTITY".encode("utf-16-be"))


#: Column letters read exactly; a reference of more counts as ``_FAR_COLUMN``: beyond any
#: extent read (Excel stops at XFD), refused. Reading thousands of letters exactly would
#: make a number Python will not even format (more than 4,300 digits).
_MAX_LETTERS = 4
_FAR_COLUMN = 26 ** (_MAX_LETTERS + 1)


def column_index(letters: str) -> int:
    """Spreadsheet letters -> 0-based column index (A -> 0, AB -> 27); ``_FAR_COLUMN`` for
    more than ``_MAX_LETTERS`` letters."""
    if len(letters) > _MAX_LETTERS:
        return _FAR_COLUMN
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def check_zip(path: Path, content: Content | None = None) -> zipfile.ZipFile:
    """Open an XLSX package, refusing corrupt files, lying sizes, zip bombs and XML entity
    declarations before anything else reads it; from ``content`` (the file's bytes as read)
    if given, else from the file."""
    name = str(path)
    try:
        archive = zipfile.ZipFile(content.open() if content is not None else path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(name, f"not a valid XLSX workbook (corrupt ZIP: {exc})") from exc
    try:
        # Bytes are known by their digest; a file only by what its status shows.
        identity = ("sha256", content.sha256) if content is not None else file_identity(path)
        if identity not in _checked:  # a package already checked unchanged is not again
            _check_entries(archive, name)
        if "xl/workbook.xml" not in archive.namelist():
            raise IngestError(name, "not an Excel workbook (no xl/workbook.xml in the package)")
        if identity not in _checked:
            _check_archive_shape(archive, path, content, name)
            _check_name_case(archive, name)
            _check_part_paths(archive, name)
            _check_string_counts(archive, name)
    except BaseException:
        archive.close()
        raise
    with _checked_lock:
        if len(_checked) >= 16:
            _checked.clear()
        _checked.add(identity)
    return archive


_EOCD = b"PK\x05\x06"
_ZIP64_MARKS = (b"PK\x06\x06", b"PK\x06\x07")
#: Parts of the other formats the cell reader tries when its XLSX reader fails on a package:
#: OpenDocument and XLSB (s29 hunt: a UTF-16 string table made the XLSX reader fail, and the
#: reader screened the package's OpenDocument decoy saying "Germany": CLEAR).
_OTHER_FORMAT_PARTS = frozenset({"mimetype", "content.xml", "meta-inf/manifest.xml",
                                 "xl/workbook.bin"})


def _check_archive_shape(archive: zipfile.ZipFile, path: Path, content: Content | None,
                         name: str) -> None:
    """Refuses a ZIP package that two ZIP readers can read as two packages: its directory
    not ending the file with one plain end record (a comment, a second end record, zip64
    records, bytes before the package), names with backslashes (read as slashes by the cell
    reader, a second copy of a part), or parts of another spreadsheet format (s29 hunt:
    each let the cell reader read a decoy saying "Germany" while these checks read the
    package Excel would show: CLEAR)."""
    for info in archive.infolist():
        if "\\" in info.filename:
            raise IngestError(name, f"refused: the package names a part "
                              f"{info.filename[:80]!r} with a backslash, which Excel never "
                              f"writes; programs differ in which part they read for it. Open "
                              f"the file in Excel and save it as .xlsx again")
        if info.filename.lower() in _OTHER_FORMAT_PARTS:
            raise IngestError(name, f"refused: the package holds {info.filename}, a part of "
                              f"another spreadsheet format (OpenDocument or XLSB) beside the "
                              f"workbook; programs differ in which they show. Open the file "
                              f"in Excel and save it as .xlsx again")
    start = archive.start_dir
    if content is not None:
        with content.open() as handle:
            handle.seek(start)
            directory = handle.read()
    else:
        with path.open("rb") as handle:
            handle.seek(start)
            directory = handle.read()
    end = directory.rfind(_EOCD)
    plain = end >= 0 and len(directory) - end == 22 and directory.count(_EOCD) == 1 and \
        not any(mark in directory for mark in _ZIP64_MARKS) and \
        int.from_bytes(directory[end + 16:end + 20], "little") == start and \
        int.from_bytes(directory[end + 12:end + 16], "little") == end and \
        directory[end + 20:end + 22] == b"\0\0"
    if not plain:
        raise IngestError(name, "refused: the ZIP package does not end with its directory "
                          "and one plain end record (it has a comment, a second end record, "
                          "zip64 records or bytes before it), which Excel never writes; ZIP "
                          "readers can read it as two different packages. Open the file in "
                          "Excel and save it as .xlsx again")


def _check_string_counts(archive: zipfile.ZipFile, name: str) -> None:
    """Refuses a shared-string table whose count or uniqueCount is more than its part and
    the sheets could hold: the cell reader reserves memory for it first (s29 hunt: a
    uniqueCount of 4,000,000,000 aborted the process)."""
    path = _FIXED_PARTS["sharedStrings"]
    if path not in archive.namelist():
        return
    with archive.open(path) as handle:
        head = handle.read(4096)
    root = _SST_ROOT_RE.search(head)
    if root is None:
        return
    size = archive.getinfo(path).file_size
    total = sum(info.file_size for info in archive.infolist())
    for attribute, most in ((b"uniqueCount", size // 5 + 1), (b"count", total // 10 + 1)):
        found = re.search(rb"\s" + attribute + rb"""\s*=\s*["']([^"']*)["']""", root.group())
        if found is None:
            continue
        value = found.group(1).strip()
        if not value.isdigit() or int(value) > most:
            raise IngestError(name, f"refused: the shared-string table says it holds "
                              f"{value[:20].decode('ascii', 'replace')!r} strings "
                              f"({attribute.decode()}), more than it or the sheets could hold "
                              f"({most:,} at most); not a table Excel writes. Open the file in "
                              f"Excel and save it as .xlsx again")


#: Packages that passed ``_check_entries``, by their bytes' SHA-256 or else by file identity
#: (device, inode, size, change time): the screening of one file opens its package several
#: times (sheets, extent, header), and each check decompresses every part.
_checked: set[tuple[object, ...]] = set()
_checked_lock = threading.Lock()


def file_identity(path: Path) -> tuple[int, ...]:
    """What changes when the file's content may have: device, inode, size, times."""
    status = path.stat()
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, \
        status.st_ctime_ns


#: The parts the cell reader (python-calamine) and these checks read at fixed paths, by
#: the relationship that names each where Excel looks for it (the last part of its type).
_FIXED_PARTS = {"officeDocument": "xl/workbook.xml", "sharedStrings": "xl/sharedStrings.xml",
                "styles": "xl/styles.xml"}


#: Parts read at fixed paths (besides the workbook, checked first).
_CASE_CHECKED = ("xl/sharedStrings.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels",
                 "_rels/.rels")


def _check_name_case(archive: zipfile.ZipFile, name: str) -> None:
    """Refuses part names that differ only in case from another part's or from a path read
    here: package part names are matched whatever their case by Excel, LibreOffice and the
    cell reader, by exact name here (s26 hunt: xl/SharedStrings.xml, and a sheet named
    Sheet1.xml stored as sheet1.xml, went unchecked: CLEAR)."""
    seen: dict[str, str] = {}
    for member in archive.namelist():
        other = seen.setdefault(member.lower(), member)
        if other != member:
            raise IngestError(name, f"refused: the package holds {other} and {member}, "
                              f"names differing only in case, which Excel reads as one part; "
                              f"open the file in Excel and save it as .xlsx again")
    for fixed in _CASE_CHECKED:
        found = seen.get(fixed.lower())
        if found is not None and found != fixed:
            _refuse_case(name, found, fixed)


def _refuse_case(name: str, found: str, wanted: str) -> None:
    raise IngestError(name, f"refused: the package stores the part {wanted} as {found} (in "
                      f"another case), which Excel never writes; hkscreen's checks would not "
                      f"read it. Open the file in Excel and save it as .xlsx again")


def _check_part_paths(archive: zipfile.ZipFile, name: str) -> None:
    """Refuses a package whose relationships put its workbook, shared strings or styles
    elsewhere than the paths read here, or leave a part at such a path unnamed. Excel and
    LibreOffice follow the relationships (s25 hunt: they showed "Hong Kong" from
    xl/strings/shared.xml, while a decoy xl/sharedStrings.xml nothing named said "Germany"
    to the reader: CLEAR; the same with the workbook and the styles)."""
    members = set(archive.namelist())
    named: dict[str, list[str]] = {}
    for rels_part, base in (("_rels/.rels", ""), ("xl/_rels/workbook.xml.rels", "xl")):
        if rels_part not in members:
            continue
        for rel in relationships(archive, rels_part, name):
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            if kind not in _FIXED_PARTS or (rel.get("TargetMode") or "") == "External":
                continue
            target = rel.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(base, target))
            named.setdefault(kind, []).append(path)
    for kind, fixed in _FIXED_PARTS.items():
        paths = named.get(kind, [])
        # (A string table nothing names is a decoy's place; an unnamed styles part only
        # makes Excel show plain numbers, and some writers leave it so.)
        if any(path != fixed for path in paths) or (not paths and fixed in members and
                                                      kind == "sharedStrings"):
            where = (f"names {', '.join(sorted(set(paths)))} as its {_PART_WORDS[kind]}"
                     if paths else f"does not name {fixed} as its {_PART_WORDS[kind]}")
            raise IngestError(name, f"refused: the package {where}, where Excel reads it; "
                              f"hkscreen reads {fixed}, so what it reads could differ from "
                              f"what Excel shows. Open the file in Excel and save it as .xlsx "
                              f"again")


_PART_WORDS = {"officeDocument": "workbook", "sharedStrings": "shared-string table",
               "styles": "styles"}


def _check_entries(archive: zipfile.ZipFile, name: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise IngestError(name, f"refused: the package has {len(infos):,} entries (limit "
                          f"{MAX_ENTRIES:,}); not a workbook Excel writes")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNCOMPRESSED:
        raise IngestError(name, f"refused: the workbook would expand to {declared:,} bytes "
                          f"(limit {MAX_UNCOMPRESSED:,}); possible zip bomb")
    total = 0
    for info in infos:
        real = _real_size(archive, info, name, MAX_UNCOMPRESSED - total)
        total += real
        if real > _RATIO_FLOOR and real / max(info.compress_size, 1) > MAX_RATIO:
            raise IngestError(name, f"refused: {info.filename} expands {real:,} bytes from "
                              f"{info.compress_size:,} (more than {MAX_RATIO}:1); possible "
                              f"zip bomb")


def _real_size(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: int) -> int:
    """Decompress one entry (streaming), check its CRC and declared size, and look for DTDs
    in XML parts. Returns the real size."""
    is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
    size, tail = 0, b""
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                if size > budget:
                    raise IngestError(name, f"refused: {info.filename} expands beyond "
                                      f"{MAX_UNCOMPRESSED:,} bytes in all (limit); possible "
                                      f"zip bomb")
                if is_xml:
                    window = tail + chunk
                    # Every marker begins "<!" (in UTF-16, "<\0!"): two passes over the
                    # chunk, the six only where one is found.
                    if (b"<!" in window or b"<\x00!" in window) and \
                            any(m in window for m in _DTD_MARKERS):
                        raise IngestError(name, f"refused: {info.filename} declares a DTD or "
                                          f"XML entities, which Excel never writes (an XML "
                                          f"entity attack such as 'billion laughs')")
                    tail = chunk[-32:]
    except IngestError:
        raise
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError, ValueError, RuntimeError,
            NotImplementedError) as exc:
        raise IngestError(name, f"the ZIP package is damaged: {info.filename} does not match "
                          f"its declared size or checksum ({info.file_size:,} bytes declared; "
                          f"{exc})") from exc
    if size != info.file_size:
        raise IngestError(name, f"the ZIP package is damaged: {info.filename} declares "
                          f"{info.file_size:,} bytes but holds {size:,}")
    return size


def parse_part(archive: zipfile.ZipFile, member: str, name: str) -> ElementTree.Element:
    """A package part's XML, or IngestError naming the part if it is missing or damaged."""
    try:
        return ElementTree.fromstring(archive.read(member))
    except KeyError:
        raise IngestError(name, f"not an Excel workbook ({member} is missing)") from None
    except (ElementTree.ParseError, LookupError, UnicodeError, ValueError) as exc:
        # (LookupError: an encoding Python does not know, declared by the part.)
        raise IngestError(name, f"the workbook is damaged: {member} is not well-formed XML "
                          f"({exc})") from None


def sheet_xml_path(archive: zipfile.ZipFile, sheet: str, name: str) -> str | None:
    """The package path of the sheet's XML (None if the workbook does not list it);
    refuses a workbook naming two sheets alike."""
    workbook = parse_part(archive, "xl/workbook.xml", name)
    if any(_local(node.tag) in ("sheets", "sheet") and _namespace(node.tag) not in _MAIN_URIS
           for node in workbook.iter()):
        _refuse_foreign(name, "xl/workbook.xml", "a sheet")
    rid = None
    seen: set[str] = set()
    for node in workbook.iterfind("m:sheets/m:sheet", _NS):
        # Excel allows a name once, whatever its case; the cell reader takes the first of a
        # name, and this the sheet the workbook lists (s26 hunt: a very hidden sheet named
        # as the visible one, listed first, was screened: CLEAR).
        key = (node.get("name") or "").lower()  # ("Maße" and "Masse" are two names)
        if key in seen:
            raise IngestError(name, f"refused: the workbook names two sheets "
                              f"{node.get('name')!r}, which Excel never allows; which of "
                              f"them a program shows is in doubt. Open the file in Excel "
                              f"and save it as .xlsx again")
        seen.add(key)
        if node.get("name") == sheet and rid is None:
            rid = node.get(f"{{{_NS['r']}}}id")
            _check_sheet_ids(node, name)
    if rid is None:
        return None
    for rel in relationships(archive, "xl/_rels/workbook.xml.rels", name):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            _check_sheet_target(archive, target, name)
            path = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(str(PurePosixPath("xl") / target))
            members = archive.namelist()
            if path not in members:
                found = next((m for m in members if m.lower() == path.lower()), None)
                if found is not None:  # the readers find it whatever its case
                    _refuse_case(name, found, path)
            return path
    return None


def _check_sheet_ids(node: ElementTree.Element, name: str) -> None:
    """Refuses a workbook's sheet entry with another attribute named like its relationship
    id ("q:id" beside "r:id"): the cell reader may follow that one to another part than
    Excel and these checks (s29 hunt: a decoy sheet saying "Germany" was screened, CLEAR,
    while Excel shows "Hong Kong")."""
    others = [key for key in node.attrib
              if key.rsplit("}", 1)[-1].lower().endswith("id")
              and key not in (f"{{{_NS['r']}}}id", "sheetId")]
    if others:
        raise IngestError(name, f"refused: the workbook's entry for sheet "
                          f"{node.get('name')!r} has a second id attribute "
                          f"({others[0].rsplit('}', 1)[-1]!r}), which Excel never writes; "
                          f"programs differ in which part they show for the sheet. Open the "
                          f"file in Excel and save it as .xlsx again")


_PLAIN_TARGET_RE = re.compile(r"/?(?:[A-Za-z0-9_\- ]+(?:\.[A-Za-z0-9_\- ]+)*/)*"
                              r"[A-Za-z0-9_\- ]+\.xml", re.IGNORECASE)


def _check_sheet_target(archive: zipfile.ZipFile, target: str, name: str) -> None:
    """Refuses a sheet's part named with escapes or dot segments ("a&amp;b.xml",
    "sheet&#49;.xml", "sheet%31.xml", "./", "../", "//", a backslash): XML readers decode
    the name, the cell reader may open the part literally so named (s29 hunt: a decoy part
    "xl/worksheets/a&amp;b.xml" saying "Germany" was screened, CLEAR, while Excel shows
    the sheet at "a&b.xml")."""
    raw = archive.read("xl/_rels/workbook.xml.rels")
    literal = target.encode("utf-8", "replace")
    if not _PLAIN_TARGET_RE.fullmatch(target) or (
            b'"' + literal + b'"' not in raw and b"'" + literal + b"'" not in raw):
        raise IngestError(name, f"refused: the workbook names its sheet's part "
                          f"{target[:80]!r} with escapes, dot segments or characters Excel "
                          f"never writes in a part name; programs differ in which part they "
                          f"open for it. Open the file in Excel and save it as .xlsx again")


@dataclass
class SheetScan:
    """What the sheet XML says before any cell is loaded."""

    rows: int = 0  # the last row with a cell or row element (1-based)
    columns: int = 0  # the widest column used (1-based count)
    far_cell: str = ""  # the reference that sets the extent, for messages
    #: (row, 0-based col) of formula cells whose cached value is missing, and of cells
    #: holding an Excel error (both read as empty by the cell reader)
    formula_cells: set[tuple[int, int]] = field(default_factory=set)
    #: (row, 0-based col) of cells holding an Excel error: its text ("#N/A", "#DIV/0!")
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: (row, 0-based col) of formula cells whose cached value may not be what Excel shows
    #: when the workbook is opened (also in formula_cells): (their formula, why: VOLATILE,
    #: RECALCULATES, OLDER_ENGINE or DEPENDS). A volatile function (TODAY, NOW, RAND...)
    #: recalculates on opening, and any formula may read a cell that does; every formula of
    #: a workbook saved with fullCalcOnLoad, or calculated by an older engine, does too.
    stale_cells: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    #: (row, 0-based col) of cells a merged range covers, all but its top-left one, with the
    #: range ("G2:G4"): Excel shows the top-left cell's value across the range, but the
    #: covered cells are empty in the file (the reader reads them so).
    merged_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: (row, 0-based col) of cells whose number format shows a date without its day
    #: ("mmm-yy"), with the format: the cell holds a day the sheet does not show.
    dayless_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: (row, 0-based col) of text cells whose number format shows other text than they
    #: hold (``masks_text``), with the format.
    masked_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: (row, 0-based col) of cells with a comment or note, with its text (``_commented``).
    comments: dict[tuple[int, int], str] = field(default_factory=dict)
    #: The workbook counts dates from 1904 (a Mac's old default): a number that is a day
    #: count is 1,462 days later than the 1900 system reads it.
    date1904: bool = False
    #: Value elements (<v>, <is>) in the sheet XML, empty ones too: the reader shows at
    #: most one value per cell (an error cell as empty), so fewer values read than this less
    #: the error cells is a cell written twice or given two values, or a cell holding empty
    #: text (``repeated_cell`` tells which).
    value_tags: int = 0


#: Cells merged ranges may cover in all: more is no shipment sheet's formatting.
MAX_MERGED_CELLS = 1_000_000
_MERGE_RE = re.compile(rb'<mergeCell\b[^>]*?\sref="([A-Za-z]{1,3})([0-9]{1,7}):([A-Za-z]{1,3})'
                       rb'([0-9]{1,7})"')


#: A row element's number, written in any attribute order (digits of any length are read
#: only after the extent check has passed).
_ROW_TAG_RE = re.compile(rb'<row\b[^>]*?\sr="([0-9]{1,15})"')
_ROW_R_FIRST_RE = re.compile(rb'<row r="([0-9]{1,15})"')
_DIMENSION_RE = re.compile(rb'<dimension\s+ref="(?:[A-Za-z]+[0-9]+:)?([A-Za-z]+)([0-9]+)"')
# Rows and cells, in any attribute order. A literal first character keeps the scan fast; an
# unrelated attribute ending in "r" can only make the extent look larger (a refusal), never
# smaller.
_ROW_NUMBER_RE = re.compile(rb'r="[A-Za-z]*([0-9]+)"')
# A cell's start tag: "<c" and white space, "/" or ">" (not "<col", "<cfRule").
_CELL_TAG_RE = re.compile(rb"<c[\s/>]")
# References of columns beyond Z, in one pass: two letters (AA-ZZ), or three and more with
# their row (a wide one names the far cell in the message).
_LETTERS_RE = re.compile(rb'r="(?:([A-Za-z]{2})[0-9]|([A-Za-z]{3,})([0-9]+)")')
# A cell is self-closed (<c r="A2" s="1"/>, a formatted blank) or has content up to </c>:
# matched as one, so a blank cell's reference is never given to the next cell's content.
_CELL_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_REF_RE = re.compile(rb'\br="([A-Za-z]+)([0-9]+)"')
_VALUE_RE = re.compile(rb"<v>[^<]+</v>|<is>")
#: A formula's text result of "" (=IF(A2="","",A2)): Excel writes it as an empty value of a
#: cell of type "str", which shows blank; a number cell with an empty value has none.
_STR_TYPE_RE = re.compile(rb'\bt="str"')
#: A cell of type inlineStr holding a <v> element (in place of, or beside, its <is> text).
_EMPTY_VALUE_RE = re.compile(rb"<v>\s*</v>|<v\s*/>")
_ERROR_TYPE_RE = re.compile(rb'\bt="e"')
_ERROR_VALUE_RE = re.compile(rb"<v>([^<]*)</v>")


#: What makes a formula's value change without its own cells changing: volatile functions,
#: values fetched from elsewhere (RTD, WEBSERVICE), user-defined functions (VBA, add-ins:
#: "_xludf.", "_xll.") and references to other workbooks ("[1]Sheet1!A1").
_VOLATILE_RE = re.compile(rb"(?:\b(?:TODAY|NOW|RAND|RANDBETWEEN|RANDARRAY|OFFSET|INDIRECT|INFO"
                          rb"|CELL|RTD|WEBSERVICE)\s*\(|\b_xludf\.|\b_xll\."
                          # another workbook: "[1]Sheet1!A1", "[1]!Name" (not a table's
                          # column "Sales[2024]")
                          rb"|\[[0-9]+\][^\[\](),;+\-*/&=<>^]*!)",
                          re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


#: The calculation engine of Excel for Microsoft 365 (and 2019, 2021): a workbook last
#: calculated by an older one (Excel 2016: 162913 or 171027; 2010: 145621), by a program
#: writing none (Excel takes 0) or a lower one, is recalculated in full when Excel opens it
#: ([MS-OI29500] 2.1.565; [MS-XLS] 2.4.215 RecalcId), so the values saved with its formulas
#: are not what the officer sees (s26: a formula of "3A001" saved with the value "EAR99").
EXCEL_CALC_ID = 191029


def workbook_flags(archive: zipfile.ZipFile, name: str = "") -> tuple[str | None, bool]:
    """(why Excel recalculates every formula when the workbook is opened, so the values
    saved with its formulas are not what Excel shows (RECALCULATES: it is told to, or
    OLDER_ENGINE: they were calculated by an older engine, ``EXCEL_CALC_ID``), or None;
    whether it counts dates from 1904), from one read of its workbook part. (Read as XML,
    not as bytes: quotes, character references and prefixes are the parser's business.)"""
    if "xl/workbook.xml" not in archive.namelist():
        return None, False
    workbook = parse_part(archive, "xl/workbook.xml", name)

    def nodes(tag: str) -> list[ElementTree.Element]:
        return [node for node in workbook.iter() if _local(node.tag) == tag]

    def flag(found: list[ElementTree.Element], attribute: str) -> bool:
        return any((node.get(attribute) or "").strip().lower() in ("1", "true")
                   for node in found)

    calc = nodes("calcPr")
    if flag(calc, "fullCalcOnLoad") or flag(calc, "forceFullCalc") or any(
            (node.get("calcCompleted") or "").strip().lower() in ("0", "false")
            for node in calc):
        why = RECALCULATES
    elif any(_calc_id(node.get("calcId")) < EXCEL_CALC_ID for node in calc) or not calc:
        why = OLDER_ENGINE
    else:
        why = None
    properties = nodes("workbookPr")
    _check_date_system(archive, properties, name)
    return why, flag(properties, "date1904")


_DATE1904_RE = re.compile(rb"""date1904\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _check_date_system(archive: zipfile.ZipFile, properties: list[ElementTree.Element],
                       name: str) -> None:
    """Refuses a workbook whose date system is not written plainly, once: "&#49;",
    "TRUE", " 1" or two workbookPr elements are read as 1904 by one program and 1900 by
    another, four years apart (s29 hunt: the cell reader read 2021-03-01 as 2017-02-28,
    before the Hong Kong change: CLEAR)."""
    said = [node.get("date1904") for node in properties if node.get("date1904") is not None]
    written = [a or b for a, b in _DATE1904_RE.findall(archive.read("xl/workbook.xml"))]
    if len(properties) > 1 or len(written) != len(said) or any(
            value not in (b"0", b"1", b"true", b"false") for value in written):
        raise IngestError(name, "refused: the workbook's date system (workbookPr date1904) is "
                          "not written as Excel writes it (0, 1, true or false, once); "
                          "programs differ in whether its dates count from 1900 or 1904, "
                          "four years apart. Open the file in Excel and save it as .xlsx "
                          "again")


def _calc_id(text: str | None) -> int:
    """A calcId attribute's engine number (Excel reads a missing one as 0)."""
    try:
        return int((text or "0").strip())
    except ValueError:  # not a number: in doubt
        return 0


#: Built-in number formats showing a date without its day: 17 is "mmm-yy"; 27, 36, 50, 52
#: and 57 show 'yyyy"年"m"月"' in Chinese Excel (their text depends on the locale).
_DAYLESS_BUILTIN = {16: "d-mmm", 17: "mmm-yy",
                    **dict.fromkeys((27, 36, 50, 52, 57), 'yyyy"年"m"月"'),
                    # 'm"月"d"日"' in Chinese Excel (s23 review: "3月1日" was CLEAR)
                    **dict.fromkeys((28, 29, 51, 53, 54, 58), 'm"月"d"日"')}
_FORMAT_NOISE_RE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_DAY_RE = re.compile(r"(?<!d)d{1,2}(?!d)")


def dayless_date_format(code: str) -> bool:
    """Whether a number format shows a date without its day ("mmm-yy", "yyyy-mm", "mmmm
    yyyy", "yyyy"): the cell then shows a month or a year while holding a day. Any section
    of it may show the date (s24 hunt: "[>=44197]yyyy-mm-dd;yyyy-mm" shows 2020-12-01 as
    "2020-12")."""
    return any(("y" in part or "m" in part) and _DAY_RE.search(part) is None
               for part in _date_parts(code))


def yearless_date_format(code: str) -> bool:
    """Whether a number format shows a date without its year ("d-mmm", "dd/mm", "mmm d"):
    the cell then holds a year the sheet does not show (Excel gives a date typed without
    one the current year)."""
    # (A day or a month alone, "d", "dddd", "mmm", shows no year either; "e" is the year of
    # an era in East Asian formats.)
    return any("y" not in part and "e" not in part and ("d" in part or "m" in part)
               for part in _date_parts(code))


_LITERAL_RE = re.compile(r'"([^"]*)"|\\(.)')


def _literal_text(section: str) -> str:
    """The literal text of a number format's section: quoted, or a character escaped."""
    return "".join(quoted + escaped for quoted, escaped in _LITERAL_RE.findall(section))


def digits_beside_date(code: str) -> bool:
    """Whether a date format writes digits of its own beside the date: '"Shipped
    2021-03-01 (PO of) "yyyy-mm-dd' shows another date before the one held (s28 hunt: a
    2019 date so shown to Hong Kong was CLEAR)."""
    return any(any(ch.isdigit() for ch in _literal_text(section))
               for section in _sections(code)[:3]
               if _date_parts(section))


def partial_date_format(code: str) -> bool:
    """A date format without its day or without its year, or with digits of its own."""
    return dayless_date_format(code) or yearless_date_format(code) or \
        digits_beside_date(code)


def _date_parts(code: str) -> list[str]:
    """The sections of a number format that show a number (the first three: the fourth
    shows text) as dates, without their literal text and colours, lowercased. A section
    that is a time (where "mm" is minutes) or a number format is none."""
    parts = []
    for section in code.lower().split(";")[:3]:
        if re.search(r"\[[hms]+\]", section):
            continue  # elapsed time ("[h]:mm")
        part = _FORMAT_NOISE_RE.sub("", section)
        if part and "h" not in part and "s" not in part and "0" not in part and \
                "#" not in part and "general" not in part and part != "@":
            parts.append(part)
    return parts


def _sections(code: str) -> list[str]:
    """A number format's sections (";" within quotes or escaped is no separator)."""
    if not code:
        return []
    parts, current, quoted, escaped = [], [], False, False
    for char in code:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


_CONDITION_RE = re.compile(r"\[[^\]]*\]")


def masks_text(code: str) -> bool:
    """Whether a number format shows a text cell as other text than it holds, or as
    nothing: its text section (the fourth, or the one with "@") does not show the text
    ("@"). '0;-0;0;"Hong Kong"' shows "Germany" as "Hong Kong"; ';;;' shows nothing (s24
    hunt: both were read as held and CLEAR). Accounting formats ('_(@_)') show it."""
    sections = _sections(code)
    if len(sections) >= 4:
        text = sections[3]
    else:
        text = next((part for part in sections
                     if "@" in _FORMAT_NOISE_RE.sub("", part)), None)
        if text is None:
            return False  # text shows as held
    # Colours, conditions, padding ("_)") and fills ("*-") only space the text; a section
    # without "@" does not show the value. Literal letters or digits beside "@" add words
    # to it (s28 hunt: '"Hong Kong / "@' showed "Germany" as "Hong Kong / Germany" and
    # '"3A001.a.2 "@' "EAR99" as "3A001.a.2 EAR99": each CLEAR); spaces and punctuation
    # ('"("@")"') do not.
    return "@" not in _FORMAT_NOISE_RE.sub("", text) or \
        any(ch.isalnum() for ch in _literal_text(text))


def dayless_date_styles(archive: zipfile.ZipFile, name: str = "") -> dict[bytes, str]:
    """Cell style indices (as written in a cell's ``s`` attribute) whose number format
    shows a date without its day or without its year, with the format."""
    return _styles_where(archive, name, partial_date_format, _DAYLESS_BUILTIN)


def masking_styles(archive: zipfile.ZipFile, name: str = "") -> dict[bytes, str]:
    """Cell style indices whose number format shows a text cell as other text than it
    holds (``masks_text``), with the format (no built-in format does)."""
    return _styles_where(archive, name, masks_text, {})


def conditional_formats(archive: zipfile.ZipFile, name: str = "") -> tuple[
        dict[int, str], dict[int, str]]:
    """(masking, dayless): the conditional-format styles (``<dxf>``, by index) whose number
    format shows text as other text, or a date without its day or year, with the format. A
    rule that applies one changes what its cells show (s25 hunt: an always-true rule showed
    a "Germany" cell as "Hong Kong": CLEAR)."""
    masking: dict[int, str] = {}
    dayless: dict[int, str] = {}
    if "xl/styles.xml" not in archive.namelist():
        return masking, dayless
    styles = _styles(archive, name)
    for section in _children(styles, "dxfs"):
        for index, dxf in enumerate(_children(section, "dxf")):
            for node in _children(dxf, "numFmt"):
                number = node.get("numFmtId") or ""
                code = node.get("formatCode") or _DAYLESS_BUILTIN.get(
                    int(number) if number.isdigit() else -1, "")
                if masks_text(code):
                    masking[index] = code
                if partial_date_format(code):
                    dayless[index] = code
    return masking, dayless


_CF_BLOCK_RE = re.compile(rb"<(?:\w+:)?conditionalFormatting\b(.*?)</(?:\w+:)?"
                          rb"conditionalFormatting>", re.DOTALL)
_CF_SQREF_RE = re.compile(rb'^[^>]*\ssqref="([^"]*)"|<(?:\w+:)?sqref>([^<]*)<')
_CF_DXF_RE = re.compile(rb'\sdxfId="([0-9]{1,7})"')
_CF_CODE_RE = re.compile(rb'\sformatCode="([^"]*)"')
_RANGE_RE = re.compile(r"\$?([A-Za-z]{0,3})\$?([0-9]{0,7})(?::\$?([A-Za-z]{0,3})\$?([0-9]{0,7}))?")


#: Cells conditional formats may make show other than they hold: more is no shipment sheet.
MAX_CONDITIONAL_CELLS = 2_000_000


def _conditional_cells(tail: bytes, masking: dict[int, str], dayless: dict[int, str],
                       scan: SheetScan, rows: int, columns: int, name: str, sheet: str
                       ) -> None:
    """Adds the cells of conditional formats that apply a masking or dayless number format
    (a ``<dxf>`` of the styles, or one written in the rule: Excel 2010's extension) to
    ``scan.masked_cells`` / ``scan.dayless_cells``, whatever the rule's condition: what the
    cell shows depends on it."""
    for block in _CF_BLOCK_RE.findall(tail):
        ids = [int(i) for i in _CF_DXF_RE.findall(block)]
        codes = [html.unescape(c.decode("utf-8", "replace")) for c in _CF_CODE_RE.findall(block)]
        masks = [masking[i] for i in ids if i in masking] + [c for c in codes if masks_text(c)]
        days = [dayless[i] for i in ids if i in dayless] + \
            [c for c in codes if partial_date_format(c)]
        if not masks and not days:
            continue
        refs = " ".join((a or b).decode("utf-8", "replace")
                        for a, b in _CF_SQREF_RE.findall(block))
        for part in refs.split():
            found = _RANGE_RE.fullmatch(part)
            if found is None:
                continue
            first_col, first_row, last_col, last_row = found.groups(default="")
            if found.group(3) is None:  # one cell
                last_col, last_row = first_col, first_row
            col_from = column_index(first_col.upper()) if first_col else 0
            col_to = column_index(last_col.upper()) if last_col else columns - 1
            row_from = int(first_row) if first_row else 1
            row_to = int(last_row) if last_row else rows
            row_from, row_to = sorted((row_from, row_to))  # ("C3:C2" is C2:C3)
            col_from, col_to = sorted((col_from, col_to))
            row_from, row_to = max(row_from, 1), min(row_to, rows)
            col_from, col_to = max(col_from, 0), min(col_to, columns - 1)
            if (row_to - row_from + 1) * (col_to - col_from + 1) + len(scan.masked_cells) \
                    + len(scan.dayless_cells) > MAX_CONDITIONAL_CELLS:
                raise IngestError(name, f"refused: the sheet's conditional formats change "
                                  f"how more than {MAX_CONDITIONAL_CELLS:,} cells show their "
                                  f"values (number formats showing other text, or dates "
                                  f"without their day): each would need a look; remove the "
                                  f"conditional formats and save again", sheet=sheet)
            for row in range(row_from, row_to + 1):
                for col in range(col_from, col_to + 1):
                    if masks:
                        scan.masked_cells.setdefault((row, col), masks[0])
                    if days:
                        scan.dayless_cells.setdefault((row, col), days[0])


#: Marks a ``SheetScan.masked_cells`` entry that is a shape drawn over the cell, not a
#: number format: the rest is what the shape is ("a text box reading 'Hong Kong'").
DRAWN_OVER = "\x00"
#: EMUs of a default column's width and row's height (64 px, 20 px): a shape anchored by
#: size alone is placed over the cells it would cover at those sizes.
_EMU_COLUMN, _EMU_ROW = 609_600, 190_500


def _drawn_cells(archive: zipfile.ZipFile, xml_path: str, name: str, sheet: str,
                 scan: SheetScan) -> None:
    """Adds the cells under a visible text box, picture or chart drawn on the sheet to
    ``scan.masked_cells`` (marked ``DRAWN_OVER``): a shape over a cell hides what it holds
    (s25 hunt: a borderless white text box reading "Hong Kong" over a "Germany" cell was
    CLEAR). Only the sheet's own drawings; comments are not shapes over the cells."""
    folder, _, base = xml_path.rpartition("/")
    rels_path = f"{folder}/_rels/{base}.rels"
    if rels_path not in archive.namelist():
        return
    for rel in parse_part(archive, rels_path, name).iterfind("rel:Relationship", _NS):
        if (rel.get("Type") or "").rsplit("/", 1)[-1] != "drawing" or \
                (rel.get("TargetMode") or "") == "External":
            continue
        target = rel.get("Target") or ""
        part = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
        if part not in archive.namelist():
            continue
        for anchor in _anchors(parse_part(archive, part, name)):
            what = _shape_shown(anchor)
            if what is None:
                continue
            top, left, bottom, right = _anchor_cells(anchor)
            bottom, right = min(bottom, scan.rows), min(right, scan.columns - 1)
            if (bottom - top + 1) * (right - left + 1) + len(scan.masked_cells) > \
                    MAX_CONDITIONAL_CELLS:
                raise IngestError(name, f"refused: shapes drawn on the sheet ({part}) cover "
                                  f"more than {MAX_CONDITIONAL_CELLS:,} cells, each of which "
                                  f"they may hide; remove them and save again", sheet=sheet)
            for row in range(max(top, 1), bottom + 1):
                for col in range(max(left, 0), right + 1):
                    scan.masked_cells.setdefault((row, col), f"{DRAWN_OVER}{what} ({part})")


#: Relationship types of a sheet's notes and of its threaded comments (Excel 365).
_COMMENT_RELS = ("comments", "threadedComment")
_CELL_REF_RE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


def _commented(archive: zipfile.ZipFile, xml_path: str, name: str, scan: SheetScan) -> None:
    """Adds the cells with a note or a threaded comment, with its text, to
    ``scan.comments``: the sheet shows them beside the cell, and they may say more than
    the cell (s28 hunt: "Goods re-exported to Hong Kong" noted on a "Germany" cell, and
    "Reclassified 3A001.a.2" on an "EAR99" one, were passed over: CLEAR)."""
    folder, _, base = xml_path.rpartition("/")
    rels_path = f"{folder}/_rels/{base}.rels"
    if rels_path not in archive.namelist():
        return
    for rel in parse_part(archive, rels_path, name).iterfind("rel:Relationship", _NS):
        if (rel.get("Type") or "").rsplit("/", 1)[-1] not in _COMMENT_RELS or \
                (rel.get("TargetMode") or "") == "External":
            continue
        target = rel.get("Target") or ""
        part = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
        if part not in archive.namelist():
            continue
        for node in parse_part(archive, part, name).iter():
            if _local(node.tag) not in ("comment", "threadedComment"):
                continue
            match = _CELL_REF_RE.fullmatch(node.get("ref") or "")
            if match is None:
                continue
            text = " ".join(" ".join(t.text or "" for t in node.iter()
                                     if _local(t.tag) == "t").split())
            if text:
                where = (int(match.group(2)), column_index(match.group(1).upper()))
                held = scan.comments.get(where)
                scan.comments[where] = f"{held} / {text}" if held and text not in held \
                    else held or text


def _anchors(drawing: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """The drawing's anchors, those inside markup-compatibility blocks too (Excel writes a
    text box as <mc:AlternateContent><mc:Choice Requires="a14">...): both the choice and
    the fallback, whichever a program shows (s25 review: a wrapped text box was passed
    over)."""
    for node in drawing:
        if _local(node.tag) == "AlternateContent":
            for branch in node:
                yield from _anchors(branch)
        else:
            yield node


#: Drawing elements that are a shape, a picture, a chart or a group of them.
_SHAPES = ("sp", "pic", "graphicFrame", "grpSp", "cxnSp")


def _shape_shown(anchor: ElementTree.Element) -> str | None:
    """What a drawing anchor shows over the cells ("a text box reading '...'", "a
    picture", "a chart"), or None: hidden, or a shape without text (a line, an arrow). A
    hidden shape in a group hides only itself (s25 review)."""
    if _local(anchor.tag) not in ("twoCellAnchor", "oneCellAnchor", "absoluteAnchor"):
        return None
    texts: list[str] = []
    links: list[str] = []
    kinds: set[str] = set()

    def visit(node: ElementTree.Element) -> None:
        kind = _local(node.tag)
        if kind in _SHAPES:
            own = next((c for c in node.iter() if _local(c.tag) == "cNvPr"), None)
            if own is not None and own.get("hidden") in ("1", "true"):
                return
            kinds.add(kind)
            if (link := (node.get("textlink") or "").strip()):  # another cell's text
                links.append(link)
        if kind == "t" and (node.text or "").strip():
            texts.append((node.text or "").strip())
        if kind == "blipFill":  # a picture, or a shape filled with one
            kinds.add("pic")
        for child in node:
            visit(child)

    for child in anchor:
        visit(child)
    if links:  # (its text, if any is kept, is that cell's when last saved)
        return f"a text box showing the text of cell {links[0][:40]}"
    if texts:
        return f"a text box reading {' '.join(texts)[:80]!r}"
    if "pic" in kinds:
        return "a picture"
    if "graphicFrame" in kinds:
        return "a chart or other object"
    return None


def _emu(text: str | None) -> int:
    """A whole number written in a drawing (EMUs, a row or column index); 0 if it is none."""
    text = (text or "").strip()
    return int(text) if re.fullmatch(r"-?[0-9]{1,15}", text) else 0


def _anchor_cells(anchor: ElementTree.Element) -> tuple[int, int, int, int]:
    """(first row, first 0-based column, last row, last column) under an anchor (rows
    1-based)."""
    def number(parent: ElementTree.Element | None, local: str) -> int:
        for child in parent if parent is not None else ():
            if _local(child.tag) == local:
                return _emu(child.text)
        return 0

    def child(local: str) -> ElementTree.Element | None:
        return next((c for c in anchor if _local(c.tag) == local), None)

    start, end = child("from"), child("to")
    if start is not None and end is not None:
        last_col, last_row = number(end, "col"), number(end, "row")
        if number(end, "colOff") <= 0:  # ends at that column's left edge
            last_col -= 1
        if number(end, "rowOff") <= 0:
            last_row -= 1
        return (number(start, "row") + 1, number(start, "col"),
                max(last_row, number(start, "row")) + 1, max(last_col, number(start, "col")))
    size = child("ext")
    width = _emu(size.get("cx")) if size is not None else 0
    height = _emu(size.get("cy")) if size is not None else 0
    if start is not None:
        row, col = number(start, "row"), number(start, "col")
    else:  # absolute: from the sheet's corner
        place = child("pos")
        col = (_emu(place.get("x")) if place is not None else 0) // _EMU_COLUMN
        row = (_emu(place.get("y")) if place is not None else 0) // _EMU_ROW
    return (row + 1, col, row + 1 + max(height - 1, 0) // _EMU_ROW,
            col + max(width - 1, 0) // _EMU_COLUMN)


def _children(node: ElementTree.Element, local: str) -> list[ElementTree.Element]:
    return [child for child in node if _local(child.tag) == local]


#: The parts of the styles the checks read by position or id: each in the spreadsheet
#: namespace, or the index of a style would differ between readers.
_STYLE_PARTS = frozenset({"numFmts", "numFmt", "cellXfs", "xf", "dxfs", "dxf"})


def _styles(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """xl/styles.xml, refusing a number format or cell style of another namespace."""
    styles = parse_part(archive, "xl/styles.xml", name)
    # The stylesheet's own sections and what they hold, not its extensions (Excel writes
    # slicer styles' <x14:dxfs> there).
    for node in (*styles, *(child for section in styles if _local(section.tag) != "extLst"
                            for child in section),
                 *(fmt for dxfs in _children(styles, "dxfs") for dxf in dxfs for fmt in dxf)):
        if _local(node.tag) in _STYLE_PARTS and _namespace(node.tag) not in _MAIN_URIS:
            _refuse_foreign(name, "xl/styles.xml", "a cell style or number format")
    return styles


def _styles_where(archive: zipfile.ZipFile, name: str, wanted: Callable[[str], bool],
                  builtin: dict[int, str]) -> dict[bytes, str]:
    if "xl/styles.xml" not in archive.namelist():
        return {}
    styles = _styles(archive, name)
    codes = dict(builtin)
    # Only the stylesheet's own <numFmts> define the cells' formats: a <numFmt> of a
    # conditional format (<dxf>) or of an extension reusing the id must not undo one (s25
    # hunt: a "General" id 166 there hid '0;-0;0;"Hong Kong"' on a Germany cell: CLEAR).
    # An id defined twice is looked at in both forms.
    for section in _children(styles, "numFmts"):
        for node in _children(section, "numFmt"):
            number, code = node.get("numFmtId") or "", node.get("formatCode") or ""
            if number.isdigit() and wanted(code):
                codes[int(number)] = code
    found: dict[bytes, str] = {}
    if not codes:
        return found
    # A cell style's format reaches a cell's style without one of its own, or (as some
    # readers take applyNumberFormat="0") with one: either way counts (s26 hunt: a masking
    # format on the cell style, LibreOffice showed "3A001" over "EAR99": CLEAR).
    named = [x for section in _children(styles, "cellStyleXfs") for x in section
             if _local(x.tag) == "xf"]
    for section in _children(styles, "cellXfs"):
        for index, xf in enumerate(x for x in section if _local(x.tag) == "xf"):
            numbers = [xf.get("numFmtId") or "0"]
            parent = (xf.get("xfId") or "0").strip()
            if parent.isdigit() and int(parent) < len(named):
                numbers.append(named[int(parent)].get("numFmtId") or "0")
            for number in map(str.strip, numbers):
                if number.isdigit() and int(number) in codes:
                    found[str(index).encode()] = codes[int(number)]
                    break
    return found


_STYLE_ATTR_RE = re.compile(rb'\ss="([^"]*)"')
#: A style index no reader can take for a number: the cell's style is in doubt.
ODD_STYLE = "(a style index written oddly)"


def _style_of(attributes: bytes, styles: dict[bytes, str]) -> str | None:
    """The format ``styles`` gives a cell's style index, however the index is written
    (s26 hunt: s="02", s="&#50;", s="+2" and s=" 2" read as style 2 by LibreOffice went
    past a masking format keyed on "2"); ODD_STYLE for one that is no number."""
    found = _STYLE_ATTR_RE.search(attributes)
    if found is None:
        return None
    index = found.group(1)
    if (index.isdigit() and index[:1] != b"0") or index == b"0":
        return styles.get(index)
    try:
        return styles.get(str(int(html.unescape(index.decode("utf-8", "replace")))).encode())
    except ValueError:
        return ODD_STYLE


#: Parts that hold no formulas (the cells' strings, styles, themes, properties).
_NO_FORMULAS = ("sharedstrings.xml", "styles.xml", "[content_types].xml", "core.xml",
                "app.xml", "custom.xml", *(f"theme{i}.xml" for i in range(1, 10)))


def _may_hold_formulas(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether a part may hold a formula element (looked for in its bytes, a chunk at a
    time: a big sheet of plain values is not parsed). Anything not UTF-8 (UTF-16) is
    parsed."""
    tail = b""
    with archive.open(part) as handle:
        while chunk := handle.read(_CHUNK):
            data = tail + chunk
            if b"<f" in data or b":f" in data or b"\x00" in data:
                return True
            tail = data[-8:]
    return False


def volatile_elsewhere(archive: zipfile.ZipFile, xml_path: str, name: str = "") -> bool:
    """Whether a defined name, or a formula in any other part of the package (another
    worksheet wherever it is kept), calls a volatile function or reads another workbook: a
    formula of the sheet screened may read it (``=Calc!A1``, ``=ShipDay``), so its saved
    value may not be what Excel shows either. Read as XML: CDATA and character references
    ("TOD&#65;Y()") are text like any other."""
    if "xl/workbook.xml" in archive.namelist():
        for node in parse_part(archive, "xl/workbook.xml", name).iter():
            if _local(node.tag) == "definedName" and _VOLATILE_RE.search(
                    (node.text or "").encode()):
                return True
    for part in archive.namelist():
        lower = part.lower()
        if part in (xml_path, "xl/workbook.xml") or not lower.endswith(".xml") \
                or lower.endswith(_NO_FORMULAS):
            continue
        if not _may_hold_formulas(archive, part):
            continue
        try:
            with archive.open(part) as handle:
                for _event, node in ElementTree.iterparse(handle):
                    if _local(node.tag) == "f" and _VOLATILE_RE.search(
                            (node.text or "").encode()):
                        return True
                    node.clear()
        except (ElementTree.ParseError, LookupError, UnicodeError, ValueError):
            return True  # cannot be read: its formulas may be anything
    return False


#: Attributes written other than ``name="value"`` (single quotes, spaces around "="), and
#: the sheet's namespace bound to a prefix (cells written ``<x:c>``): well-formed XML the cell
#: reader reads, which Excel never writes and the byte patterns of ``scan_sheet`` would not
#: see (a far cell, a formula, an error value could pass unchecked).
_ODD_ATTRIBUTE_RE = re.compile(rb"<[A-Za-z_][^<>]*?(?:\s=|=\s|=')")
_ESCAPED_REF_RE = re.compile(rb'\sr(?:ef)?="[^"<>]*&')
_PREFIXED_MAIN_RE = re.compile(
    rb"xmlns:([^\s=:<>/\"']+)\s*=\s*[\"'](?:http://schemas\.openxmlformats\.org/spreadsheetml/2006/"
    rb"main|http://purl\.oclc\.org/ooxml/spreadsheetml/main)[\"']")
#: An attribute's value as Excel writes it (it cannot hold "<"): taken out before looking for
#: odd attributes, so "=" or quotes inside a value (a data validation's prompt "Y = yes")
#: are not taken for the attribute's own.
_QUOTED_VALUE_RE = re.compile(rb'="[^"<]*"')


def _check_plain_xml(body: bytes, name: str, sheet: str) -> bytes | None:
    """Refuses sheet XML the byte patterns of ``scan_sheet`` would not read; returns the
    prefix the sheet's namespace is bound to, if any (the .NET Open XML SDK writes
    ``<x:worksheet xmlns:x=...>``), for ``scan_sheet`` to read its tags without it."""
    # Every "=" of a canonical sheet opens an attribute's value (two counts, no pattern);
    # only a part where some does not (a formula's text, an odd attribute) is searched.
    odd = body.count(b"=") != body.count(b'="') and _ODD_ATTRIBUTE_RE.search(
        _QUOTED_VALUE_RE.sub(b'=""', body))
    prefixes = set(_PREFIXED_MAIN_RE.findall(body)) if b"xmlns:" in body else set()
    how = ("writes an attribute in single quotes or with spaces around '='" if odd else
           "binds its namespace to more than one prefix" if len(prefixes) > 1 else
           "is not UTF-8 (UTF-16?)" if b"\x00" in body else
           "holds CDATA sections" if b"<![CDATA[" in body else
           "writes a cell reference with a character reference"
           if b"&#" in body and _ESCAPED_REF_RE.search(body) else "")
    if how:
        raise IngestError(name, f"refused: the sheet's XML {how}, which Excel never does "
                          f"and hkscreen's checks of the sheet do not read (cells beyond the "
                          f"data, formulas and error values could pass unseen); open the "
                          f"file in Excel and save it as .xlsx again", sheet=sheet)
    return prefixes.pop() if prefixes else None


#: (A prefix is any XML name, letters beyond ASCII too: s26 hunt, "é:c" went unseen.)
_DECLARED_PREFIX_RE = re.compile(rb"xmlns:([^\s=:<>/\"']+)\s*=")
#: A text element holding an element (nested <t>): the cell reader shows the text up to the
#: inner one's end, LibreOffice what follows it (s26 hunt: "EAR<t>99</t>3A001" read as EAR99).
_NESTED_TEXT_RE = re.compile(rb"<t(?:\s[^>]*)?(?<!/)>[^<]*<(?!/t>)")
#: A date cell (t="d") whose time has a 60th second: no such time shows the day the reader
#: gives (s26 hunt: 2020-12-22T23:59:60, read as the 22nd at 23:59:59, is the 23rd).
_DATE_CELL_RE = re.compile(rb'<c\b[^>]*\bt="d"[^>]*>(?:(?!</c>).)*?<v(?:\s[^>]*)?>([^<]*)</v',
                           re.DOTALL)
_SIXTIETH_SECOND_RE = re.compile(rb"T[0-9]{1,2}:[0-9]{1,2}:(?:[6-9][0-9]|[0-9]{3,})")


def _whole_rows(handle: IO[bytes]) -> Iterator[bytes]:
    """The sheet XML in pieces of about ``_CHUNK`` bytes, each ending after a tag and never
    inside a row: a cell's patterns (a formula, a style, a nested text element) are always
    read whole (s26 hunt: a cell cut by a chunk's end, a formula's or a masking style's
    cell went unseen, CLEAR). End tags are looked for whole ("x:sheetData>" in a cell's
    text ends nothing). Within the table of cells a piece ends after a row; a row
    longer than a chunk makes a longer piece."""
    tail = b""
    opened = False  # the table of cells has begun
    closes = (b"</row>",)
    while True:
        chunk = handle.read(_CHUNK)
        data = tail + chunk
        if not chunk:
            if data:
                yield data
            return
        if len(closes) == 1 and b"xmlns:" in data:  # rows closed as </x:row> too
            closes += tuple(b"</" + p + b":row>" for p in _PREFIXED_MAIN_RE.findall(data))
        opened = opened or b"<sheetData" in data
        if opened and not any(close.replace(b"row>", b"sheetData>") in data
                              for close in closes):
            ends = [found + len(close) for close in closes
                    if (found := data.rfind(close)) >= 0]
            cut = max(ends, default=0) - 1
        else:  # cells not begun, or ended here: any tag's end
            cut = data.rfind(b">")
        if cut < 0:
            tail = data
            continue
        body, tail = data[: cut + 1], data[cut + 1:]
        yield body


#: A value element holding white space or a character reference: the cell reader and
#: LibreOffice read a shared string's index or a number so written differently (s26 hunt:
#: <v>1&#48;</v> and <v> 10 </v> read as string 1 and 0 by the reader, 10 by LibreOffice).
_SPACED_VALUE_RE = re.compile(rb"<v(?:\s[^>]*)?>([^<]*[\s&][^<]*)</v|<v\s[^>]*>([^<]*)</v")
_TYPE_ATTRIBUTE_RE = re.compile(rb'\st="([^"]*)"')
#: A shared-string cell whose value is not plain digits.
_SST_INDEX_RE = re.compile(rb't="s"[^>]*>\s*<v>(?![0-9]+</v>)([^<]*)</v>')
_SST_INDEX_QUOTED_RE = re.compile(rb"t='s'[^>]*>\s*<v>(?![0-9]+</v>)([^<]*)</v>")


def _odd_value(cells: bytes) -> str | None:
    """The first such value of a cell not holding a formula's text result (t="str", whose
    text may hold spaces and "&amp;"), or None."""
    if b"<v" not in cells:
        return None
    for found in _SPACED_VALUE_RE.finditer(cells):
        start = cells.rfind(b"<c", 0, found.start())
        kind = _TYPE_ATTRIBUTE_RE.search(cells[start:cells.find(b">", start) + 1]) \
            if start >= 0 else None
        if kind is None or kind.group(1) != b"str":
            return (found.group(1) or found.group(2) or b"")[:40].decode("utf-8", "replace")
    return None


#: Markup, not a cell's text that names it ("xmlns" in a description is no declaration).
_ALTERNATE_RE = re.compile(rb"<(?:[^\s=:<>/\"']+:)?AlternateContent\b")
_DECLARATION_RE = re.compile(rb"<[^<>]*\sxmlns\b")


def _markup(data: bytes, word: bytes, pattern: re.Pattern[bytes]) -> bool:
    """Whether ``data`` holds ``pattern`` (searched only where ``word`` occurs at all)."""
    return word in data and pattern.search(data) is not None


def _check_cell_markup(cells: bytes, other_prefixes: set[bytes | None], sheet_data: int,
                       name: str, sheet: str, before: bytes = b"") -> None:
    """Refuses cell markup readers disagree on (s26 hunt, each a line read as EAR99 that
    LibreOffice shows as 3A001, or not read at all): a second <sheetData> (the cell reader
    stops at the first's end), markup-compatibility choices or elements of another namespace
    among the cells (``<x:c>``: read as a cell, which Excel and LibreOffice skip as
    ignorable), a namespace declared among them, a text element holding another, and a date
    cell at a 60th second. ``cells``: a piece of sheet XML within the first <sheetData>
    (from its start tag), without the prefix of the sheet's own namespace;
    ``other_prefixes``: the others; ``before``: the sheet XML before the cells."""
    how = ""
    if sheet_data > 1:
        how = "holds more than one table of cells (<sheetData>)"
    elif _markup(cells, b"AlternateContent", _ALTERNATE_RE) or \
            _markup(before, b"AlternateContent", _ALTERNATE_RE):
        how = "wraps its cells in alternative content (mc:AlternateContent)"
    elif _markup(cells, b"xmlns", _DECLARATION_RE):
        how = "declares a namespace among its cells"
    elif any(b"<" + p + b":" in cells for p in other_prefixes if p):
        how = "writes elements of another namespace among its cells"
    elif b"<!--" in cells or b"<?" in cells:
        how = "writes comments or processing instructions among its cells"
    elif (odd := _odd_value(cells)) is not None:
        how = f"writes the value {odd!r} with white space or a character reference"
    elif (index := _SST_INDEX_RE.search(cells) or (
            _SST_INDEX_QUOTED_RE.search(cells) if b"t='s'" in cells else None)) is not None:
        # The cell reader reads "8.0", "+8", "8e0" as string 0, LibreOffice as string 8
        # (s29 hunt: "EAR99" read for "3A001.a.1": CLEAR).
        how = (f"writes the shared-string index "
               f"{index.group(1)[:20].decode('utf-8', 'replace')!r}, not plain digits")
    elif b"<t" in cells and _NESTED_TEXT_RE.search(cells):
        how = "writes a cell's text element inside another"
    elif b't="d"' in cells and any(_SIXTIETH_SECOND_RE.search(v)
                                   for v in _DATE_CELL_RE.findall(cells)):
        how = "writes a date cell at a 60th second (23:59:60), which falls on the next day"
    if how:
        raise IngestError(name, f"refused: the sheet's XML {how}, which Excel never writes; "
                          f"programs differ in what they show for it, so cells' values are "
                          f"in doubt. Open the file in Excel and save it as .xlsx again",
                          sheet=sheet)


_SST_ROOT_RE = re.compile(rb"<sst\b[^>]*>")


def _check_shared_text(archive: zipfile.ZipFile, name: str) -> None:
    """Refuses a shared-string table with a text element inside another (``_NESTED_TEXT_RE``)
    or a string of another namespace."""
    path = _FIXED_PARTS["sharedStrings"]
    if path not in archive.namelist():
        return
    tail = b""
    prefix: bytes | None = None
    others: list[bytes] = []  # prefixes of other namespaces the table's root declares
    with archive.open(path) as handle:
        while chunk := handle.read(_CHUNK):
            data = tail + chunk
            if prefix is None and b"xmlns:" in data:  # (<x:t>, as the .NET SDK writes)
                found = _PREFIXED_MAIN_RE.findall(data)
                prefix = found[0] if found else b""
            if prefix:
                data = _unprefixed(data, prefix)
            start = 0
            if not tail and (root := _SST_ROOT_RE.search(data)) is not None and \
                    root.start() < 200:  # (after an XML declaration at most)
                start = root.end()
                others = [p for p in _DECLARED_PREFIX_RE.findall(root.group()) if p != prefix]
            # A string of another namespace: the cell reader counts it, Excel and
            # LibreOffice skip it, so every index after it names another string.
            if _markup(data[start:], b"xmlns", _DECLARATION_RE) or any(
                    b"<" + p + b":" in data for p in others):
                _refuse_foreign(name, "the shared-string table (xl/sharedStrings.xml)",
                                "a string")
            cut = data.rfind(b"</si>")  # a string's text never split across the search
            body, tail = (data[:cut], data[cut:]) if cut > 0 else (b"", data)
            if _NESTED_TEXT_RE.search(body):
                break
        else:
            if not _NESTED_TEXT_RE.search(tail):
                return
    raise IngestError(name, "refused: the workbook's shared-string table writes a text "
                      "element inside another, which Excel never writes; programs differ in "
                      "what they show for it, so cells' values are in doubt. Open the file "
                      "in Excel and save it as .xlsx again")


def _unprefixed(body: bytes, prefix: bytes) -> bytes:
    """The sheet's tags without the prefix of its namespace: ``<x:c r="A1">`` as ``<c ...>``."""
    return body.replace(b"<" + prefix + b":", b"<").replace(b"</" + prefix + b":", b"</")


def scan_sheet(archive: zipfile.ZipFile, sheet: str, name: str) -> SheetScan:
    """The sheet's extent and value-less formula cells, refusing a sheet whose bounding box
    exceeds MAX_COLUMNS or MAX_CELLS (by its declared dimension or by its real cells)."""
    scan = SheetScan()
    xml_path = sheet_xml_path(archive, sheet, name)
    if xml_path is None or xml_path not in archive.namelist():
        # Never screened unchecked (s26 hunt: a part the checks did not find was read).
        raise IngestError(name, "refused: hkscreen cannot find this sheet's XML in the "
                          "package to check it (the workbook's list of sheets or its "
                          "relationships do not lead to it); open the file in Excel and "
                          "save it as .xlsx again", sheet=sheet)
    every_formula, scan.date1904 = workbook_flags(archive, name)
    dayless = dayless_date_styles(archive, name)
    masking = masking_styles(archive, name)
    cf_masking, cf_dayless = conditional_formats(archive, name)
    after_data: list[bytes] | None = None  # the sheet's XML after its cells
    formulas = _Formulas()
    max_row = max_col = row_tags = 0
    numbers = array("q")  # every <row r="...">, to find one written twice
    far = ""
    first = True
    prefix: bytes | None = None
    declared: set[bytes | None] = set()  # namespace prefixes the sheet XML declares
    sheet_data = 0  # <sheetData> elements
    in_cells = False  # the table of cells has begun
    _check_shared_text(archive, name)
    with archive.open(xml_path) as handle:
        for piece in _whole_rows(handle):
            body = piece
            found = _check_plain_xml(body, name, sheet)
            if found is not None and prefix is not None and found != prefix:
                raise IngestError(name, "refused: the sheet's XML binds its namespace to more "
                                  "than one prefix; open the file in Excel and save it as "
                                  ".xlsx again", sheet=sheet)
            prefix = prefix or found
            if prefix is not None:
                body = _unprefixed(body, prefix)
            # (An inline-text cell with a value element: ``repeated_cell``, s26; its pattern
            # here was a third of this scan's time in a sheet of inline text.)
            if b"xmlns" in body:
                declared.update(_DECLARED_PREFIX_RE.findall(body))
            sheet_data += body.count(b"<sheetData")
            if after_data is None:
                end = body.find(b"</sheetData>")
                part = body if end < 0 else body[:end]
                before = b""
                if not in_cells and (start := part.find(b"<sheetData")) >= 0:
                    before, part, in_cells = part[:start], part[start:], True
                if in_cells:
                    _check_cell_markup(part, declared - {prefix}, sheet_data, name, sheet,
                                       before)
                elif _markup(part, b"AlternateContent", _ALTERNATE_RE):  # (around the cells)
                    _check_cell_markup(b"", set(), sheet_data, name, sheet, part)
            elif b"<sheetData" in body:
                _check_cell_markup(b"", set(), sheet_data, name, sheet)
            if first:
                first = False
                if match := _DIMENSION_RE.search(body):
                    letters = match.group(1).decode().upper()
                    row = _row_number(match.group(2))
                    _check_extent(name, sheet, row, column_index(letters) + 1,
                                  _ref_text(letters, row),
                                  "declares its size as reaching")
            top = _highest_row(body, max_row)
            if top > max_row:
                max_row, far = top, f"row {_row_text(top)}"
            tags = body.count(b"<row")
            row_tags += tags
            found = _ROW_R_FIRST_RE.findall(body)  # as Excel writes them; else any order
            numbers.extend(map(int, found if len(found) == tags else
                               _ROW_TAG_RE.findall(body)))
            for two, letters, row in set(_LETTERS_RE.findall(body)):
                if two:
                    max_col = max(max_col, column_index(two.decode().upper()) + 1)
                    continue
                col = column_index(letters.decode().upper()) + 1
                if col > max_col:
                    far = _ref_text(letters.decode().upper(), _row_number(row))
                    max_col = col
            # Cells placed by position (no reference): counted per row, only when the chunk
            # has more cell tags than references (each count is a pass over the chunk).
            referenced = body.count(b'<c r="')
            # (A cell tag may be followed by any XML white space: "<c\n", "<c\t".)
            if body.count(b"<c") > referenced and \
                    len(_CELL_TAG_RE.findall(body)) > referenced:
                for segment in body.split(b"<row")[1:]:
                    max_col = max(max_col, len(_CELL_TAG_RE.findall(segment)))
            if b"<f" in body:
                _formula_cells(body, scan.formula_cells, formulas)
            if b't="e"' in body:
                _error_cells(body, scan.error_cells)
            if b"<mergeCell" in body:
                _merged_cells(body, scan.merged_cells, name, sheet)
            if dayless and b's="' in body:
                _dayless_cells(body, dayless, scan.dayless_cells)
            if masking and b's="' in body:
                _masked_cells(body, masking, scan.masked_cells)
            if after_data is not None:
                after_data.append(body)
            elif (end := body.find(b"</sheetData>")) >= 0:
                after_data = [body[end:]]
            # (Loosely counted: a count too high only costs ``repeated_cell`` its pass.
            # Empty value elements count: the reader shows none for them, so a cell of an
            # empty value and a full one (s26) falls short and is looked at.)
            scan.value_tags += body.count(b"<v") + body.count(b"<is")
    if any(a >= b for a, b in itertools.pairwise(numbers)):  # Excel writes ascending
        twice = sorted(n for n, c in Counter(numbers).items() if c > 1)
        if twice:
            raise IngestError(name, f"refused: the sheet's XML writes row {twice[0]:,} "
                              f"{'and others ' if len(twice) > 1 else ''}twice, which Excel "
                              f"never does; a reader shows one copy and the other's cells "
                              f"would go unscreened. Open the file in Excel and save it as "
                              f".xlsx again", sheet=sheet)
    if formulas.unplaced:
        raise IngestError(name, "refused: the sheet has formula cells written without a cell "
                          "reference, which Excel never does and hkscreen's check of "
                          "formula values cannot place; open the file in Excel and save it "
                          "as .xlsx again", sheet=sheet)
    if after_data and (cf_masking or cf_dayless or b"formatCode" in b"".join(after_data)):
        _conditional_cells(b"".join(after_data), cf_masking, cf_dayless, scan,
                           max(max_row, row_tags), max(max_col, 26), name, sheet)
    scan.formula_cells.update(_array_cells(formulas.valueless_arrays, name, sheet))
    if every_formula or formulas.volatile or (
            formulas.with_values and volatile_elsewhere(archive, xml_path, name)):
        why_not_volatile = every_formula or DEPENDS
        _spread_arrays(formulas, name, sheet)
        scan.stale_cells = {where: (text, VOLATILE if _VOLATILE_RE.search(text.encode())
                                    else why_not_volatile)
                            for where, text in formulas.with_values.items()}
    scan.formula_cells |= set(scan.error_cells) | set(scan.stale_cells)
    max_row = max(max_row, row_tags)
    scan.rows, scan.columns, scan.far_cell = max_row, max(max_col, 26), far
    _drawn_cells(archive, xml_path, name, sheet, scan)
    _commented(archive, xml_path, name, scan)
    _check_extent(name, sheet, max_row, scan.columns, far, "has a cell at")
    return scan


#: Row and cell start tags (not <col>, <cfRule>) with their attributes, in file order.
_ROW_OR_CELL_RE = re.compile(rb"<(row|c|v|is)\b([^>]*)>")
_ANY_REF_RE = re.compile(rb'\sr="([A-Za-z]{1,3})([0-9]{1,7})"')
_ANY_ROW_R_RE = re.compile(rb'\sr="([0-9]{1,7})"')


#: What ``repeated_cell`` found wrong with a cell.
TWICE, TWO_VALUES, INLINE_WITH_VALUE = "twice", "two values", "inline with value"
_INLINE_TYPE_RE = re.compile(rb"""\st\s*=\s*["']inlineStr["']""")


def repeated_cell(archive: zipfile.ZipFile, sheet: str, name: str, width: int = 64
                  ) -> tuple[str, int, str] | None:
    """The first cell the sheet XML writes twice (TWICE), gives two values (TWO_VALUES), or
    types as inline text and gives a value element (INLINE_WITH_VALUE): ("C3", its row,
    which), placed as the cell reader places cells (by reference, else after the previous
    cell or row), or None. Excel never writes any of them; the cell reader and LibreOffice
    show the last copy, and the copy another program shows is anyone's guess (s25 hunt: a
    second C3 of "Germany" after "Hong Kong", or one in another row's element, made a
    military end user's line CLEAR; s26: a cell of two <v> elements, "3A001" and "EAR99",
    read as the second); the reader shows an inline cell's text or nothing (s23 hunt: an
    ultimate destination written as a value read as empty, the line CLEAR). One pass over
    every cell, marking each in a bitmap ``width`` columns wide (cells beyond in a set): run
    only when the values read fall short of ``SheetScan.value_tags``, as they do for each
    of these."""
    xml_path = sheet_xml_path(archive, sheet, name)
    if xml_path is None or xml_path not in archive.namelist():
        return None
    prefix = None
    width = max(width, 1) + 1
    seen = bytearray()
    beyond: set[tuple[int, int]] = set()
    # The row element's number (its own, else the previous element's plus one) places a
    # cell without a reference; a reference places its cell wherever it points.
    element = row = col = values = 0
    inline = False
    tail = b""
    with archive.open(xml_path) as handle:
        while chunk := handle.read(_CHUNK):
            data = tail + chunk
            cut = data.rfind(b">")
            body, tail = (data[: cut + 1], data[cut + 1:]) if cut >= 0 else (b"", data)
            if prefix is None and b"xmlns:" in body:
                found = _PREFIXED_MAIN_RE.findall(body)
                prefix = found[0] if found else None
            if prefix is not None:
                body = _unprefixed(body, prefix)
            for tag, attributes in _ROW_OR_CELL_RE.findall(body):
                if tag in (b"v", b"is"):
                    values += 1
                    if inline and tag == b"v":
                        return _ref_text(column_letter(col - 1), row), row, \
                            INLINE_WITH_VALUE
                    if values > 1:  # (an empty one too: which one shows is a guess)
                        return _ref_text(column_letter(col - 1), row), row, TWO_VALUES
                    continue
                values = 0
                inline = tag == b"c" and _INLINE_TYPE_RE.search(attributes) is not None
                if tag == b"row":
                    number = _ANY_ROW_R_RE.search(b" " + attributes)
                    element = int(number.group(1)) if number else element + 1
                    row, col = element, 0
                    continue
                ref = _ANY_REF_RE.search(b" " + attributes)
                if ref is not None:
                    col = column_index(ref.group(1).decode().upper()) + 1
                    row = int(ref.group(2))
                else:
                    col += 1
                if col < width:
                    at, bit = divmod(row * width + col, 8)
                    if at >= len(seen):  # grown by doubling: rows come in order
                        seen.extend(bytes(max(at + 1 - len(seen), len(seen))))
                    repeated = seen[at] & (1 << bit)
                    seen[at] |= 1 << bit
                else:
                    repeated = (row, col) in beyond
                    beyond.add((row, col))
                if repeated:
                    return _ref_text(column_letter(col - 1), row), row, TWICE
    return None


#: How far from a chunk's end its last reference is looked for.
_TAIL = 4096
#: Row numbers of more digits than this (far beyond any sheet that can pass the extent
#: check) are not proved by ``_above``: its pattern grows with the square of the digits, so
#: a small crafted file naming 3,000-digit rows would cost minutes. Every number is read.
_SHORTCUT_DIGITS = 9


def _highest_row(body: bytes, floor: int) -> int:
    """The highest row number a reference in ``body`` names, or ``floor`` if higher.

    Excel writes rows in ascending order, so the last reference of a chunk names its highest
    row: one search for a reference naming any row above that (``_above``) proves it without
    making an object per reference (a 100,000-row sheet has 1.3 million). If one is found (a
    sheet written out of order, or a stray far cell), every number is read."""
    tail = deque(_ROW_NUMBER_RE.finditer(body, max(0, len(body) - _TAIL)), maxlen=1)
    digits = tail[0].group(1) if tail else b"0"
    if len(digits) <= _SHORTCUT_DIGITS:
        bound = max(floor, int(digits))
        if bound < 10 ** _SHORTCUT_DIGITS and _above(bound).search(body) is None:
            return bound
    return max(floor, max(map(_row_number, set(_ROW_NUMBER_RE.findall(body))), default=0))


#: Row digits read exactly; a row number of more counts as ``_FAR_ROW``: beyond any extent
#: read, refused. (Python will not even convert a number of over 4,300 digits.)
_MAX_ROW_DIGITS = 15
_FAR_ROW = 10 ** _MAX_ROW_DIGITS


def _row_number(digits: bytes) -> int:
    """A reference's row number; ``_FAR_ROW`` for one of more than ``_MAX_ROW_DIGITS``."""
    return int(digits) if len(digits) <= _MAX_ROW_DIGITS else _FAR_ROW


def _row_text(row: int) -> str:
    return str(row) if row < _FAR_ROW else "N (N: a number of more than 15 digits)"


def _ref_text(letters: str, row: int) -> str:
    """A cell reference for a message: too many column letters shown by their count."""
    if len(letters) <= _MAX_LETTERS:
        return f"{letters}{_row_text(row)}"
    return f"{letters[:3]}...{_row_text(row)} (a column of {len(letters):,} letters)"


@functools.lru_cache(maxsize=64)
def _above(bound: int) -> re.Pattern[bytes]:
    """A pattern finding a reference (as ``_ROW_NUMBER_RE`` reads them) whose row number is
    above ``bound``: more digits, or as many and greater (compared digit by digit). Leading
    zeros can only make a number look greater: then every number is read."""
    digits = str(bound)
    size = len(digits)
    greater = [f"[0-9]{{{size + 1},}}"]
    for i, digit in enumerate(digits):
        if digit != "9":
            rest = size - i - 1
            greater.append(f"{digits[:i]}[{int(digit) + 1}-9]" + (f"[0-9]{{{rest}}}" if rest
                                                                 else ""))
    return re.compile(f'r="[A-Za-z]*(?:{"|".join(greater)})"'.encode())


def _check_extent(name: str, sheet: str, rows: int, cols: int, ref: str, how: str) -> None:
    if cols > MAX_COLUMNS or rows * cols > MAX_CELLS:
        # A reference beyond any sheet counts as far (``_FAR_ROW``, ``_FAR_COLUMN``): its
        # size is not a number to state.
        size = "beyond any sheet Excel can hold" if rows >= _FAR_ROW or \
            cols > _FAR_COLUMN else f"{cols:,} columns x {rows:,} rows = {rows * cols:,} cells"
        raise IngestError(
            name, f"refused: the sheet {how} {ref or 'its last cell'} ({size}); hkscreen "
            f"reads at most {MAX_COLUMNS:,} columns and {MAX_CELLS:,} cells. Delete the "
            f"stray cells beyond the data (Ctrl+End in Excel shows the last one) and save "
            f"again", sheet=sheet)


#: An error cell's text when it holds no value element.
NO_ERROR_VALUE = "an error"


def _error_cells(body: bytes, found: dict[tuple[int, int], str]) -> None:
    """Cells of type "e": an error value (#N/A, #DIV/0!...), which the cell reader hands over
    as an empty cell. Such a cell never reads as blank: its row's line is ERROR."""
    for match in _CELL_RE.finditer(body):
        attributes = match.group(1)
        if not _ERROR_TYPE_RE.search(attributes):
            continue
        ref = _REF_RE.search(attributes)
        if ref:
            value = _ERROR_VALUE_RE.search(match.group(2) or b"")
            text = value.group(1).decode("utf-8", "replace") if value else NO_ERROR_VALUE
            found[(_row_number(ref.group(2)),
                   column_index(ref.group(1).decode().upper()))] = text


VOLATILE, RECALCULATES, DEPENDS = "volatile", "recalculates", "depends"
OLDER_ENGINE = "older engine"


@dataclass
class _Formulas:
    """Formula cells seen so far in a sheet's XML (across its chunks)."""

    #: (row, 0-based col) of each formula cell with a cached value: its formula (a shared
    #: formula's cells: the first cell's)
    with_values: dict[tuple[int, int], str] = field(default_factory=dict)
    #: shared formulas by their si: their text
    shared: dict[bytes, str] = field(default_factory=dict)
    volatile: bool = False  # a volatile function anywhere in the sheet
    unplaced: bool = False  # a formula cell without a cell reference
    #: array formulas: (their range, "C2:C9", their formula)
    arrays: list[tuple[str, str]] = field(default_factory=list)
    #: the ranges of array formulas saved without a value
    valueless_arrays: list[str] = field(default_factory=list)


_SHARED_RE = re.compile(rb'\bt="shared"')
_ARRAY_RE = re.compile(rb'\bt="array"')
_ARRAY_REF_RE = re.compile(rb'\bref="([A-Za-z]+[0-9]+(?::[A-Za-z]+[0-9]+)?)"')
#: Cells of array formulas taken as formula cells at most (each is a dictionary entry).
MAX_ARRAY_CELLS = 1_000_000
_SI_RE = re.compile(rb'\bsi="([0-9]+)"')
_F_OPEN_RE = re.compile(rb"<f\b([^>]*?)(?:/>|>([^<]*)</f>)")


def _spread_arrays(formulas: _Formulas, name: str, sheet: str) -> None:
    """The cells of each array formula's range, as formula cells with its formula."""
    for span, text in formulas.arrays:
        for where in _array_cells([span], name, sheet):
            formulas.with_values.setdefault(where, text)


def _array_cells(spans: list[str], name: str, sheet: str) -> Iterator[tuple[int, int]]:
    """(row, 0-based col) of every cell of the array formulas' ranges ``spans``; refuses
    more than MAX_ARRAY_CELLS of them."""
    count = 0
    for span in spans:
        first, _, last = span.partition(":")
        (r1, c1), (r2, c2) = _cell_at(first), _cell_at(last or first)
        count += (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
        if count > MAX_ARRAY_CELLS:
            raise IngestError(name, f"refused: array formulas cover more than "
                              f"{MAX_ARRAY_CELLS:,} cells of a sheet whose formula values "
                              f"may not be what Excel shows", sheet=sheet)
        for row in range(min(r1, r2), max(r1, r2) + 1):
            for col in range(min(c1, c2), max(c1, c2) + 1):
                yield row, col


def _cell_at(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    return _row_number(ref[len(letters):].encode()), column_index(letters)


def _dayless_cells(body: bytes, dayless: dict[bytes, str],
                   found: dict[tuple[int, int], str]) -> None:
    """Cells holding a value under a style that shows a date without its day (a formatted
    empty cell shows nothing: it is no date). A cell written without a reference is
    passed over."""
    for attributes, content in _CELL_RE.findall(body):
        if (code := _style_of(attributes, dayless)) is None \
                or not content or b"<v" not in content:
            continue
        ref = _REF_RE.search(attributes)
        if ref is not None:
            found[(int(ref.group(2)), column_index(ref.group(1).decode().upper()))] = code


def _masked_cells(body: bytes, masking: dict[bytes, str],
                  found: dict[tuple[int, int], str]) -> None:
    """Text cells (shared, inline or a formula's) under a style whose format shows other
    text than they hold."""
    for attributes, content in _CELL_RE.findall(body):
        if (code := _style_of(attributes, masking)) is None or not content \
                or not any(kind in attributes for kind in (b't="s"', b't="str"',
                                                           b't="inlineStr"')):
            continue
        ref = _REF_RE.search(attributes)
        if ref is not None:
            found[(int(ref.group(2)), column_index(ref.group(1).decode().upper()))] = code


def _merged_cells(body: bytes, found: dict[tuple[int, int], str], name: str,
                  sheet: str) -> None:
    for one_col, one_row, other_col, other_row in _MERGE_RE.findall(body):
        # (Either corner may come first: "E4:E2" is the range "E2:E4".)
        (left, first_col), (right, last_col) = sorted(
            (column_index(c.decode().upper()), c) for c in (one_col, other_col))
        top, bottom = sorted((int(one_row), int(other_row)))
        if (bottom - top + 1) * (right - left + 1) + len(found) > MAX_MERGED_CELLS:
            raise IngestError(name, f"refused: the sheet's merged cells cover more than "
                              f"{MAX_MERGED_CELLS:,} cells; unmerge them (Home > Merge & "
                              f"Center > Unmerge Cells) and save again", sheet=sheet)
        text = f"{first_col.decode().upper()}{top}:{last_col.decode().upper()}{bottom}"
        for row in range(top, bottom + 1):
            for col in range(left, right + 1):
                if (row, col) != (top, left):
                    found[(row, col)] = text


def _formula_cells(body: bytes, found: set[tuple[int, int]], formulas: _Formulas) -> None:
    """Formula cells without a cached value into ``found``; those with one into
    ``formulas`` (whether their value can be trusted is known once the whole sheet is)."""
    for match in _CELL_RE.finditer(body):
        inner = match.group(2)
        if inner is None or b"<f" not in inner:
            continue
        ref = _REF_RE.search(match.group(1))
        if not ref:  # placed by position: the checks below could not say where
            formulas.unplaced = True
            continue
        where = (_row_number(ref.group(2)), column_index(ref.group(1).decode().upper()))
        formula = _F_OPEN_RE.search(inner)
        if not _VALUE_RE.search(inner) and not (
                _STR_TYPE_RE.search(match.group(1)) and _EMPTY_VALUE_RE.search(inner)):
            found.add(where)
            if formula and _ARRAY_RE.search(formula.group(1)) and \
                    (span := _ARRAY_REF_RE.search(formula.group(1))):
                # Its range's other cells show its values in Excel but are empty in the
                # file (s23 hunt: read as blank, those lines were CLEAR).
                formulas.valueless_arrays.append(span.group(1).decode().upper())
            continue
        text = html.unescape((formula.group(2) or b"").decode("utf-8", "replace")) \
            if formula else ""
        if formula and _SHARED_RE.search(formula.group(1)):
            si = _SI_RE.search(formula.group(1))
            key = si.group(1) if si else b""
            if text:  # the shared formula's first cell gives it for the others
                formulas.shared[key] = text
            else:
                text = formulas.shared.get(key, "")
        if _VOLATILE_RE.search(text.encode()):
            formulas.volatile = True
        formulas.with_values[where] = text[:200]
        if formula and _ARRAY_RE.search(formula.group(1)):
            # An array formula (or a dynamic array's spill) is written in its first cell
            # only; the other cells of its range hold just their values.
            span = _ARRAY_REF_RE.search(formula.group(1))
            if span:
                formulas.arrays.append((span.group(1).decode().upper(), text[:200]))
