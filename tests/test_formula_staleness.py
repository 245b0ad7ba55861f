"""A formula's saved value is not trusted when Excel would show another on opening: found by an
independent review, three workbooks whose saved dates were old read as CLEAR on Hong Kong's
pre-2020 row (the recalculate-on-open flag in single quotes; =Calc!A1 where Calc!A1 is
=TODAY()-730; a defined name holding TODAY()); and sheet XML the checks' byte patterns do
not read (single-quoted attributes, a prefixed namespace) is refused, not passed unseen."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from screening.ingest import IngestError, prepare_input
from tests.test_hostile_input import rewrite_member

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Line ID</t></is></c>'
         '<c r="B1" t="inlineStr"><is><t>Ship-to Country</t></is></c>'
         '<c r="C1" t="inlineStr"><is><t>Ship Date</t></is></c>'
         '<c r="D1" t="inlineStr"><is><t>ECCN</t></is></c></row>')
#: Ship date 2021-03-01 by its formula; the value saved with it: 2020-01-01 (43831).
_LINE = ('<row r="2"><c r="A2" t="inlineStr"><is><t>L1</t></is></c>'
         '<c r="B2" t="inlineStr"><is><t>HK</t></is></c>'
         '<c r="C2" s="1"><f>{formula}</f><v>43831</v></c>'
         '<c r="D2" t="inlineStr"><is><t>2A290</t></is></c></row>')


#: What Excel for Microsoft 365 writes: its formulas' values are trusted.
CALC_365 = '<calcPr calcId="191029"/>'


def _workbook(path: Path, *, formula: str = "DATE(2021,3,1)", calc: str = CALC_365,
              names: str = "", calc_sheet: str = "", sheet_xml: str | None = None,
              calc_part: str = "worksheets/sheet2.xml") -> Path:
    sheets = [("Shipments", sheet_xml or f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEAD}'
               f'{_LINE.format(formula=formula)}</sheetData></worksheet>')]
    if calc_sheet:
        sheets.append(("Calc", f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">'
                       f'<c r="A1" s="1"><f>{calc_sheet}</f><v>44166</v></c></row>'
                       f'</sheetData></worksheet>'))
    listed = "".join(f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                     for i, (n, _x) in enumerate(sheets))
    targets = ["worksheets/sheet1.xml", calc_part][:len(sheets)]
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{_REL}/worksheet" '
                   f'Target="{t}"/>' for i, t in enumerate(targets))
    rels += (f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" '
             f'Target="styles.xml"/>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
                   f'{listed}</sheets>{names}{calc}</workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{rels}</Relationships>'))
        z.writestr("xl/styles.xml", (
            f'<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
            'formatCode="yyyy-mm-dd"/></numFmts><fonts count="1"><font/></fonts><fills '
            'count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs '
            'count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf '
            'numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>'))
        for target, (_n, xml) in zip(targets, sheets, strict=True):
            z.writestr(f"xl/{target}", xml)
    return path


def _codes(path: Path, rules) -> list[str]:
    prepared = prepare_input(path, aliases=rules.aliases,
                             exception_codes=frozenset(rules.exceptions), sheet="Shipments")
    (line,) = list(prepared.lines())
    return [p.code for p in line.problems]


def test_a_plain_formula_keeps_its_saved_value(rules, tmp_path) -> None:
    assert "FORMULA_VALUE_STALE" not in _codes(_workbook(tmp_path / "plain.xlsx"), rules)
    later = _workbook(tmp_path / "later.xlsx", calc='<calcPr calcId="191030" calcMode="auto"/>')
    assert "FORMULA_VALUE_STALE" not in _codes(later, rules)


@pytest.mark.parametrize(("calc", "why"), [
    ("", "older version of Excel or by another program"),  # Excel reads no calcId as 0
    ('<calcPr calcId="162913"/>', "older version"),  # Excel 2016
    ("<calcPr/>", "older version"),
    ('<calcPr calcId="x"/>', "older version"),
    ('<calcPr calcId="191029" calcCompleted="0"/>', "recalculate every formula"),
    ('<calcPr calcId="191029" forceFullCalc="1"/>', "recalculate every formula")])
def test_formulas_excel_recalculates_on_opening_are_not_trusted(rules, tmp_path, calc,
                                                                why) -> None:
    """(s26) A workbook whose formulas were last calculated by an older engine than Excel
    365's (or by a program writing none: Excel takes 0) is recalculated in full when Excel
    opens it ([MS-XLS] 2.4.215): the ship date the officer sees is the formula's, 2021-03-01,
    not the 2020-01-01 saved with it (Hong Kong's pre-2020 row)."""
    prepared = prepare_input(_workbook(tmp_path / "old.xlsx", calc=calc),
                             aliases=rules.aliases,
                             exception_codes=frozenset(rules.exceptions), sheet="Shipments")
    (line,) = list(prepared.lines())
    stale = [p for p in line.problems if p.code == "FORMULA_VALUE_STALE"]
    assert stale and why in stale[0].message, line.problems
    assert line.export_date is None  # not read: never screened on the saved value


@pytest.mark.parametrize("kind", [
    "single-quoted flag", "volatile on another sheet", "volatile defined name",
    "flag with spaces",
    # Second review (s17): each of these was CLEAR.
    "flag as a character reference", "escaped volatile on another sheet",
    "escaped volatile defined name", "CDATA defined name", "sheet kept at xl/calc.xml",
    "another workbook", "RTD", "WEBSERVICE", "VBA function", "CDATA on another sheet"])
def test_a_saved_value_excel_would_replace_is_not_trusted(rules, tmp_path, kind) -> None:
    path = tmp_path / "stale.xlsx"
    name = '<definedNames><definedName name="ShipDay">{}</definedName></definedNames>'
    if kind == "flag as a character reference":
        _workbook(path, calc='<calcPr calcId="191029" fullCalcOnLoad="&#49;"/>')
    elif kind == "escaped volatile on another sheet":
        _workbook(path, formula="Calc!A1", calc_sheet="TOD&#65;Y()-730")
    elif kind == "CDATA on another sheet":
        _workbook(path, formula="Calc!A1", calc_sheet="<![CDATA[TODAY()-730]]>")
    elif kind == "escaped volatile defined name":
        _workbook(path, formula="ShipDay", names=name.format("TOD&#65;Y()-730"))
    elif kind == "CDATA defined name":
        _workbook(path, formula="ShipDay", names=name.format("<![CDATA[TODAY()-730]]>"))
    elif kind == "sheet kept at xl/calc.xml":
        _workbook(path, formula="Calc!A1", calc_sheet="TODAY()-730", calc_part="calc.xml")
    elif kind == "another workbook":
        _workbook(path, formula="[1]Sheet1!$A$1")
    elif kind == "RTD":
        _workbook(path, formula='RTD("feed",,"date")')
    elif kind == "WEBSERVICE":
        _workbook(path, formula='DATEVALUE(WEBSERVICE("http://x.invalid/d"))')
    elif kind == "VBA function":
        _workbook(path, formula="_xludf.SHIPDATE()")
    elif kind == "single-quoted flag":
        _workbook(path, calc="<calcPr calcId='191029' fullCalcOnLoad='1'/>")
    elif kind == "flag with spaces":
        _workbook(path, calc='<calcPr calcId="191029" fullCalcOnLoad = "true"/>')
    elif kind == "volatile on another sheet":
        _workbook(path, formula="Calc!A1", calc_sheet="TODAY()-730")
    else:
        _workbook(path, formula="ShipDay", names='<definedNames><definedName name="ShipDay">'
                  'TODAY()-730</definedName></definedNames>')
    assert "FORMULA_VALUE_STALE" in _codes(path, rules)


@pytest.mark.parametrize(("cell", "said"), [
    ("<c r='C2' s='1'><v>44256</v></c>", "single quotes"),
    ('<c r = "C2" s="1"><v>44256</v></c>', "spaces around '='"),
])
def test_sheet_xml_with_odd_attributes_is_refused(rules, tmp_path, cell, said) -> None:
    xml = (f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEAD}<row r="2">{cell}</row>'
           f'</sheetData></worksheet>')
    with pytest.raises(IngestError, match=f"refused: the sheet's XML .*{said}"):
        _codes(_workbook(tmp_path / "odd.xlsx", sheet_xml=xml), rules)


def _prefixed(xml: str) -> str:
    for tag in ("worksheet", "sheetData", "row", "c", "is", "t", "f", "v"):
        xml = xml.replace(f"<{tag}>", f"<x:{tag}>").replace(f"<{tag} ", f"<x:{tag} ") \
            .replace(f"</{tag}>", f"</x:{tag}>")
    return xml.replace(f'xmlns="{_MAIN}"', f'xmlns:x="{_MAIN}"')


def test_a_sheet_written_with_a_namespace_prefix_is_checked_like_any_other(rules,
                                                                           tmp_path) -> None:
    """The .NET Open XML SDK writes ``<x:worksheet xmlns:x=...>`` (ERP exports): read, with
    the same checks (it was refused at first; a review found such files common)."""
    plain = (f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEAD}{_LINE.format(formula="TODAY()")}'
             '</sheetData></worksheet>')
    path = _workbook(tmp_path / "prefixed.xlsx", sheet_xml=_prefixed(plain))
    assert "FORMULA_VALUE_STALE" in _codes(path, rules)
    far = plain.replace('<c r="D2"', '<c r="XFD1048576"')
    with pytest.raises(IngestError, match="refused: the sheet has a cell at XFD1048576"):
        _codes(_workbook(tmp_path / "far.xlsx", sheet_xml=_prefixed(far)), rules)


def test_values_with_equals_signs_or_quotes_are_not_odd_attributes(rules, tmp_path) -> None:
    """(Review, s17:) a data validation's prompt "Y = licence needed" or a hyperlink's tooltip
    "rate = 1" refused the workbook as written with odd attributes."""
    xml = (f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEAD}{_LINE.format(formula="DATE(2021,3,1)")}'
           '</sheetData><dataValidations count="1"><dataValidation type="list" '
           'prompt="Y = licence needed, it\'s \'N\' = no" sqref="E2"><formula1>"Y,N"</formula1>'
           '</dataValidation></dataValidations></worksheet>')
    assert "FORMULA_VALUE_STALE" not in _codes(_workbook(tmp_path / "dv.xlsx", sheet_xml=xml),
                                                rules)


def test_text_with_equals_signs_is_not_taken_for_odd_xml(rules, tmp_path) -> None:
    """A formula or a text cell may hold "=" freely: only attributes are looked at."""
    xml = (f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEAD}'
           f'{_LINE.format(formula="IF(1 = 1,DATE(2021,3,1),0)")}'
           '<row r="3"><c r="A3" t="inlineStr"><is><t>a = b, c=\'d\'</t></is></c></row>'
           '</sheetData></worksheet>')
    prepared = prepare_input(_workbook(tmp_path / "eq.xlsx", sheet_xml=xml),
                             aliases=rules.aliases,
                             exception_codes=frozenset(rules.exceptions))
    assert len(list(prepared.lines())) == 2


def test_every_cell_of_a_volatile_array_formula_is_stale(rules, tmp_path) -> None:
    """(Review, s17:) an array formula (and a dynamic array's spill) is written in its first
    cell only; the second line's date, a value of the same formula, was CLEAR."""
    line = ('<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>L{r}</t></is></c>'
            '<c r="B{r}" t="inlineStr"><is><t>HK</t></is></c>{date}'
            '<c r="D{r}" t="inlineStr"><is><t>2A290</t></is></c></row>')
    xml = (f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEAD}'
           + line.format(r=2, date='<c r="C2" s="1"><f t="array" ref="C2:C3">'
                                   'TODAY()-{2000;2001}</f><v>43892</v></c>')
           + line.format(r=3, date='<c r="C3" s="1"><v>43891</v></c>')
           + '</sheetData></worksheet>')
    prepared = prepare_input(_workbook(tmp_path / "array.xlsx", sheet_xml=xml),
                             aliases=rules.aliases, exception_codes=frozenset(rules.exceptions))
    for line_read in prepared.lines():
        assert "FORMULA_VALUE_STALE" in {p.code for p in line_read.problems}, line_read.row


def test_every_cell_of_an_array_formula_saved_without_values_has_no_value(rules,
                                                                         tmp_path) -> None:
    """(s23 hunt:) an array formula saved without values (openpyxl writes one so) was
    FORMULA_NO_VALUE in its first cell only; the other cells of its range, empty in the file
    though Excel shows the formula's values there, read as blank and their lines were
    CLEAR. The third line has no row in the file at all."""
    line = ('<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>L{r}</t></is></c>'
            '<c r="B{r}" t="inlineStr"><is><t>DE</t></is></c>'
            '<c r="C{r}" t="inlineStr"><is><t>2021-03-01</t></is></c>{ecc}</row>')
    xml = (f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEAD}'
           + line.format(r=2, ecc='<c r="D2"><f t="array" ref="D2:D4">G2:G4</f></c>')
           + line.format(r=3, ecc="")
           + '</sheetData></worksheet>')
    prepared = prepare_input(_workbook(tmp_path / "array.xlsx", sheet_xml=xml),
                             aliases=rules.aliases, exception_codes=frozenset(rules.exceptions))
    lines = list(prepared.lines())
    assert [line_read.row for line_read in lines] == [2, 3, 4]
    for line_read in lines:
        assert "FORMULA_NO_VALUE" in {p.code for p in line_read.problems}, line_read.row


@pytest.mark.parametrize(("value", "no_value"), [
    ('t="str"><f>IF(1=1,"","x")</f><v></v>', False), ('t="str"><f>IF(1=1,"","x")</f><v/>', False),
    ("><f>1/1</f><v></v>", True), ('t="str"><f>IF(1=1,"","x")</f>', True)])
def test_a_formula_whose_text_result_is_empty_has_a_value(rules, tmp_path, value,
                                                          no_value) -> None:
    """(s23 hunt:) Excel saves a formula returning "" as an empty value of a text cell, which
    shows blank: its line was ERROR FORMULA_NO_VALUE, "saved without recalculating". A number
    cell with an empty value, or none, has no value."""
    xml = (f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEAD}'
           '<row r="2"><c r="A2" t="inlineStr"><is><t>L1</t></is></c>'
           '<c r="B2" t="inlineStr"><is><t>DE</t></is></c>'
           '<c r="C2" t="inlineStr"><is><t>2021-03-01</t></is></c>'
           '<c r="D2" t="inlineStr"><is><t>EAR99</t></is></c>'
           f'<c r="E2" {value}</c></row></sheetData></worksheet>')
    xml = xml.replace("<t>ECCN</t></is></c></row>", "<t>ECCN</t></is></c>"
                      '<c r="E1" t="inlineStr"><is><t>Ultimate Destination</t></is></c></row>', 1)
    prepared = prepare_input(_workbook(tmp_path / "empty.xlsx", sheet_xml=xml),
                             aliases=rules.aliases, exception_codes=frozenset(rules.exceptions))
    (line,) = list(prepared.lines())
    assert ("FORMULA_NO_VALUE" in {p.code for p in line.problems}) is no_value


@pytest.mark.parametrize("cell", [
    '<c r="E2" t="inlineStr"><v>China</v></c>',
    '<c r="E2" t="inlineStr"><is><t>China</t></is><v>x</v></c>'])
def test_an_inline_text_cell_with_a_value_element_is_refused(rules, tmp_path, cell) -> None:
    """(s23 hunt:) hand-written XML: the cell reader read these as "" with no finding (an
    ultimate destination dropped, the line CLEAR)."""
    xml = (f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEAD}<row r="2">'
           f'<c r="A2" t="inlineStr"><is><t>L1</t></is></c>{cell}</row>'
           f'</sheetData></worksheet>')
    with pytest.raises(IngestError, match="inline-text cell with a value element"):
        _codes(_workbook(tmp_path / "inline.xlsx", sheet_xml=xml), rules)


@pytest.mark.parametrize(("cells", "said"), [
    ('<c r="A2" t="inlineStr"><is><t>L1</t></is></c><c s="1"><f>TODAY()</f><v>43831</v></c>',
     "formula cells written without a cell reference"),
    ('<c r="C&#50;" s="1"><v>44256</v></c>', "cell reference with a character reference"),
    ('<c r="C2" s="1"><f><![CDATA[TODAY()]]></f><v>43831</v></c>', "CDATA"),
])
def test_sheet_xml_the_checks_cannot_place_is_refused(rules, tmp_path, cells, said) -> None:
    xml = (f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEAD}<row r="2">{cells}</row>'
           f'</sheetData></worksheet>')
    with pytest.raises(IngestError, match=f"refused: the sheet.*{said}"):
        _codes(_workbook(tmp_path / "odd.xlsx", sheet_xml=xml), rules)


def test_a_utf16_sheet_is_refused(rules, tmp_path) -> None:
    xml = (f'<?xml version="1.0" encoding="UTF-16"?><worksheet xmlns="{_MAIN}"><sheetData>'
           f'{_HEAD}</sheetData></worksheet>')
    path = _workbook(tmp_path / "u16.xlsx", sheet_xml="x")
    rewrite_member(path, "xl/worksheets/sheet1.xml", lambda _old: xml.encode("utf-16"))
    with pytest.raises(IngestError, match="is not UTF-8"):
        _codes(path, rules)


def test_a_far_cell_in_lower_case_is_refused_not_allocated(rules, tmp_path) -> None:
    """(Review, s17:) "xfd1048576" in a row written without its number: the extent check
    read only upper-case references, and the cell reader (which reads either) asked for
    512 GiB and killed the process (exit 134)."""
    xml = (f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEAD}<row><c r="xfd1048576" '
           f't="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
    with pytest.raises(IngestError, match="refused: the sheet has a cell at XFD1048576"):
        _codes(_workbook(tmp_path / "far.xlsx", sheet_xml=xml), rules)


def test_a_table_column_reference_is_not_another_workbook(rules, tmp_path) -> None:
    """(Review, s17:) "Sales[2024]" (a table's column) was read as a reference to another
    workbook, which made every formula value of the sheet untrusted."""
    path = _workbook(tmp_path / "table.xlsx", formula="SUM(Sales[2024])")
    assert "FORMULA_VALUE_STALE" not in _codes(path, rules)


def test_a_part_declaring_an_unknown_encoding_is_a_clear_refusal(rules, tmp_path) -> None:
    """(Review, s17:) "unexpected error: LookupError"."""
    path = _workbook(tmp_path / "enc.xlsx")
    rewrite_member(path, "xl/workbook.xml",
                   lambda old: b'<?xml version="1.0" encoding="x-mac-bogus"?>' + old)
    with pytest.raises(IngestError, match=r"xl/workbook\.xml is not well-formed XML"):
        _codes(path, rules)
