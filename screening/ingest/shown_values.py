"""How many cells of a sheet certainly show a value: the backstop behind the checks of
sheet XML the cell reader could read differently from Excel.

The cell reader (python-calamine) shows one value per cell. A cell whose value holds a
character other than white space shows one in any reader; if the reader showed fewer values
than that, some value in the XML never reached the screening (s26 hunt: a second table of
cells, a Fallback choice, each left a 3A001 line unread while the line before was CLEAR).
The checks of ``xlsx_package`` name each such construct they know; this counts, so one they
do not know cannot pass. Counted only when the reader showed fewer values than the sheet
XML's value elements (``SheetScan.value_tags``), which is rare: a second pass over the XML.
"""

from __future__ import annotations

import html
import re
import zipfile
from xml.etree import ElementTree

from screening.ingest.errors import IngestError
from screening.ingest.xlsx_package import (
    _CHUNK,
    _FIXED_PARTS,
    _PREFIXED_MAIN_RE,
    _unprefixed,
    sheet_xml_path,
)

#: A cell, self-closed or with its content (prefixes of the sheet's namespace already gone).
_CELL_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_TYPE_RE = re.compile(rb"""\st\s*=\s*["']([^"']*)["']""")
_VALUE_RE = re.compile(rb"<v(?:\s[^>]*)?>([^<]*)</v>")
#: A text element's content, not a phonetic run's (``<rPh>``: readers do not show it).
_PHONETIC_RE = re.compile(rb"<rPh\b.*?</rPh>", re.DOTALL)
_TEXT_RE = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")
_CDATA_RE = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)


def _has_text(raw: bytes) -> bool:
    """Whether XML character data holds a character other than white space."""
    if not raw.strip():
        return False
    if b"&" not in raw:
        return True
    return bool(html.unescape(raw.decode("utf-8", "replace")).strip())


def _inline_has_text(content: bytes) -> bool:
    content = _CDATA_RE.sub(lambda m: html.escape(m.group(1).decode("utf-8", "replace"))
                            .encode(), content)
    return any(map(_has_text, _TEXT_RE.findall(_PHONETIC_RE.sub(b"", content))))


def blank_shared_strings(archive: zipfile.ZipFile, path: str, name: str) -> set[int]:
    """Indexes of the shared strings showing nothing (no character but white space)."""
    blank: set[int] = set()
    if path not in archive.namelist():
        return blank
    try:
        index = 0
        with archive.open(path) as handle:
            for _event, node in ElementTree.iterparse(handle):
                tag = node.tag.rpartition("}")[2]
                if tag != "si":
                    continue
                texts = [t.text or "" for t in node.iter()
                         if t.tag.rpartition("}")[2] == "t" and not _in_phonetic(node, t)]
                if not "".join(texts).strip():
                    blank.add(index)
                index += 1
                node.clear()
    except ElementTree.ParseError as exc:
        raise IngestError(name, f"the workbook is damaged: {path} is not well-formed XML "
                          f"({exc})") from None
    return blank


def _in_phonetic(item: ElementTree.Element, text: ElementTree.Element) -> bool:
    return any(text in list(run.iter()) for run in item
               if run.tag.rpartition("}")[2] == "rPh")


def certain_values(archive: zipfile.ZipFile, sheet: str, name: str) -> int:
    """Cells of the sheet whose value shows a character other than white space in any
    reader: a shared string showing one, inline text, or a value element (an error value
    aside: the reader shows it as empty)."""
    xml_path = sheet_xml_path(archive, sheet, name)
    if xml_path is None or xml_path not in archive.namelist():
        return 0
    blank_strings = blank_shared_strings(archive, _FIXED_PARTS["sharedStrings"], name)
    count = 0
    tail = b""
    prefix: bytes | None = None
    inside = False  # the chunk before ended in a table of cells
    with archive.open(xml_path) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            data = tail + chunk
            if chunk:  # whole rows only: a cell is never cut
                cut = data.rfind(b"</row>")
                if cut < 0:
                    tail = data
                    continue
                body, tail = data[:cut], data[cut:]
            else:
                body, tail = data, b""
            if prefix is None and b"xmlns:" in body:
                found = _PREFIXED_MAIN_RE.findall(body)
                prefix = found[0] if found else b""
            if prefix:
                body = _unprefixed(body, prefix)
            # The cells of every table of cells (the reader reads the first only).
            for part in body.split(b"<sheetData")[0 if inside else 1:]:
                end = part.find(b"</sheetData>")
                count += _count(part if end < 0 else part[:end], blank_strings)
                inside = end < 0
            if not chunk:
                return count


def _count(body: bytes, blank_strings: set[int]) -> int:
    count = 0
    for attributes, content in _CELL_RE.findall(body):
        if not content:
            continue
        kind = _TYPE_RE.search(attributes)
        typ = kind.group(1) if kind else b"n"
        if typ == b"inlineStr":
            count += _inline_has_text(content)
            continue
        if typ == b"e":
            continue
        value = _VALUE_RE.search(content)
        if value is None or not _has_text(value.group(1)):
            continue
        if typ == b"s":
            try:
                count += int(value.group(1)) not in blank_strings
            except ValueError:  # not an index: the reader refuses the cell
                count += 1
            continue
        count += 1
    return count
