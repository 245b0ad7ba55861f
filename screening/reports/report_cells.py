"""The cells of a report's sheet XML, as hkscreen (or a spreadsheet program re-saving the
report) writes them, and nothing a reader could read two ways.

``hkscreen verify`` reads a report's values with openpyxl, while an auditor sees them in
Excel or LibreOffice. Where the XML allows two readings the digest covers one and the
auditor sees the other (s27 forgery hunt: a shared-string index written ``<v>3_0</v>`` is 30
to Python's ``int`` and 3 to LibreOffice, which showed a forged "CLEAR" from an extra string
while every check passed; a cell written twice, an empty copy after a text, a cell placed in
another row's element, an inline string with a value). So every cell must be of the plain
forms below; anything else is a presentation problem (the report FAILS).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from screening.column_letters import column_number

#: A row element: its attributes and its body (a self-closing row has none).
_ROW_RE = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.DOTALL)
#: A cell element: its attributes and its body.
_CELL_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_ATTR_RE = re.compile(rb'\s([\w:]+)="([^"]*)"')
_REF_RE = re.compile(rb"([A-Z]{1,3})([1-9][0-9]{0,6})")
_NUMBER = rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_TEXT = rb"<t(?: xml:space=\"preserve\")?>[^<]*</t>|<t/>"
_RUN = rb"<r>(?:<rPr>(?:(?!</rPr>).)*</rPr>)?(?:" + _TEXT + rb")</r>"
#: Each cell type's allowed bodies (an empty cell, written ``<c .../>``, has none).
_BODIES = {
    b"n": re.compile(rb"(?:<f>[^<]*</f>)?<v>" + _NUMBER + rb"</v>"),
    b"s": re.compile(rb"<v>[0-9]+</v>"),
    b"str": re.compile(rb"(?:<f>[^<]*</f>)?<v>[^<]*</v>|<f>[^<]*</f><v/>"),
    b"inlineStr": re.compile(rb"<is>(?:" + _TEXT + rb"|(?:" + _RUN + rb")+)</is>", re.DOTALL),
    b"b": re.compile(rb"(?:<f>[^<]*</f>)?<v>[01]</v>"),
    b"e": re.compile(rb"(?:<f>[^<]*</f>)?<v>#[A-Z0-9/!?]+</v>"),
}
_CELL_ATTRS = frozenset({b"r", b"s", b"t"})
#: Problems reported per sheet before the rest are summed up.
_SHOWN = 5


def cell_problems(xml: bytes, sheet: str, strings: int) -> list[str]:
    """What in a sheet's XML is not a plain cell (see the module's doc); ``strings``: the
    number of entries of the shared-string table."""
    problems = list(_problems(xml, strings))
    if len(problems) > _SHOWN:
        problems[_SHOWN:] = [f"and {len(problems) - _SHOWN:,} more such cells"]
    return [f"sheet {sheet}: {p}" for p in problems]


def _problems(xml: bytes, strings: int) -> Iterator[str]:
    start, end = xml.find(b"<sheetData"), xml.rfind(b"</sheetData>")
    if start < 0:
        return
    if b":row" in xml or b":c " in xml or xml.count(b"<sheetData") != 1:
        yield "its cells are written in a form hkscreen does not write (prefixed or twice)"
        return
    data = xml[xml.index(b">", start) + 1:end] if end > start else b""
    last_row = 0
    position = 0
    for row in _ROW_RE.finditer(data):
        if data[position:row.start()].strip():
            yield "it holds markup between its rows"
        position = row.end()
        attrs = dict(_ATTR_RE.findall(row.group(1)))
        number = attrs.get(b"r", b"")
        if not number.isdigit() or int(number) <= last_row:
            yield f"a row is numbered {number.decode(errors='replace')!r} after row {last_row}"
            return
        last_row = int(number)
        body = row.group(2) or b""
        if not _plain_row(body, number, strings):  # (most rows: looked at cell by cell only
            yield from _row_cells(body, last_row, strings)  # when not plainly plain)
    if data[position:].strip():
        yield "it holds markup after its rows"


_REF = rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"(?: s="[0-9]+")?'
#: A row of cells as hkscreen, xlsxwriter and LibreOffice write them (attributes r, s, t in
#: that order): a quick match for the many rows ``_row_cells`` would find nothing in. It
#: accepts a part of what ``_row_cells`` accepts, never more.
_PLAIN_ROW_RE = re.compile(rb"(?:" + rb"|".join((
    _REF + rb'(?: t="n")?(?:/>|>(?:<f>[^<]*</f>)?<v>' + _NUMBER + rb"</v></c>)",
    _REF + rb' t="s"(?:/>|><v>[0-9]+</v></c>)',
    _REF + rb' t="inlineStr"(?:/>|><is>(?:' + _TEXT + rb")</is></c>)",
    _REF + rb' t="str"(?:/>|>(?:<f>[^<]*</f>)?<v>[^<]*</v></c>)',
    _REF + rb' t="b"(?:/>|>(?:<f>[^<]*</f>)?<v>[01]</v></c>)')) + rb")*")
_REFS_RE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"')
_STRING_INDEX_RE = re.compile(rb' t="s"><v>([0-9]+)</v>')
_COLUMNS: dict[bytes, int] = {}


def _plain_row(body: bytes, number: bytes, strings: int) -> bool:
    """Whether a row's cells are all plain (so ``_row_cells`` would find nothing)."""
    if _PLAIN_ROW_RE.fullmatch(body) is None:
        return False
    refs = _REFS_RE.findall(body)
    if any(row != number for _letters, row in refs):
        return False
    columns = [_COLUMNS.get(letters) or _COLUMNS.setdefault(
        letters, column_number(letters.decode()) + 1) for letters, _row in refs]
    if any(a >= b for a, b in itertools.pairwise(columns)):
        return False
    return all(int(index) < strings for index in _STRING_INDEX_RE.findall(body))


def _row_cells(body: bytes, row: int, strings: int) -> Iterator[str]:
    last_column = -1
    position = 0
    for cell in _CELL_RE.finditer(body):
        if body[position:cell.start()].strip():
            yield f"row {row} holds markup between its cells"
        position = cell.end()
        attrs = _ATTR_RE.findall(cell.group(1))
        found = dict(attrs)
        ref = _REF_RE.fullmatch(found.get(b"r", b""))
        where = found.get(b"r", b"?").decode(errors="replace")
        if len(found) != len(attrs) or not set(found) <= _CELL_ATTRS or ref is None or \
                cell.group(1).count(b"=") != len(attrs):
            yield f"cell {where} (row {row}) has attributes hkscreen does not write"
            continue
        if int(ref.group(2)) != row:
            yield f"cell {where} is written inside row {row}"
            continue
        column = column_number(ref.group(1).decode())
        if column <= last_column:
            yield f"cell {where} is written twice or out of order"
            continue
        last_column = column
        if not found.get(b"s", b"0").isdigit():
            yield f"cell {where} has the style {found[b's'].decode(errors='replace')!r}"
        kind = found.get(b"t", b"n")
        content = cell.group(2)
        if content is None or content == b"":
            continue
        allowed = _BODIES.get(kind)
        if allowed is None or allowed.fullmatch(content) is None:
            yield f"cell {where} holds a value written in a form hkscreen does not write"
        elif kind == b"s" and int(content[3:-4]) >= strings:
            yield f"cell {where} names shared string {int(content[3:-4]):,}, beyond the table"
    if body[position:].strip():
        yield f"row {row} holds markup after its cells"


#: A shared string as hkscreen and spreadsheet programs write it: one text element of the
#: spreadsheet namespace (rich runs are a presentation problem of their own). s27 second
#: forgery hunt: ``<si><t>CLEAR</t><o:t xmlns:o="...">LICENSE_REQUIRED</o:t></si>`` is the
#: last text to openpyxl (every check) and CLEAR to LibreOffice (the screen).
_SI_RE = re.compile(rb"<si>(.*?)</si>|<si/>", re.DOTALL)
_PLAIN_SI_RE = re.compile(rb"(?:" + _TEXT + rb")|(?:" + _RUN + rb")+", re.DOTALL)


def string_problems(sst: bytes) -> list[str]:
    """What in the shared-string table is not one plain text per entry."""
    body = sst[sst.find(b"<sst"):]
    body = body[body.find(b">") + 1:body.rfind(b"</sst>")]
    odd = 0
    position = 0
    for entry in _SI_RE.finditer(body):
        if body[position:entry.start()].strip() or (
                entry.group(1) is not None and _PLAIN_SI_RE.fullmatch(entry.group(1)) is None):
            odd += 1
        position = entry.end()
    if body[position:].strip():
        odd += 1
    return [f"the shared-string table has {odd:,} entr{'y' if odd == 1 else 'ies'} not "
            f"written as one plain text (another element or a second text beside it, read "
            f"differently by spreadsheet programs)"] if odd else []


#: Attributes read as numbers or switches by the presentation check, and the forms they must
#: have: Python reads "170_5" as 1705 and LibreOffice as 170; LibreOffice takes hidden="on"
#: as true, the check did not (s27 second forgery hunt: a format, a fill, a row height and a
#: font size each shown otherwise than checked; a row hidden).
_WHOLE = frozenset({b"numFmtId", b"fontId", b"fillId", b"borderId", b"xfId", b"indent",
                    b"textRotation", b"min", b"max", b"outlineLevel", b"theme", b"indexed",
                    b"rotation", b"count", b"localSheetId", b"activeTab", b"firstSheet",
                    b"zoomScale", b"s"})
_DECIMAL = frozenset({b"ht", b"width", b"sz", b"tint", b"defaultRowHeight",
                      b"defaultColWidth", b"baseColWidth"})
_SWITCH = frozenset({b"hidden", b"customHeight", b"zeroHeight", b"collapsed", b"customWidth",
                     b"applyNumberFormat", b"applyFont", b"applyFill", b"applyBorder",
                     b"applyAlignment", b"applyProtection", b"quotePrefix", b"wrapText",
                     b"shrinkToFit", b"bestFit", b"customFormat", b"thickTop", b"thickBot",
                     b"showZeros", b"showGridLines", b"showRowColHeaders", b"tabSelected",
                     b"showSheetTabs", b"outline"})
_NAMED_ATTR_RE = re.compile(rb"\s([A-Za-z]+)=\"([^\"]*)\"")
_WHOLE_RE = re.compile(rb"[0-9]+")
_DECIMAL_RE = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_SWITCHES = frozenset({b"0", b"1", b"true", b"false"})
#: (Only the parts around a sheet's cells are looked at: inside them ``cell_problems``
#: holds rows and cells to their plain forms.)


def attribute_problems(xml: bytes, part: str) -> list[str]:
    """Attributes of ``part`` (styles, workbook, a sheet's markup around its cells) that are
    read as numbers or switches but not written as plain ones."""
    start, end = xml.find(b"<sheetData"), xml.rfind(b"</sheetData>")
    if start >= 0 and end > start:
        rows = xml[start:end]
        # Row attributes are looked at too (ht, hidden, customHeight ...), not the cells'.
        markup = xml[:start] + b"".join(_ROW_TAG_RE.findall(rows)) + xml[end:]
    else:
        markup = xml
    odd: list[str] = []
    for name, value in _NAMED_ATTR_RE.findall(markup):
        plain = (_WHOLE_RE.fullmatch(value) if name in _WHOLE else
                 _DECIMAL_RE.fullmatch(value) if name in _DECIMAL else
                 value in _SWITCHES if name in _SWITCH else True)
        if not plain:
            odd.append(f"{name.decode()}=\"{value.decode(errors='replace')}\"")
    # A font's size and switches are written as <sz val="11"/>, <b val="0"/>.
    for tag, value in _FONT_VAL_RE.findall(markup):
        if not (_DECIMAL_RE.fullmatch(value) if tag == b"sz" else value in _SWITCHES):
            odd.append(f"<{tag.decode()} val=\"{value.decode(errors='replace')}\">")
    if not odd:
        return []
    shown = ", ".join(dict.fromkeys(odd[:_SHOWN]))
    return [f"{part} writes {shown}{' and more' if len(odd) > _SHOWN else ''}: numbers and "
            f"switches in forms spreadsheet programs read otherwise than the check"]


_ROW_TAG_RE = re.compile(rb"<row\b[^>]*>")
_FONT_VAL_RE = re.compile(rb"<(sz|b|i|strike|outline|shadow|condense|extend)\s+val=\"([^\"]*)\"")
