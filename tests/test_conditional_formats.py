"""Number formats that show a cell otherwise, from where the s24 check did not look (s25
input hunt). A "Germany" cell showing "Hong Kong" through a number format is REVIEW
VALUE_SHOWN_OTHERWISE; it was CLEAR when the format came from a conditional format, or when
a conditional format's or an extension's <numFmt> reused the format's id."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.formatting.rule import Rule
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat

from screening.ingest.errors import IngestError
from tests.conftest import screen_file

MASK = '0;-0;0;"Hong Kong"'
#: A consignee named on every line: the restricted-party check runs, so a line can be CLEAR.
HEAD = ["Line ID", "Ship Date", "Ship-to Country", "ECCN", "End User Type", "Consignee"]
PARTY = "Mueller Maschinenbau GmbH"


def _book(path: Path, *, mask_cell: bool = False, rule_format: str | None = None,
          ship_date: object = "2021-03-15") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Shipments"
    sheet.append(HEAD)
    sheet.append(["L1", ship_date, "Germany", "3A991", "military", PARTY])
    sheet.append(["L2", "2021-03-15", "Germany", "3A991", "military", PARTY])
    if mask_cell:
        sheet["C2"].number_format = MASK
    if rule_format is not None:  # an always-true rule on B2:C2 applying the format
        style = DifferentialStyle(numFmt=NumberFormat(numFmtId=170, formatCode=rule_format))
        sheet.conditional_formatting.add("B2:C2", Rule(type="expression", dxf=style,
                                                      formula=["TRUE"]))
    book.save(path)
    return path


def _edit(path: Path, member: str, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    parts[member] = change(parts[member].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def _verdicts(tmp_path: Path, path: Path) -> dict[str, tuple[str, set[str]]]:
    _run, lines = screen_file(tmp_path, path)
    return {key: (line.verdict, {f.code for f in line.findings}) for key, line in lines.items()}


def _mask_id(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
    at = styles.index('formatCode="0;-0;0;&quot;Hong Kong&quot;"')
    return styles[styles.rindex('numFmtId="', 0, at) + 10:].split('"', 1)[0]


def test_a_conditional_format_showing_other_text_is_a_review(tmp_path) -> None:
    found = _verdicts(tmp_path, _book(tmp_path / "cf.xlsx", rule_format=MASK))
    assert found["L1"][0] == "REVIEW" and "VALUE_SHOWN_OTHERWISE" in found["L1"][1]
    assert found["L2"][0] == "CLEAR"  # outside the rule's range


def test_a_conditional_format_of_another_kind_changes_nothing(tmp_path) -> None:
    found = _verdicts(tmp_path, _book(tmp_path / "plain.xlsx", rule_format="0.00"))
    assert found["L1"][0] == "CLEAR"


def test_a_conditional_format_showing_a_date_without_its_day_is_a_review(tmp_path) -> None:
    found = _verdicts(tmp_path, _book(tmp_path / "day.xlsx", rule_format="yyyy-mm",
                                      ship_date=dt.datetime(2021, 3, 15)))
    assert found["L1"][0] == "REVIEW" and "DATE_WITHOUT_DAY" in found["L1"][1], found


def test_the_excel_2010_form_with_its_format_in_the_rule_is_a_review(tmp_path) -> None:
    path = _book(tmp_path / "x14.xlsx")
    _edit(path, "xl/worksheets/sheet1.xml", lambda s: s.replace(
        "</worksheet>",
        '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:conditionalFormattings><x14:conditionalFormatting '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:cfRule type="expression" priority="1" id="{00000000-0000-0000-0000-000000000001}">'
        '<xm:f>TRUE</xm:f><x14:dxf><numFmt numFmtId="170" '
        'formatCode="0;-0;0;&quot;Hong Kong&quot;"/></x14:dxf></x14:cfRule>'
        '<xm:sqref>C2</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings>'
        '</ext></extLst></worksheet>'))
    found = _verdicts(tmp_path, path)
    assert found["L1"][0] == "REVIEW" and "VALUE_SHOWN_OTHERWISE" in found["L1"][1]


def test_a_format_id_reused_elsewhere_does_not_undo_the_check(tmp_path) -> None:
    """A conditional format's <numFmt>, or one in an extension Excel ignores, reusing the
    masking format's id with 'General'."""
    for where in ("dxf", "extension"):
        folder = tmp_path / where
        folder.mkdir()
        path = _book(folder / "in.xlsx", mask_cell=True)
        general = f'<numFmt numFmtId="{_mask_id(path)}" formatCode="General"/>'
        if where == "dxf":  # (openpyxl writes no <dxfs> here: one before <tableStyles>)
            _edit(path, "xl/styles.xml", lambda s, g=general: s.replace(
                "<tableStyles", f'<dxfs count="1"><dxf>{g}</dxf></dxfs><tableStyles', 1))
        else:
            _edit(path, "xl/styles.xml", lambda s, g=general: s.replace(
                "</styleSheet>", f'<extLst><ext uri="{{00000000-1111-2222-3333-444444444444}}">'
                f"{g}</ext></extLst></styleSheet>"))
        found = _verdicts(folder, path)
        assert found["L1"][0] == "REVIEW", (where, found)
        assert "VALUE_SHOWN_OTHERWISE" in found["L1"][1]


def test_a_header_shown_as_another_header_is_refused(tmp_path) -> None:
    """"Country of Origin" shown as "Ultimate Destination" over a Hong Kong column: the
    officer reads an ultimate destination the mapping never read (CLEAR)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Shipments"
    sheet.append([*HEAD, "Country of Origin"])
    sheet.append(["L1", "2021-03-15", "Germany", "3A991", "military", PARTY, "Hong Kong"])
    sheet["G1"].number_format = '0;-0;0;"Ultimate Destination"'
    path = tmp_path / "header.xlsx"
    book.save(path)
    with pytest.raises(IngestError, match=r"header cell Shipments!G1 holds 'Country of "
                                          r"Origin', but its number format"):
        screen_file(tmp_path, path)
    sheet["G1"].number_format = "General"  # as shown: read, the column not a destination
    book.save(path)
    plain = tmp_path / "plain"
    plain.mkdir()
    assert _verdicts(plain, path)["L1"][0] == "CLEAR"
