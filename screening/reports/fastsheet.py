"""A fast path for the one huge worksheet (Lines): its rows are written as sheet XML directly
and spliced into the workbook that xlsxwriter produced.

xlsxwriter spends about 4 µs per cell; a 100,000-line run has over two million cells. Here a
cell costs a string format. Everything else (styles, column widths, frozen panes, autofilter,
print set-up) still comes from xlsxwriter: the sheet is created there with its header row and
one probe row whose cells carry each style we need, and the probe row tells us the style
indexes to use. Text is written as inline strings, so it can never be a formula.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from screening.ingest.readers import column_letter
from screening.reports.canonical import CellDigest, cell_text
from screening.reports.package import DeflatedRows, ZipWriter, crc32_combine, deflate

_EPOCH = dt.datetime(1899, 12, 30)
_encode = json.JSONEncoder(ensure_ascii=False).encode
#: Characters XML cannot carry (and CR, which XML turns into LF), as xlsxwriter escapes them.
_CTRL_RE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
#: Text that reads as an escape is itself escaped ("_x000B_" -> "_x005F_x000B_").
_LITERAL_RE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_PROBE_CELL_RE = re.compile(r'<c r="([A-Z]+)2" s="(\d+)"')
_ROW_RE = re.compile(r'<row r="2"[^>]*>.*?</row>', re.DOTALL)
_DIMENSION_RE = re.compile(r'<dimension ref="[^"]*"/>')


def column_letters(count: int) -> list[str]:
    return [column_letter(i) for i in range(count)]


def escape(text: str) -> str:
    """Text for a ``<t>`` element, as xlsxwriter writes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "_x" in text:
        text = _LITERAL_RE.sub("_x005F_", text)
    if _CTRL_RE.search(text):  # in Excel's own escape form, as xlsxwriter writes them
        text = _CTRL_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def inline_text(text: str) -> str:
    """The ``<is>`` element of an inline string cell, as xlsxwriter writes it: whitespace at
    either end of the escaped text is preserved."""
    text = escape(text)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<is><t{space}>{text}</t></is>"


class TextSink(Protocol):
    def write(self, text: str, /) -> object: ...


class RowWriter:
    """Streams ``<row>`` elements to ``handle`` and, given a ``digest``, hashes each row into
    it in the same pass (as ``CellDigest.row`` would). A text value's cell is rendered once
    and reused (values repeat heavily: countries, ECCNs, verdicts, names)."""

    CACHE = 100_000  # distinct texts kept
    BATCH = 1000  # rows handed over at once

    def __init__(self, handle: TextSink, width: int, styles: dict[str, int],
                 digest: CellDigest | None = None, sheet: str = "Lines"):
        self.handle = handle
        self.cols = column_letters(width)
        self.styles = styles
        self.digest = digest
        self.sheet = sheet
        self.rows = 0
        #: text -> the rest of its cell after the column letter and row number
        self._texts: dict[str, str] = {}
        self._dates: dict[dt.date, tuple[str, str]] = {}
        self._out: list[str] = []
        self._hashed: list[str] = []
        self._first: int | None = None
        self._last = -1

    def _text_cell(self, value: str, style: int) -> str:
        return f'" s="{style}" t="inlineStr">{inline_text(value)}</c>'

    def write(self, r: int, values: list[object], verdict_col: int | None = None) -> None:
        n = str(r)
        parts = [f'<row r="{n}">']
        texts: list[str] = []
        cols, styles = self.cols, self.styles
        cache = self._texts
        for index, value in enumerate(values):
            if value.__class__ is str:
                texts.append(value)  # type: ignore[arg-type]
                if not value:
                    continue
                if index == verdict_col:
                    suffix = self._text_cell(value, styles.get(f"v:{value}",  # type: ignore[arg-type]
                                                               styles["text"]))
                else:
                    suffix = cache.get(value)  # type: ignore[arg-type]
                    if suffix is None:
                        suffix = self._text_cell(value, styles["text"])  # type: ignore[arg-type]
                        if len(cache) >= self.CACHE:
                            cache.clear()
                        cache[value] = suffix  # type: ignore[index]
                parts.append(f'<c r="{cols[index]}{n}{suffix}')
            elif value is None:
                texts.append("")
            elif value is True or value is False:
                texts.append(cell_text(value))
                parts.append(f'<c r="{cols[index]}{n}" s="{styles["num"]}" t="b">'
                             f"<v>{int(value)}</v></c>")
            elif isinstance(value, int | float):
                texts.append(cell_text(value))
                parts.append(f'<c r="{cols[index]}{n}" s="{styles["num"]}"><v>{value!r}</v></c>')
            elif isinstance(value, dt.datetime):
                texts.append(cell_text(value))
                serial = (value - _EPOCH).total_seconds() / 86400
                parts.append(f'<c r="{cols[index]}{n}" s="{styles["datetime"]}">'
                             f"<v>{serial!r}</v></c>")
            elif isinstance(value, dt.date):
                known = self._dates.get(value)
                if known is None:
                    serial = (value - _EPOCH.date()).days
                    known = self._dates[value] = (
                        cell_text(value), f'" s="{styles["date"]}"><v>{serial}</v></c>')
                texts.append(known[0])
                parts.append(f'<c r="{cols[index]}{n}{known[1]}')
            else:
                text = str(value)
                texts.append(cell_text(value))
                if text:
                    parts.append(f'<c r="{cols[index]}{n}{self._text_cell(text, styles["text"])}')
        parts.append("</row>")
        self._out.append("".join(parts))
        self.rows += 1
        if self.digest is not None:
            while texts and not texts[-1]:
                texts.pop()
            if texts:
                if self._first is None:
                    self._first = r - 1
                self._last = r - 1
                self._hashed.append(f"{_encode([r - 1, texts])}\n")
        if len(self._out) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self._out:
            self.handle.write("".join(self._out))
            self._out = []
        if self._hashed and self.digest is not None and self._first is not None:
            self.digest.encoded_rows(self.sheet, self._first, self._last,
                                     "".join(self._hashed))
            self._hashed = []
            self._first = None


def probe_styles(xlsx: Path, sheet_xml: str, names: list[str]) -> dict[str, int]:
    """Style index of each probe cell in row 2 (``names`` in column order A, B, ...)."""
    with zipfile.ZipFile(xlsx) as archive:
        xml = archive.read(sheet_xml).decode("utf-8")
    found = dict(_PROBE_CELL_RE.findall(xml))
    letters = column_letters(len(names))
    return {name: int(found.get(letter, "0")) for name, letter in zip(names, letters,
                                                                       strict=True)}


def splice_rows(xlsx: Path, sheets: dict[str, tuple[DeflatedRows, str]]) -> None:
    """Replace the probe row of each sheet XML named in ``sheets`` with its rows (compressed
    already); its dimension becomes ``A1:<last cell>``. The rows are not compressed again:
    the member is the sheet's head, the rows and its tail as one deflate stream."""
    tmp = xlsx.with_name(xlsx.name + ".splice")
    out = ZipWriter(tmp)
    try:
        with zipfile.ZipFile(xlsx) as source:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename not in sheets:
                    out.add(info.filename, data, info.date_time)
                    continue
                rows, last_ref = sheets[info.filename]
                xml = data.decode("utf-8")
                match = _ROW_RE.search(xml)
                if match is None:
                    raise ValueError(f"{info.filename}: probe row not found")
                head = _DIMENSION_RE.sub(f'<dimension ref="A1:{last_ref}"/>',
                                         xml[: match.start()]).encode("utf-8")
                tail = xml[match.end():].encode("utf-8")
                crc = zlib.crc32(tail, crc32_combine(zlib.crc32(head), rows.crc, rows.size))
                out.add_deflated(info.filename, info.date_time, crc,
                                 len(head) + rows.size + len(tail),
                                 [deflate(head, 1, final=False), rows.path, deflate(tail, 1)])
        out.close()
    except BaseException:
        out.abort()
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(xlsx)


@contextmanager
def deflated_rows(folder: Path, count: int) -> Iterator[list[DeflatedRows]]:
    """``count`` row streams for sheets written as XML, their files removed afterwards."""
    streams: list[DeflatedRows] = []
    try:
        for _ in range(count):
            streams.append(DeflatedRows(folder))
        yield streams
    finally:
        for stream in streams:
            stream.discard()
