"""Sheet XML the cell reader and LibreOffice (or Excel, by the file format's rules) read
differently (s26 hunt): each made a 3A001 line to Hong Kong read as EAR99, CLEAR, or left
it unread. Excel never writes any of them: the workbook is refused, naming why."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from screening.ingest import IngestError, prepare_input
from tests.conftest import screen_file
from tests.test_formula_staleness import _HEAD, _MAIN, _workbook

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _row(number: int, eccn: str, line_id: str = "L1") -> str:
    return (f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{line_id}</t></is></c>'
            f'<c r="B{number}" t="inlineStr"><is><t>HK</t></is></c>'
            f'<c r="C{number}" s="1"><v>44986</v></c>'
            f'<c r="D{number}" t="inlineStr"><is><t>{eccn}</t></is></c></row>')


def _sheet(inside: str, root: str = "") -> str:
    return f'<worksheet xmlns="{_MAIN}"{root}>{inside}</worksheet>'


def _lines(path: Path, rules) -> list:  # type: ignore[no-untyped-def]
    prepared = prepare_input(path, aliases=rules.aliases,
                             exception_codes=frozenset(rules.exceptions), sheet="Shipments")
    return list(prepared.lines())


def _rewrite(path: Path, changes: dict[str, Any], renames: dict[str, str] | None = None
             ) -> Path:
    """``path`` with its parts changed: part name -> new bytes, or a function of the old;
    ``renames``: old part name -> new one."""
    with zipfile.ZipFile(path) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    for part, change in changes.items():
        parts[part] = change(parts.get(part, b"")) if callable(change) else change
    for old, new in (renames or {}).items():
        parts[new] = parts.pop(old)
    with zipfile.ZipFile(path, "w") as package:
        for part, data in parts.items():
            package.writestr(part, data)
    return path


_SST_REL = (b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')


IGNORABLE = f' xmlns:mc="{_MC}" xmlns:x="urn:hkscreen:test" mc:Ignorable="x"'

CASES = {
    # The cell reader stops at the first table's end: the second's lines went unread.
    "two sheetData": (_sheet(f"<sheetData>{_HEAD}{_row(2, 'EAR99')}</sheetData>"
                             f"<sheetData>{_row(3, '3A001', 'L2')}</sheetData>"),
                      "more than one table of cells"),
    # A reader not knowing namespace x takes the Fallback (3A001); the cell reader the Choice.
    "alternate content": (_sheet(
        f'<mc:AlternateContent><mc:Choice Requires="x"><sheetData>{_HEAD}{_row(2, "EAR99")}'
        f"</sheetData></mc:Choice></mc:AlternateContent>", IGNORABLE),
        "alternative content"),
    # An ignorable cell without a reference: read as D2 by the cell reader, skipped by
    # LibreOffice, which shows the next cell (3A001) there.
    "ignorable cell": (_sheet(
        f'<sheetData>{_HEAD}<row r="2"><c r="A2" t="inlineStr"><is><t>L1</t></is></c>'
        f'<c r="B2" t="inlineStr"><is><t>HK</t></is></c><c r="C2" s="1"><v>44986</v></c>'
        f'<x:c t="inlineStr"><is><t>EAR99</t></is></x:c>'
        f'<c t="inlineStr"><is><t>3A001</t></is></c></row></sheetData>', IGNORABLE),
        "elements of another namespace"),
    "namespace among the cells": (_sheet(
        f"<sheetData>{_HEAD}" + _row(2, "EAR99").replace('<row r="2">',
                                                          '<row r="2" xmlns:y="urn:y">')
        + "</sheetData>"), "declares a namespace among its cells"),
    # The cell reader shows "EAR99", LibreOffice "3A001".
    "nested text": (_sheet(f"<sheetData>{_HEAD}{_row(2, 'EAR<t>99</t>3A001')}</sheetData>"),
                    "text element inside another"),
    "leap second": (_sheet(
        f"<sheetData>{_HEAD}" + _row(2, "2A290").replace(
            '<c r="C2" s="1"><v>44986</v></c>',
            '<c r="C2" t="d" s="1"><v>2020-12-22T23:59:60</v></c>') + "</sheetData>"),
        "60th second"),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_markup_readers_disagree_on_is_refused(rules, tmp_path, kind) -> None:
    xml, said = CASES[kind]
    path = _workbook(tmp_path / "odd.xlsx", sheet_xml=xml)
    with pytest.raises(IngestError, match=said):
        _lines(path, rules)


def test_nested_text_across_chunks_is_found(rules, tmp_path) -> None:
    """The nested text element after a megabyte of ordinary rows (a chunk may end inside the
    cell): found all the same."""
    rows = "".join(_row(n, "EAR99", f"L{n}") for n in range(2, 9000))
    xml = _sheet(f"<sheetData>{_HEAD}{rows}{_row(9000, 'EAR<t>99</t>3A001', 'LX')}"
                 f"</sheetData>")
    with pytest.raises(IngestError, match="text element inside another"):
        _lines(_workbook(tmp_path / "long.xlsx", sheet_xml=xml), rules)


@pytest.mark.parametrize("table", [
    f'<sst xmlns="{_MAIN}"><si><t>EAR<t>99</t>3A001</t></si></sst>',
    f'<x:sst xmlns:x="{_MAIN}"><x:si><x:t>EAR<x:t>99</x:t>3A001</x:t></x:si></x:sst>'])
def test_nested_text_in_the_shared_strings_is_refused(rules, tmp_path, table) -> None:
    path = _workbook(tmp_path / "sst.xlsx", sheet_xml=_sheet(
        f'<sheetData>{_HEAD}{_row(2, "x")}</sheetData>'.replace(
            '<c r="D2" t="inlineStr"><is><t>x</t></is></c>', '<c r="D2" t="s"><v>0</v></c>')))
    _rewrite(path, {
        "xl/_rels/workbook.xml.rels": lambda old: old.replace(b"</Relationships>", _SST_REL),
        "xl/sharedStrings.xml": table.encode()})
    with pytest.raises(IngestError, match="shared-string table writes a text element"):
        _lines(path, rules)


def test_ordinary_markup_is_read(rules, tmp_path) -> None:
    """Rich text runs, an empty text element, a date cell at 23:59:59, and the prefixes Excel
    declares on the root (used for attributes only): read as before."""
    root = (f' xmlns:mc="{_MC}" xmlns:x14ac="http://schemas.microsoft.com/office/'
            f'spreadsheetml/2009/9/ac" mc:Ignorable="x14ac"')
    xml = _sheet(
        f'<sheetData>{_HEAD}<row r="2" x14ac:dyDescent="0.25">'
        f'<c r="A2" t="inlineStr"><is><r><t>L</t></r><r><rPr><b/></rPr><t>1</t></r></is></c>'
        f'<c r="B2" t="inlineStr"><is><t>HK</t></is></c>'
        f'<c r="C2" t="d" s="1"><v>2023-03-01T23:59:59</v></c>'
        f'<c r="D2" t="inlineStr"><is><t>3A001</t><t/></is></c></row></sheetData>', root)
    (line,) = _lines(_workbook(tmp_path / "fine.xlsx", sheet_xml=xml), rules)
    assert line.line_id == "L1" and line.eccn is not None and line.eccn.base == "3A001"
    assert line.export_date is not None and line.export_date.isoformat() == "2023-03-01"


def test_two_sheets_of_one_name_are_refused(tmp_path) -> None:
    """(s26 hunt) A very hidden sheet named as the visible one and listed first: the cell
    reader took it (EAR99, CLEAR) while the checks read the other. Excel allows a name once,
    whatever its case."""
    path = _workbook(tmp_path / "two.xlsx", calc_sheet="1")
    _rewrite(path, {"xl/workbook.xml": lambda old: old.replace(
        b'name="Calc"', b'name="SHIPMENTS" state="veryHidden"')})
    with pytest.raises(IngestError, match="names two sheets 'SHIPMENTS'"):
        screen_file(tmp_path, path)


def test_values_the_reader_never_showed_are_refused(rules, tmp_path, monkeypatch) -> None:
    """The backstop (shown_values): with the named check of a second table of cells out of
    the way, the line the cell reader never showed still refuses the sheet."""
    from screening.ingest import xlsx_package

    checks = xlsx_package._check_cell_markup
    monkeypatch.setattr(xlsx_package, "_check_cell_markup",
                        lambda cells, prefixes, _count, name, sheet, before=b"":
                        checks(cells, prefixes, 1, name, sheet, before))
    xml, _said = CASES["two sheetData"]
    with pytest.raises(IngestError, match="holds 12 cells with a value, and the cell reader "
                       "showed only 8"):
        _lines(_workbook(tmp_path / "odd.xlsx", sheet_xml=xml), rules)


def test_cells_certainly_showing_a_value(tmp_path) -> None:
    """Counted: text, shared strings showing some, numbers, formulas with a value. Not: blank
    or white-space text, a blank shared string, error values, formulas without a value,
    cells outside the table of cells."""
    from screening.ingest.shown_values import certain_values

    cells = ('<c r="A1" t="inlineStr"><is><t>x</t></is></c>'
             '<c r="B1" t="inlineStr"><is><r><t> </t></r><rPh><t>ruby</t></rPh></is></c>'
             '<c r="C1" t="s"><v>0</v></c><c r="D1" t="s"><v>1</v></c>'
             '<c r="E1"><v>1.5</v></c><c r="F1" t="e"><v>#N/A</v></c>'
             '<c r="G1"><f>1+1</f></c><c r="H1" t="str"><f>A1</f><v>x</v></c>'
             '<c r="I1" t="str"><v> </v></c><c r="J1" s="1"/>'
             '<c r="K1" t="inlineStr"><is><t>&#160;&amp;</t></is></c>')
    path = _workbook(tmp_path / "count.xlsx", sheet_xml=_sheet(
        f'<sheetData><row r="1">{cells}</row></sheetData>'
        f'<extLst><c r="Z9"><v>1</v></c></extLst>'))
    _rewrite(path, {
        "xl/_rels/workbook.xml.rels": lambda old: old.replace(b"</Relationships>", _SST_REL),
        "xl/sharedStrings.xml": (f'<sst xmlns="{_MAIN}"><si><t>HK</t></si><si><t xml:space='
                                 f'"preserve">  </t></si></sst>').encode()})
    with zipfile.ZipFile(path) as package:
        # A1, C1, E1, H1, K1 ("&" after a no-break space)
        assert certain_values(package, "Shipments", str(path)) == 5


_FORMULA_CELL = '<c r="D2" t="str"><f>IF(TODAY()&gt;1,"3A001","EAR99")</f><v>EAR99</v></c>'
_NESTED_CELL = '<c r="D2" t="inlineStr"><is><t>EAR<t>99</t>3A001</t></is></c>'


def _split_sheet(cell: str, into: int, line_id: str = "L1") -> str:
    """A sheet whose row 2 ECCN cell is ``cell``, with white space before the row so that a
    4 MiB piece of the XML ends ``into`` bytes inside the cell."""
    row = _row(2, "x", line_id).replace('<c r="D2" t="inlineStr"><is><t>x</t></is></c>',
                                        cell)
    start = f"<sheetData>{_HEAD}"
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n{_sheet(start)}'[:-len("</worksheet>")]
    before_cell = len(head.encode()) + row.index(cell)
    padding = 4 * 1024 * 1024 - before_cell - into
    return _sheet(start + " " * padding + row + "</sheetData>")


@pytest.mark.parametrize("into", [3, 25, 60])
def test_a_cell_cut_by_a_chunk_is_read_whole(rules, tmp_path, into) -> None:
    """(s26 hunt) The scan read the sheet XML 4 MiB at a time, cut after any tag: a formula
    cell or a nested text element cut in two went unseen (the formula's saved EAR99
    trusted: CLEAR). Pieces now end after a row."""
    xml = _split_sheet(_FORMULA_CELL, into)
    path = _workbook(tmp_path / "formula.xlsx",
                     sheet_xml='<?xml version="1.0" encoding="UTF-8"?>\n' + xml)
    (line,) = _lines(path, rules)
    assert "FORMULA_VALUE_STALE" in {p.code for p in line.problems}
    nested = _workbook(tmp_path / "nested.xlsx", sheet_xml='<?xml version="1.0" encoding='
                       '"UTF-8"?>\n' + _split_sheet(_NESTED_CELL, into))
    with pytest.raises(IngestError, match="text element inside another"):
        _lines(nested, rules)


def test_a_namespace_declared_among_cells_after_the_first_chunk_is_refused(rules,
                                                                        tmp_path) -> None:
    """(s26 hunt) The default namespace redeclared on a cell 4 MiB into the cells."""
    cell = '<c r="D2" xmlns="urn:other" t="inlineStr"><is><t>EAR99</t></is></c>'
    xml = _split_sheet(cell, -200)  # the cell wholly in the second piece
    path = _workbook(tmp_path / "ns.xlsx", sheet_xml='<?xml version="1.0" encoding="UTF-8"?>'
                     "\n" + xml)
    with pytest.raises(IngestError, match="declares a namespace among its cells"):
        _lines(path, rules)


def _foreign_string(tmp_path: Path) -> Path:
    """The ECCN cell names shared string 1; a string of another namespace comes first."""
    path = _workbook(tmp_path / "sst.xlsx", sheet_xml=_sheet(
        f'<sheetData>{_HEAD}{_row(2, "x")}</sheetData>'.replace(
            '<c r="D2" t="inlineStr"><is><t>x</t></is></c>', '<c r="D2" t="s"><v>1</v></c>')))
    return _rewrite(path, {
        "xl/_rels/workbook.xml.rels": lambda old: old.replace(b"</Relationships>", _SST_REL),
        "xl/sharedStrings.xml": f'<sst xmlns="{_MAIN}"><si xmlns="urn:other"><t>pad</t></si>'
                                f"<si><t>EAR99</t></si><si><t>3A001</t></si></sst>".encode()})


def _foreign_style(tmp_path: Path) -> Path:
    """Cell style 1 (the date's) preceded by a style of another namespace."""
    path = _workbook(tmp_path / "styles.xlsx")
    return _rewrite(path, {"xl/styles.xml": lambda old: old.replace(
        b'<cellXfs count="2"><xf numFmtId="0"/>',
        b'<cellXfs count="3"><xf xmlns="urn:other" numFmtId="0"/><xf numFmtId="0"/>')})


def _foreign_sheet(tmp_path: Path) -> Path:
    path = _workbook(tmp_path / "sheets.xlsx")
    return _rewrite(path, {"xl/workbook.xml": lambda old: old.replace(
        b"<sheets>", b'<sheets><sheet xmlns="urn:other" name="Shipments" sheetId="9" '
                     b'r:id="rId1"/>')})


def _foreign_relationship(tmp_path: Path) -> Path:
    path = _workbook(tmp_path / "rels.xlsx")
    return _rewrite(path, {"xl/_rels/workbook.xml.rels": lambda old: old.replace(
        b"</Relationships>", b'<Relationship xmlns="urn:other" Id="rId1" Type="x" '
                             b'Target="worksheets/decoy.xml"/></Relationships>')})


def _twice_the_id(tmp_path: Path) -> Path:
    path = _workbook(tmp_path / "ids.xlsx")
    return _rewrite(path, {"xl/_rels/workbook.xml.rels": lambda old: old.replace(
        b"</Relationships>", b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.'
                             b'org/officeDocument/2006/relationships/worksheet" '
                             b'Target="worksheets/decoy.xml"/></Relationships>')})


@pytest.mark.parametrize(("build", "said"), [
    (_foreign_string, "shared-string table (xl/sharedStrings.xml) holds a string in another"),
    (_foreign_style, "xl/styles.xml holds a cell style or number format in another"),
    (_foreign_sheet, "xl/workbook.xml holds a sheet in another namespace"),
    (_foreign_relationship, "workbook.xml.rels holds a relationship in another namespace"),
    (_twice_the_id, "gives the relationship Id 'rId1' twice")])
def test_parts_the_reader_reads_by_local_name_are_refused(rules, tmp_path, build,
                                                          said) -> None:
    """(s26 hunt) The cell reader takes elements by local name in any namespace, Excel and
    LibreOffice skip one of a namespace they do not know: each of these made a 3A001 line
    read as EAR99 (a shared string or style index shifted, a decoy sheet), CLEAR."""
    with pytest.raises(IngestError, match=re.escape(said)):
        _lines(build(tmp_path), rules)


@pytest.mark.parametrize(("value", "said"), [
    ("1<!---->0", "comments or processing instructions"), ("1<?x y?>0", "comments or"),
    ("1&#48;", "the value '1&#48;'"), (" 1 ", "the value ' 1 '")])
def test_odd_value_elements_are_refused(rules, tmp_path, value, said) -> None:
    """(s26 hunt) A shared string's index written with a comment, a character reference or
    white space: the reader read another string than LibreOffice."""
    xml = _sheet(f"<sheetData>{_HEAD}{_row(2, 'x')}</sheetData>".replace(
        '<c r="D2" t="inlineStr"><is><t>x</t></is></c>', f'<c r="D2" t="s"><v>{value}</v></c>'))
    with pytest.raises(IngestError, match=re.escape(said)):
        _lines(_workbook(tmp_path / "v.xlsx", sheet_xml=xml), rules)


def test_a_formula_text_result_may_hold_spaces(rules, tmp_path) -> None:
    xml = _sheet(f"<sheetData>{_HEAD}{_row(2, 'x')}</sheetData>".replace(
        '<c r="D2" t="inlineStr"><is><t>x</t></is></c>',
        '<c r="D2" t="str"><f>"3A"&amp;"001 "</f><v>3A001 &amp; more</v></c>'))
    (line,) = _lines(_workbook(tmp_path / "str.xlsx", sheet_xml=xml), rules)
    assert "FORMULA_VALUE_STALE" not in {p.code for p in line.problems}


def test_cell_text_naming_markup_is_read(rules, tmp_path) -> None:
    """Text that names markup ("xmlns", "mc:AlternateContent") in a cell or a shared string
    is no markup (s26 review of the checks above: such a description refused the file)."""
    words = "see xmlns and mc:AlternateContent &lt;!-- not a comment --&gt;"
    xml = _sheet(f"<sheetData>{_HEAD}{_row(2, '3A001')}</sheetData>".replace(
        "<t>L1</t>", f"<t>{words}</t>"))
    (line,) = _lines(_workbook(tmp_path / "words.xlsx", sheet_xml=xml), rules)
    assert line.eccn is not None and line.eccn.base == "3A001"
    path = _workbook(tmp_path / "sst.xlsx", sheet_xml=_sheet(
        f'<sheetData>{_HEAD}{_row(2, "x")}</sheetData>'.replace(
            '<c r="D2" t="inlineStr"><is><t>x</t></is></c>', '<c r="D2" t="s"><v>1</v></c>')))
    _rewrite(path, {
        "xl/_rels/workbook.xml.rels": lambda old: old.replace(b"</Relationships>", _SST_REL),
        "xl/sharedStrings.xml": f'<sst xmlns="{_MAIN}"><si><t>{words}</t></si>'
                                f"<si><t>3A001</t></si></sst>".encode()})
    (line,) = _lines(path, rules)
    assert line.eccn is not None and line.eccn.base == "3A001"


def test_names_alike_only_under_full_case_folding_are_two_sheets(tmp_path) -> None:
    """"Maße" and "Masse" are two sheets to Excel; "Shipments" and "SHIPMENTS" one."""
    from screening.ingest.xlsx_package import check_zip, sheet_xml_path

    path = _workbook(tmp_path / "two.xlsx", calc_sheet="1")
    _rewrite(path, {"xl/workbook.xml": lambda old: old.replace(b'name="Shipments"',
                                                               'name="Maße"'.encode())
                    .replace(b'name="Calc"', b'name="Masse"')})
    with check_zip(path) as archive:
        assert sheet_xml_path(archive, "Masse", str(path)) is not None


# Round 3 of the s26 hunt: each of these was CLEAR on a 3A001 line LibreOffice showed.

def test_parts_named_in_another_case_are_refused(rules, tmp_path) -> None:
    """A sheet's relationship naming Sheet1.xml for a part stored as sheet1.xml, and a
    shared-string table stored as xl/SharedStrings.xml: the readers find them whatever the
    case, the checks did not (none ran)."""
    path = _rewrite(_workbook(tmp_path / "case.xlsx"), {
        "xl/_rels/workbook.xml.rels": lambda old: old.replace(b"worksheets/sheet1.xml",
                                                              b"worksheets/Sheet1.xml")})
    with pytest.raises(IngestError, match="in another case"):
        _lines(path, rules)
    strings = _rewrite(_foreign_string(tmp_path), {},
                       {"xl/sharedStrings.xml": "xl/SharedStrings.xml"})
    with pytest.raises(IngestError, match="in another case"):
        _lines(strings, rules)


def test_a_prefix_beyond_ascii_is_a_prefix(rules, tmp_path) -> None:
    xml = _sheet(f"<sheetData>{_HEAD}" + _row(2, "3A001").replace(
        "</row>", '<é:c t="inlineStr"><is><t>EAR99</t></is></é:c></row>') + "</sheetData>",
        ' xmlns:é="urn:other"')
    with pytest.raises(IngestError, match="elements of another namespace"):
        _lines(_workbook(tmp_path / "e.xlsx", sheet_xml=xml), rules)


@pytest.mark.parametrize("value", ['<v xml:space="preserve">1&#48;</v>', "<v>1&#48;</v >"])
def test_value_elements_with_attributes_are_looked_at(rules, tmp_path, value) -> None:
    xml = _sheet(f"<sheetData>{_HEAD}{_row(2, 'x')}</sheetData>".replace(
        '<c r="D2" t="inlineStr"><is><t>x</t></is></c>', f'<c r="D2" t="s">{value}</c>'))
    with pytest.raises(IngestError, match="white space or a character reference"):
        _lines(_workbook(tmp_path / "v.xlsx", sheet_xml=xml), rules)


def _masking_style(tmp_path: Path, cell_style: str, styles_change=None) -> Path:  # type: ignore[no-untyped-def]
    """The ECCN cell "EAR99" under ``cell_style`` (an s attribute's value); style 2 shows
    "3A001" for any text."""
    xml = _sheet(f"<sheetData>{_HEAD}{_row(2, 'EAR99')}</sheetData>".replace(
        '<c r="D2" t="inlineStr">', f'<c r="D2" t="inlineStr" s="{cell_style}">'))
    path = _workbook(tmp_path / "style.xlsx", sheet_xml=xml)
    return _rewrite(path, {"xl/styles.xml": styles_change or (lambda old: old.replace(
        b'formatCode="yyyy-mm-dd"/></numFmts>',
        b'formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="0;-0;0;&quot;3A001'
        b'&quot;"/></numFmts>').replace(b'<cellXfs count="2">', b'<cellXfs count="3">')
        .replace(b"</cellXfs>", b'<xf numFmtId="165" applyNumberFormat="1"/></cellXfs>'))})


@pytest.mark.parametrize("written", ["2", "02", "&#50;", "+2", " 2"])
def test_a_style_index_however_written_is_looked_at(rules, tmp_path, written) -> None:
    (line,) = _lines(_masking_style(tmp_path, written), rules)
    assert "VALUE_SHOWN_OTHERWISE" in {p.code for p in line.problems}


def test_a_cell_style_format_is_inherited(rules, tmp_path) -> None:
    """The masking format on the cell style (cellStyleXfs) a cell format without its own
    number format points to."""
    def styles(old: bytes) -> bytes:
        return (old.replace(b'formatCode="yyyy-mm-dd"/></numFmts>',
                            b'formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="0;-0;'
                            b'0;&quot;3A001&quot;"/></numFmts>')
                .replace(b'<cellStyleXfs count="1"><xf/></cellStyleXfs>',
                         b'<cellStyleXfs count="2"><xf/><xf numFmtId="165"/></cellStyleXfs>')
                .replace(b'<cellXfs count="2">', b'<cellXfs count="3">')
                .replace(b"</cellXfs>", b'<xf xfId="1"/></cellXfs>'))
    (line,) = _lines(_masking_style(tmp_path, "2", styles), rules)
    assert "VALUE_SHOWN_OTHERWISE" in {p.code for p in line.problems}


def test_sheet_data_named_in_a_cell_ends_nothing(rules, tmp_path) -> None:
    """A cell's text holding "x:sheetData>" (">" needs no escaping) before a formula cell
    cut by a 4 MiB piece: the piece still ends after a row, and the formula is seen."""
    xml = _split_sheet(_FORMULA_CELL, 25, "see x:sheetData&gt; and x:sheetData>")
    path = _workbook(tmp_path / "text.xlsx",
                     sheet_xml='<?xml version="1.0" encoding="UTF-8"?>\n' + xml)
    (line,) = _lines(path, rules)
    assert "FORMULA_VALUE_STALE" in {p.code for p in line.problems}
