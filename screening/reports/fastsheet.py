"""A fast path for the one huge worksheet (Lines): its rows are written as sheet XML directly
and spliced into the workbook that xlsxwriter produced.

xlsxwriter spends about 4 µs per cell; a 100,000-line run has over three million cells. Here
rows come a chunk at a time as columns (``ColumnsWriter``): a column's repeated texts are
rendered once and looked up, its distinct texts escaped in one pass over the joined column,
and each row is its cells joined, all by map and zip, so no Python code runs per cell.
Everything else (styles, column widths, frozen panes, autofilter, print set-up) still comes
from xlsxwriter: the sheet is created there with its header row and one probe row whose cells
carry each style we need, and the probe row tells us the style indexes to use. Text is written
as inline strings, so it can never be a formula.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Sequence
from itertools import repeat
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any, Protocol

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
    if _has_control(text):  # in Excel's own escape form, as xlsxwriter writes them
        text = _CTRL_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def _has_control(text: str) -> bool:
    """Whether ``text`` holds a character ``escape`` writes as ``_xHHHH_``."""
    if text.isascii():  # a byte-wide pass (much faster than the regular expression)
        return len(text.encode("ascii").translate(None, _CTRL_BYTES)) != len(text)
    return _CTRL_RE.search(text) is not None


def inline_text(text: str) -> str:
    """The ``<is>`` element of an inline string cell, as xlsxwriter writes it: whitespace at
    either end of the escaped text is preserved."""
    text = escape(text)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<is><t{space}>{text}</t></is>"


class RowSink(Protocol):
    def write(self, data: bytes, /) -> object: ...


#: Joins the texts of a column so they are escaped in one pass: DEL, which XML carries as it
#: is and escaping leaves alone (a column holding it is escaped text by text).
_SEP = "\x7f"
_CTRL_BYTES = bytes([*range(0x09), *range(0x0B, 0x20)])
_EPOCH_DATE = _EPOCH.date()
ROW = "\0"  # where the row number goes in a rendered cell (escaped text never holds NUL)
_STRIP = ', ""'  # an empty text at the end of a row's digest text
_PRESERVE = ' xml:space="preserve"'


def escape_all(texts: list[str]) -> list[str]:
    """``escape`` of each text, in one pass over the joined texts where it can."""
    joined = _SEP.join(texts)
    if joined.count(_SEP) != len(texts) - 1:
        return [escape(t) for t in texts]
    return escape(joined).split(_SEP)  # no escape crosses a separator


def text_cells(column: str, style: int, texts: list[str]) -> list[str]:
    """Inline string cells (as ``inline_text`` writes them) of ``texts`` in column
    ``column``, their row number left as ``ROW``; an empty text has no cell ("")."""
    if not texts:
        return []
    escaped = escape_all(texts)
    head = f'<c r="{column}{ROW}" s="{style}" t="inlineStr"><is><t'
    if list(map(str.strip, escaped)) != escaped:  # whitespace at an end: preserved
        cells = [f"{head}{_PRESERVE if e[:1].isspace() or e[-1:].isspace() else ''}>"
                 f"{e}</t></is></c>" for e in escaped]
    else:
        cells = f"{head}>{f'</t></is></c>{_SEP}{head}>'.join(escaped)}</t></is></c>".split(_SEP)
        if len(cells) != len(texts):  # a separator in an escaped text: one by one
            cells = [f"{head}>{e}</t></is></c>" for e in escaped]
    if "" in texts:
        cells = [c if t else "" for c, t in zip(cells, texts, strict=True)]
    return cells


def _canon_number(value: object) -> str:
    return encode_basestring(cell_text(value))


class _Column:
    """How one column's values become cells (XML without the row number) and digest texts
    (JSON strings), a chunk of lines at a time."""

    def __init__(self, letter: str, styles: dict[str, int], kind: str) -> None:
        self.letter = letter
        self.styles = styles
        self.kind = kind
        self._xml: dict[object, str] = {None: ""}
        self._json: dict[object, str] = {None: '""'}

    def render(self, values: Sequence[object]) -> tuple[list[str], list[str]]:
        kind = self.kind
        try:
            distinct = set(values)
        except TypeError:  # an unhashable value: cell by cell
            return self._each(values)
        # Types of the distinct values (equal values of other types, such as 5 and 5.0, are
        # one value there: numbers are typed value by value).
        kinds = set(map(type, values if kind == "number" else distinct))
        if kinds == _NONE:
            return [""] * len(values), ['""'] * len(values)
        if kind == "text" and kinds <= _TEXT_TYPES:
            return self._texts(values, distinct)
        if kind == "number" and kinds <= _NUMBER_TYPES:
            head = f'<c r="{self.letter}{ROW}" s="{self.styles["num"]}"><v>'
            xml = [f"{head}{v!r}</v></c>" if v is not None else "" for v in values]
            if kinds <= _FLOAT_TYPES:  # canon() of a float, inline
                return xml, [('""' if v is None else f'"{int(v)}"'  # type: ignore[call-overload]
                              if v.is_integer() and -1e15 < v < 1e15  # type: ignore[union-attr, operator]
                              else f'"{v:.15g}"') for v in values]
            if kinds <= _INT_TYPES:  # canon() of an int is its digits (row numbers)
                return xml, [f'"{v}"' if v is not None else '""' for v in values]
            return xml, [_canon_number(v) if v is not None else '""' for v in values]
        if kind == "date" and kinds <= _DATE_TYPES:
            return self._cached(values, distinct, self._date)
        if kind == "verdict" and kinds <= _TEXT_TYPES:
            return self._cached(values, distinct, self._verdict)
        return self._each(values)

    def _each(self, values: Sequence[object]) -> tuple[list[str], list[str]]:
        pairs = [self._any(v) for v in values]  # anything else: cell by cell
        return [x for x, _ in pairs], [j for _, j in pairs]

    def _texts(self, values: Sequence[object], distinct: set[object]
               ) -> tuple[list[str], list[str]]:
        if len(distinct) * 2 > len(values):  # mostly distinct: render them all, keep none
            texts: list[str] = ([v if v is not None else "" for v in values]  # type: ignore[misc]
                                if None in distinct else list(values))  # type: ignore[arg-type]
            return (text_cells(self.letter, self.styles["text"], texts),
                    list(map(encode_basestring, texts)))
        xml, js = self._xml, self._json
        new = distinct.difference(xml)
        if new:
            if len(xml) + len(new) > CACHE:
                xml.clear()
                js.clear()
                xml[None], js[None] = "", '""'
                new = distinct.difference(xml)
            added: list[str] = list(new)  # type: ignore[arg-type]
            xml.update(zip(added, text_cells(self.letter, self.styles["text"], added),
                           strict=True))
            js.update(zip(added, map(encode_basestring, added), strict=True))
        return list(map(xml.__getitem__, values)), list(map(js.__getitem__, values))

    def _cached(self, values: Sequence[object], distinct: set[object],
                render: Callable[[Any], tuple[str, str]]) -> tuple[list[str], list[str]]:
        xml, js = self._xml, self._json
        for value in distinct.difference(xml):
            xml[value], js[value] = render(value)
        return list(map(xml.__getitem__, values)), list(map(js.__getitem__, values))

    def _date(self, value: dt.date | None) -> tuple[str, str]:
        if value is None:
            return "", '""'
        if isinstance(value, dt.datetime):
            return self._any(value)
        serial = (value - _EPOCH_DATE).days
        return (f'<c r="{self.letter}{ROW}" s="{self.styles["date"]}"><v>{serial}</v></c>',
                encode_basestring(cell_text(value)))

    def _verdict(self, value: str | None) -> tuple[str, str]:
        if not value:
            return "", '""'
        style = self.styles.get(f"v:{value}", self.styles["text"])
        return text_cells(self.letter, style, [value])[0], encode_basestring(value)

    def _any(self, value: object) -> tuple[str, str]:
        """One cell of any value, as xlsxwriter would type it."""
        letter, styles = self.letter, self.styles
        if value is None:
            return "", '""'
        if value.__class__ is str:
            if not value:
                return "", '""'
            return (text_cells(letter, styles["text"], [value])[0],  # type: ignore[list-item]
                    encode_basestring(value))  # type: ignore[arg-type]
        text = encode_basestring(cell_text(value))
        if value is True or value is False:
            return f'<c r="{letter}{ROW}" s="{styles["num"]}" t="b"><v>{int(value)}</v></c>', text
        if isinstance(value, int | float):
            return f'<c r="{letter}{ROW}" s="{styles["num"]}"><v>{value!r}</v></c>', text
        if isinstance(value, dt.datetime):
            serial = (value - _EPOCH).total_seconds() / 86400
            return f'<c r="{letter}{ROW}" s="{styles["datetime"]}"><v>{serial!r}</v></c>', text
        if isinstance(value, dt.date):
            return self._date(value)
        as_text = str(value)
        if not as_text:
            return "", text
        return text_cells(letter, styles["text"], [as_text])[0], text


CACHE = 50_000  # distinct texts kept per column
_NONE = {type(None)}
_TEXT_TYPES = {str, type(None)}
_NUMBER_TYPES = {int, float, type(None)}
_FLOAT_TYPES = {float, type(None)}
_INT_TYPES = {int, type(None)}
_DATE_TYPES = {dt.date, type(None)}


def _strip_empty(body: str) -> str:
    while body.endswith(_STRIP):
        body = body[:-4]
    return body


class ColumnsWriter:
    """Streams the ``<row>`` elements of a sheet to ``handle`` a chunk of rows at a time,
    given as columns, and hashes each row into ``digest`` in the same pass (as
    ``CellDigest.row`` would). Each column has a kind: "text" (text or None; a text value's
    cell is rendered once and reused while values repeat), "verdict" (text styled by its
    value), "number", "date", or "any" (typed cell by cell)."""

    def __init__(self, handle: RowSink, kinds: Sequence[str], styles: dict[str, int],
                 digest: CellDigest | None = None, sheet: str = "Lines"):
        self.handle = handle
        self.columns = [_Column(letter, styles, kind)
                        for letter, kind in zip(column_letters(len(kinds)), kinds,
                                                strict=True)]
        self.digest = digest
        self.sheet = sheet
        self.rows = 0

    def write(self, first: int, columns: Sequence[Sequence[object]]) -> None:
        """Rows ``first``, ``first + 1``, ... (1-based sheet rows) of ``columns`` (one
        sequence of values per column, all of one length; missing columns are empty)."""
        if not columns or not columns[0]:
            return
        count = len(columns[0])
        xml_columns: list[list[str]] = []
        json_columns: list[list[str]] = []
        for column, values in zip(self.columns, columns, strict=False):
            if len(values) != count:
                raise ValueError(f"{self.sheet}: a column of {len(values)} values in a chunk "
                                 f"of {count} rows")
            xml, js = column.render(values)
            xml_columns.append(xml)
            json_columns.append(js)
        if '""' in json_columns[0]:  # every row is hashed: it must have a first cell
            raise ValueError(f"{self.sheet}: a row without a value in its first column")
        numbers = list(map(str, range(first, first + count)))
        # Each row's cells joined, then its number put where the cells left it: by map and
        # zip, no Python code per row. Rows are encoded one by one and joined as UTF-8: a
        # character beyond ASCII widens its own row's string only, where joined first it
        # widened the whole chunk's (to 2 or 4 bytes a character) before the encoding.
        self.handle.write(b"".join(map(str.encode, map(
            str.replace, map("".join, zip(repeat(f'<row r="{ROW}">'), *xml_columns,
                                          repeat("</row>"))),
            repeat(ROW), numbers))))
        self.rows += count
        if self.digest is not None:
            bodies = list(map(", ".join, zip(*json_columns, strict=True)))
            if any(map(str.endswith, bodies, repeat(_STRIP))):
                bodies = [_strip_empty(b) for b in bodies]
            text = b"".join(map(str.encode, map("[{}, [{}]]\n".format,
                                                range(first - 1, first - 1 + count), bodies)))
            self.digest.encoded_rows(self.sheet, first - 1, first - 2 + count, text)


def probe_styles(xlsx: Path, sheet_xml: str, names: list[str]) -> dict[str, int]:
    """Style index of each probe cell in row 2 (``names`` in column order A, B, ...)."""
    with zipfile.ZipFile(xlsx) as archive:
        xml = archive.read(sheet_xml).decode("utf-8")
    found = dict(_PROBE_CELL_RE.findall(xml))
    letters = column_letters(len(names))
    return {name: int(found.get(letter, "0")) for name, letter in zip(names, letters,
                                                                       strict=True)}


SHARED_STRINGS = "xl/sharedStrings.xml"
_SHARED_TYPE = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
_SHARED_RELATION = ('<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/sharedStrings" '
                    'Target="sharedStrings.xml"/>')
_RELATION_ID_RE = re.compile(r'Id="rId(\d+)"')


def _with_shared_strings(name: str, data: bytes) -> bytes:
    """The content types and the workbook's relationships, naming the shared strings part."""
    xml = data.decode("utf-8")
    if name == "[Content_Types].xml":
        return xml.replace("</Types>", f"{_SHARED_TYPE}</Types>").encode("utf-8")
    number = max(map(int, _RELATION_ID_RE.findall(xml)), default=0) + 1
    return xml.replace("</Relationships>", f"{_SHARED_RELATION.format(number)}"
                                           "</Relationships>").encode("utf-8")


def splice_rows(xlsx: Path, sheets: dict[str, tuple[DeflatedRows, str]],
                shared_strings: bytes | None = None) -> None:
    """Replace the probe row of each sheet XML named in ``sheets`` with its rows (compressed
    already); its dimension becomes ``A1:<last cell>``. The rows are not compressed again:
    the member is the sheet's head, the rows and its tail as one deflate stream. Given
    ``shared_strings``, the package gains that shared strings part (xlsxwriter writes every
    string inline in constant-memory mode, so there is none yet)."""
    tmp = xlsx.with_name(xlsx.name + ".splice")
    out = ZipWriter(tmp)
    try:
        with zipfile.ZipFile(xlsx) as source:
            if shared_strings is not None and SHARED_STRINGS in source.namelist():
                raise ValueError(f"{xlsx}: xlsxwriter wrote a shared strings part")
            for info in source.infolist():
                data = source.read(info.filename)
                if shared_strings is not None and info.filename in (
                        "[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
                    data = _with_shared_strings(info.filename, data)
                if info.filename not in sheets:
                    out.add(info.filename, data, info.date_time)
                    if info.filename == "xl/workbook.xml" and shared_strings is not None:
                        out.add(SHARED_STRINGS, shared_strings, info.date_time, level=1)
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
