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
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from screening.ingest.readers import column_letter

_EPOCH = dt.datetime(1899, 12, 30)
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


class RowWriter:
    """Streams ``<row>`` elements to a temporary file."""

    def __init__(self, handle: IO[str], width: int, styles: dict[str, int]):
        self.handle = handle
        self.cols = column_letters(width)
        self.styles = styles
        self.rows = 0

    def write(self, r: int, values: list[object], verdict_col: int | None = None) -> None:
        parts = [f'<row r="{r}">']
        cols, styles = self.cols, self.styles
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            ref = f"{cols[index]}{r}"
            if value.__class__ is str:
                style = styles.get(f"v:{value}", styles["text"]) if index == verdict_col \
                    else styles["text"]
                parts.append(f'<c r="{ref}" s="{style}" t="inlineStr">'
                             f"{inline_text(value)}</c>")  # type: ignore[arg-type]
            elif value is True or value is False:
                parts.append(f'<c r="{ref}" s="{styles["num"]}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                parts.append(f'<c r="{ref}" s="{styles["num"]}"><v>{value!r}</v></c>')
            elif isinstance(value, dt.datetime):
                serial = (value - _EPOCH).total_seconds() / 86400
                parts.append(f'<c r="{ref}" s="{styles["datetime"]}"><v>{serial!r}</v></c>')
            elif isinstance(value, dt.date):
                serial = (value - _EPOCH.date()).days
                parts.append(f'<c r="{ref}" s="{styles["date"]}"><v>{serial}</v></c>')
            else:
                parts.append(f'<c r="{ref}" s="{styles["text"]}" t="inlineStr">'
                             f"{inline_text(str(value))}</c>")
        parts.append("</row>")
        self.handle.write("".join(parts))
        self.rows += 1


def probe_styles(xlsx: Path, sheet_xml: str, names: list[str]) -> dict[str, int]:
    """Style index of each probe cell in row 2 (``names`` in column order A, B, ...)."""
    with zipfile.ZipFile(xlsx) as archive:
        xml = archive.read(sheet_xml).decode("utf-8")
    found = dict(_PROBE_CELL_RE.findall(xml))
    letters = column_letters(len(names))
    return {name: int(found.get(letter, "0")) for name, letter in zip(names, letters,
                                                                       strict=True)}


def splice_rows(xlsx: Path, sheets: dict[str, tuple[Path, str]]) -> None:
    """Replace the probe row of each sheet XML named in ``sheets`` with the rows in its rows
    file; its dimension becomes ``A1:<last cell>``."""
    tmp = xlsx.with_name(xlsx.name + ".splice")
    with zipfile.ZipFile(xlsx) as source, zipfile.ZipFile(
            tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename not in sheets:
                target.writestr(info, source.read(info.filename),
                                compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
                continue
            rows_file, last_ref = sheets[info.filename]
            xml = source.read(info.filename).decode("utf-8")
            match = _ROW_RE.search(xml)
            if match is None:
                raise ValueError(f"{info.filename}: probe row not found")
            head = _DIMENSION_RE.sub(f'<dimension ref="A1:{last_ref}"/>', xml[: match.start()])
            tail = xml[match.end():]
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            member._compresslevel = 1  # type: ignore[attr-defined]  # speed over size
            with target.open(member, "w", force_zip64=True) as out, \
                    rows_file.open("rb") as rows:
                out.write(head.encode("utf-8"))
                shutil.copyfileobj(rows, out, 4 * 1024 * 1024)
                out.write(tail.encode("utf-8"))
    tmp.replace(xlsx)


@contextmanager
def rows_tempfiles(folder: Path, count: int) -> Iterator[list[IO[str]]]:
    """``count`` temporary files for sheet rows next to the report, removed afterwards."""
    handles: list[IO[str]] = []
    try:
        for _ in range(count):
            handles.append(tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below)
                "w", encoding="utf-8", dir=folder, suffix=".rows", delete=False))
        yield handles
    finally:
        for handle in handles:
            handle.close()
            Path(handle.name).unlink(missing_ok=True)
