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


def _workbook(path: Path, *, formula: str = "DATE(2021,3,1)", calc: str = "",
              names: str = "", calc_sheet: str = "", sheet_xml: str | None = None) -> Path:
    sheets = [("Shipments", sheet_xml or f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEAD}'
               f'{_LINE.format(formula=formula)}</sheetData></worksheet>')]
    if calc_sheet:
        sheets.append(("Calc", f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">'
                       f'<c r="A1" s="1"><f>{calc_sheet}</f><v>44166</v></c></row>'
                       f'</sheetData></worksheet>'))
    listed = "".join(f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                     for i, (n, _x) in enumerate(sheets))
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{_REL}/worksheet" '
                   f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
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
        for i, (_n, xml) in enumerate(sheets):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", xml)
    return path


def _codes(path: Path, rules) -> list[str]:
    prepared = prepare_input(path, aliases=rules.aliases,
                             exception_codes=frozenset(rules.exceptions), sheet="Shipments")
    (line,) = list(prepared.lines())
    return [p.code for p in line.problems]


def test_a_plain_formula_keeps_its_saved_value(rules, tmp_path) -> None:
    assert "FORMULA_VALUE_STALE" not in _codes(_workbook(tmp_path / "plain.xlsx"), rules)


@pytest.mark.parametrize("kind", ["single-quoted flag", "volatile on another sheet",
                                  "volatile defined name", "flag with spaces"])
def test_a_saved_value_excel_would_replace_is_not_trusted(rules, tmp_path, kind) -> None:
    path = tmp_path / "stale.xlsx"
    if kind == "single-quoted flag":
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


def test_sheet_xml_with_prefixed_cells_is_refused(rules, tmp_path) -> None:
    head = _HEAD.replace("<row", "<x:row").replace("</row", "</x:row") \
        .replace("<c ", "<x:c ").replace("</c>", "</x:c>").replace("<is>", "<x:is>") \
        .replace("</is>", "</x:is>").replace("<t>", "<x:t>").replace("</t>", "</x:t>")
    xml = (f'<x:worksheet xmlns:x="{_MAIN}"><x:sheetData>{head}</x:sheetData>'
           f'</x:worksheet>')
    with pytest.raises(IngestError, match="names its cells with a namespace prefix"):
        _codes(_workbook(tmp_path / "prefixed.xlsx", sheet_xml=xml), rules)


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
