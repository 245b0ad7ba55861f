"""``verify``'s "report presentation" check: the digest and signature cover an XLSX report's
cell values, not how they are shown. A report doctored to show other than its values (a
number format ``;;;"CLEAR"`` on LICENSE_REQUIRED verdicts, ``"0"`` on a count of 2, a hidden
sheet, row or column, white text, an object over the cells, a print area leaving lines off)
kept every value, so every other check passed and verify said "verified"; it now fails,
naming the sheet and cell. An untouched report, or one saved again by openpyxl or
LibreOffice without a change, still verifies."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from screening.cli import main
from screening.reports import write_report
from screening.reports.presentation import Shown, _Xf, number_format, value_shown
from screening.reports.verify import Status, verify_report
from screening.service import ScreenOptions, run_screening
from tests.conftest import SAMPLE_XLSX
from tests.test_hostile_input import rewrite_member

NAME = "report presentation"


@pytest.fixture
def report(db, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    target = tmp_path / "r.xlsx"
    write_report(db, run.id, target, generated_by="auditor")
    return target


def _checks(path: Path, db: Any, input_path: Path | None = SAMPLE_XLSX) -> dict[str, Any]:
    result = verify_report(path, input_path, db)
    checks = {c.name: c for c in result.checks}
    checks["exit"] = result.exit_code
    return checks


def _doctored(db: Any, report: Path, change: Callable[[Any], None], name: str = "d.xlsx"
              ) -> dict[str, Any]:
    """Verify the report after ``change`` (on the openpyxl workbook) and a save: the values
    are untouched, so the digest, signature, re-screen and stored run still pass."""
    book = openpyxl.load_workbook(report)
    change(book)
    target = report.with_name(name)
    book.save(target)
    checks = _checks(target, db)
    for other in ("report digest", "re-screen", "report signature", "stored run"):
        assert checks[other].status is Status.PASSED, checks[other]
    return checks


def _failed(checks: dict[str, Any], *words: str) -> str:
    check = checks[NAME]
    assert check.status is Status.FAILED, check
    assert checks["exit"] == 1
    for word in words:
        assert word in check.detail, (word, check.detail)
    return check.detail


def _verdict_cells(book: Any, verdict: str) -> list[Any]:
    return [row[2] for row in book["Lines"].iter_rows(min_row=2) if row[2].value == verdict]


def test_untouched_report_and_a_plain_resave_pass(db, report) -> None:  # type: ignore[no-untyped-def]
    checks = _checks(report, db)
    assert checks[NAME].status is Status.PASSED and checks["exit"] == 0
    assert list(checks)[-2] == NAME  # the seventh check, after the six before it
    resaved = _doctored(db, report, lambda book: None)
    assert resaved[NAME].status is Status.PASSED and resaved["exit"] == 0


def test_incomplete_runs_report_with_its_notice_boxes_passes(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """hkscreen puts a red RUN NOT COMPLETE text box over the top of every sheet of an
    incomplete run's report: its own, so not refused."""
    def stop(_progress: object) -> None:
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        run_screening(db, SAMPLE_XLSX, ScreenOptions(), progress=stop)
    from screening.store import runs as run_store
    with db.sessions() as session:
        run = run_store.list_runs(session)[0]
    assert run.status == "failed"
    target = tmp_path / "partial.xlsx"
    write_report(db, run.id, target, generated_by="x")
    checks = _checks(target, db)
    assert checks[NAME].status is Status.PASSED, checks[NAME]
    assert checks["exit"] == 0


def test_the_testers_forgery_fails_naming_cells_and_sheet(db, db_url, report, capsys) -> None:  # type: ignore[no-untyped-def]
    """The forgery found by the tester: every LICENSE_REQUIRED verdict given the format
    ;;;"CLEAR" and a green fill, the count cells formats "0", the Findings sheet hidden."""
    def forge(book: Any) -> None:
        for cell in _verdict_cells(book, "LICENSE_REQUIRED"):
            cell.number_format = ';;;"CLEAR"'
            cell.fill = PatternFill("solid", fgColor="C9E7C1")
        for row in book["Summary"].iter_rows(min_row=3):
            if row[0].value == "Lines LICENSE_REQUIRED":
                row[1].number_format = '"0"'
        book["Findings"].sheet_state = "hidden"

    checks = _doctored(db, report, forge)
    detail = _failed(checks, "sheet Findings is hidden", ';;;"CLEAR"', '\'"0"\'',
                     "Lines!C", "Summary!B")
    assert "LICENSE_REQUIRED" in detail
    assert main(["--database-url", db_url, "verify", str(report.with_name("d.xlsx")),
                 str(SAMPLE_XLSX)]) == 1
    out = capsys.readouterr().out
    assert "FAILED    report presentation:" in out and "Result: not verified" in out


def _first_flagged_row(book: Any) -> int:
    return _verdict_cells(book, "LICENSE_REQUIRED")[0].row


def _hide_row(book: Any) -> None:
    book["Lines"].row_dimensions[_first_flagged_row(book)].hidden = True


def _flat_row(book: Any) -> None:
    book["Lines"].row_dimensions[_first_flagged_row(book)].height = 0.5


def _hide_column(book: Any) -> None:
    book["Lines"].column_dimensions["C"].hidden = True


def _very_hidden(book: Any) -> None:
    book["Lines"].sheet_state = "veryHidden"


def _white_text(book: Any) -> None:
    for cell in _verdict_cells(book, "LICENSE_REQUIRED"):
        cell.font = Font(color="FFF4B6B6")  # the LICENSE_REQUIRED fill's own colour


def _tiny_text(book: Any) -> None:
    for cell in _verdict_cells(book, "LICENSE_REQUIRED"):
        cell.font = Font(size=1)


def _conditional(book: Any) -> None:
    book["Lines"].conditional_formatting.add(
        "C2:C40", CellIsRule(operator="equal", formula=['"LICENSE_REQUIRED"'],
                             font=Font(color="FFFFFFFF")))


def _validation(book: Any) -> None:
    rule = DataValidation(type="list", formula1='"CLEAR"', promptTitle="Verdict",
                          prompt="CLEAR", showInputMessage=True)
    book["Lines"].add_data_validation(rule)
    rule.add("C2:C40")


def _comment(book: Any) -> None:
    _verdict_cells(book, "LICENSE_REQUIRED")[0].comment = Comment("CLEAR", "x")


def _print_area(book: Any) -> None:
    book["Lines"].print_area = "A1:U3"  # the printed report shows two lines


def _no_zeros(book: Any) -> None:
    book["Summary"].sheet_view.showZeros = False


def _scientific(book: Any) -> None:
    for row in book["Lines"].iter_rows(min_row=2, max_row=2):
        row[0].number_format = "0.00E+00"


@pytest.mark.parametrize(("change", "words"), [
    (_hide_row, ["Lines row", "is hidden (it holds values)"]),
    (_flat_row, ["Lines row", "0.5 points high"]),
    (_hide_column, ["Lines column C is hidden (it holds values, e.g. C1)"]),
    (_very_hidden, ["sheet Lines is veryHidden"]),
    (_white_text, ["Lines!C", "text coloured like its background"]),
    (_tiny_text, ["Lines!C", "1-point font"]),
    (_conditional, ["sheet Lines has conditionalFormatting"]),
    (_validation, ["sheet Lines has dataValidations"]),
    (_comment, ["comments"]),
    (_print_area, ["sheet Lines prints only", "left off the printed report"]),
    (_no_zeros, ["sheet Summary does not show zeros"]),
    (_scientific, ["Lines!A2 (value '5')", "0.00E+00"]),
], ids=lambda v: v.__name__.strip("_") if callable(v) else None)
def test_each_doctoring_fails_naming_where(db, report, change, words) -> None:  # type: ignore[no-untyped-def]
    _failed(_doctored(db, report, change), *words)


def _xml_doctored(db: Any, report: Path, member: str, change: Callable[[str], str]
                  ) -> dict[str, Any]:
    target = report.with_name("x.xlsx")
    shutil.copyfile(report, target)
    rewrite_member(target, member, lambda data: change(data.decode("utf-8")).encode("utf-8"))
    checks = _checks(target, db)
    assert checks["report digest"].status is Status.PASSED  # the values are as signed
    assert checks["report signature"].status is Status.PASSED
    return checks


_TEXT_BOX = ('<xdr:twoCellAnchor><xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff>'
             '<xdr:row>20</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>2'
             '</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>21</xdr:row><xdr:rowOff>0'
             '</xdr:rowOff></xdr:to><xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr '
             'id="9" name="TextBox 9"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr/>'
             '<xdr:txBody><a:bodyPr/><a:p><a:r><a:t>0</a:t></a:r></a:p></xdr:txBody></xdr:sp>'
             '<xdr:clientData/></xdr:twoCellAnchor>')


def test_a_text_box_over_a_count_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    checks = _xml_doctored(db, report, "xl/drawings/drawing1.xml",
                           lambda xml: xml.replace("</xdr:wsDr>", _TEXT_BOX + "</xdr:wsDr>"))
    _failed(checks, "a text box on sheet Summary shows '0' over the cells")


def test_the_chart_moved_over_the_summary_values_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    checks = _xml_doctored(db, report, "xl/drawings/drawing1.xml",
                           lambda xml: xml.replace("<xdr:col>3</xdr:col>",
                                                   "<xdr:col>1</xdr:col>", 1))
    _failed(checks, "the chart on sheet Summary covers cell B")


def test_a_chart_text_hkscreen_never_writes_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    checks = _xml_doctored(db, report, "xl/charts/chart1.xml",
                           lambda xml: xml.replace("Lines by export month and verdict",
                                                   "Every line CLEAR"))
    _failed(checks, "'Every line CLEAR'")


def test_the_default_style_hiding_every_plain_cell_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    """Style 0 (every cell written without a style of its own) given ;;; in styles.xml."""
    def hide(xml: str) -> str:
        xml = xml.replace('<numFmts count="2">',
                          '<numFmts count="3"><numFmt numFmtId="200" formatCode=";;;"/>')
        return xml.replace('<cellXfs count="', '<cellXfs  count="').replace(
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
            '<xf numFmtId="200" fontId="0" fillId="0" borderId="0" xfId="0"/>', 1)

    checks = _xml_doctored(db, report, "xl/styles.xml", hide)
    _failed(checks, "';;;'", "several sections")


def test_a_merge_over_a_value_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    """The Input file's value (B3) merged under its label: a merge shows its first cell."""
    checks = _xml_doctored(db, report, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A3:B3"/>'
                        '</mergeCells>'))
    _failed(checks, "sheet Summary merges A3:B3, hiding the value of B3")


def test_rich_text_in_a_shared_string_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    """The same text as runs, one of which can be coloured away: its value is unchanged."""
    def rich(xml: str) -> str:
        start = xml.index("<si><t>") + len("<si><t>")
        end = xml.index("</t></si>", start)
        text = xml[start:end]
        return (xml[:start - len("<si><t>")] + f"<si><r><rPr><color rgb=\"FFFFFFFF\"/></rPr>"
                f"<t>{text[:1]}</t></r><r><t>{text[1:]}</t></r></si>"
                + xml[end + len("</t></si>"):])

    checks = _xml_doctored(db, report, "xl/sharedStrings.xml", rich)
    _failed(checks, "rich or phonetic text")


@pytest.mark.parametrize(("code", "kind"), [
    ("General", "general"), ("@", "text"), ("0", "number"), ("0.00", "number"),
    ("#,##0", "number"), ("#,##0.00", "number"), ("0%", "number"), ("0.00%", "number"),
    ("yyyy-mm-dd", "date"), ("yyyy-mm-dd hh:mm:ss", "date"), ("YYYY\\-MM\\-DD", "date"),
    ("[$-409]yyyy-mm-dd", "date"), ("d/m/yyyy", "refused"), ("yyyy-dd-mm", "refused"),
    (';;;"CLEAR"', "refused"), ('"0"', "refused"), ('"3"', "refused"), (";;;", "refused"),
    ("0;0", "refused"), ("[White]0", "refused"), ("[<1]0", "refused"), ("0,", "refused"),
    ("#", "refused"), ("0.00E+00", "refused"), ("# ?/?", "refused"), ("\\C0", "refused"),
    ("*x0", "refused"), ("_(0", "refused"), ("yyyy", "refused"), ("hh:mm", "refused"),
    ("[$€-407]#,##0", "refused"), ("-0", "refused"), ("", "refused"),
])
def test_number_formats_kept_and_refused(code, kind) -> None:  # type: ignore[no-untyped-def]
    assert number_format(code).kind == kind, (code, number_format(code))


def test_a_plain_number_format_must_show_the_value_as_stored() -> None:
    whole = _Xf(shown=number_format("0"))
    assert value_shown(whole, 2) == "" and value_shown(whole, 2.0) == ""
    assert "shown rounded" in value_shown(whole, 2.6)  # 0 would show 3
    assert value_shown(_Xf(shown=number_format("0.00")), 2.65) == ""
    assert value_shown(_Xf(shown=Shown("number", 0, True)), 0.25) == ""  # 25%
    assert "shown rounded" in value_shown(_Xf(shown=number_format("0%")), 0.255)
    assert "a date format on the number" in value_shown(_Xf(shown=number_format(
        "yyyy-mm-dd")), 2)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_resave_keeps_a_report_verified_and_a_forgery_failed(db, report,
                                                                          tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Opened and saved again by LibreOffice (soffice --convert-to xlsx): its own number
    formats (yyyy\\-mm\\-dd, General as a custom format), every string shared, empty
    drawings on the sheets: every check still passes; a forged format survives the re-save
    and still fails."""
    book = openpyxl.load_workbook(report)
    for cell in _verdict_cells(book, "LICENSE_REQUIRED"):
        cell.number_format = ';;;"CLEAR"'
    book.save(tmp_path / "forged.xlsx")
    out = tmp_path / "lo"
    for path in (report, tmp_path / "forged.xlsx"):
        subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out),
                        str(path)], check=True, capture_output=True, timeout=180,
                       env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    resaved = _checks(out / "r.xlsx", db)
    assert all(c.status is Status.PASSED for k, c in resaved.items() if k != "exit"), resaved
    assert resaved["exit"] == 0
    _failed(_checks(out / "forged.xlsx", db), "Lines!C", ';;;"CLEAR"')


def _package_doctored(db: Any, report: Path, change: Callable[[dict[str, bytes]], None]
                      ) -> dict[str, Any]:
    """Verify the report after ``change`` to its parts (name: bytes, in order)."""
    import zipfile

    with zipfile.ZipFile(report) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    change(parts)
    target = report.with_name("p.xlsx")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return _checks(target, db)


def _second(parts: dict[str, bytes], kind: str, name: str, new: str, rels: str) -> None:
    """A second ``kind`` part at ``new`` (a copy of ``name``), the relationships of ``rels``
    pointing at it, listed after the first in the content types."""
    parts[new] = parts[name]
    parts[rels] = parts[rels].replace(f'Target="{name.split("/", 1)[1]}"'.encode()
                                      if rels != "_rels/.rels" else f'Target="{name}"'.encode(),
                                      f'Target="{new.split("/", 1)[1]}"'.encode()
                                      if rels != "_rels/.rels" else f'Target="{new}"'.encode())
    types = parts["[Content_Types].xml"].decode()
    override = types[types.index(f'<Override PartName="/{name}"'):]
    override = override[:override.index("/>") + 2]
    parts["[Content_Types].xml"] = types.replace(
        override, override + override.replace(f"/{name}", f"/{new}")).encode()


@pytest.mark.parametrize(("change", "words"), [
    # (s23 hunt:) the spreadsheet program follows the relationships to the second part, the
    # value reader and the presentation check read the first: verify passed a report that
    # showed other verdicts and counts.
    (lambda p: _second(p, "styles", "xl/styles.xml", "xl/styles2.xml",
                       "xl/_rels/workbook.xml.rels"),
     ("the workbook's styles part is xl/styles2.xml", "xl/styles.xml, a part nothing")),
    (lambda p: _second(p, "sharedStrings", "xl/sharedStrings.xml", "xl/sharedStrings2.xml",
                       "xl/_rels/workbook.xml.rels"),
     ("the workbook's sharedStrings part is xl/sharedStrings2.xml",)),
    (lambda p: (p.__setitem__("xl/_rels/workbook2.xml.rels", p["xl/_rels/workbook.xml.rels"]),
                _second(p, "main", "xl/workbook.xml", "xl/workbook2.xml", "_rels/.rels")),
     ("the package's main part is xl/workbook2.xml",
      "xl/_rels/workbook.xml.rels, relationships of a part it does not use")),
    (lambda p: p.__setitem__("xl/worksheets/sheet99.xml", p["xl/worksheets/sheet2.xml"]),
     ("xl/worksheets/sheet99.xml, a part nothing in it refers to",)),
    (lambda p: p.__setitem__("xl/theme/theme1.xml", p["xl/theme/theme1.xml"].replace(
        b'<a:dk1><a:sysClr val="windowText"', b'<a:dk1><a:sysClr val="window"')),
     ("text coloured like its background",)),
])
def test_parts_a_spreadsheet_program_would_show_instead_fail(db, report, change,
                                                             words) -> None:  # type: ignore[no-untyped-def]
    checks = _package_doctored(db, report, change)
    assert checks["report digest"].status is Status.PASSED  # the values read are as signed
    _failed(checks, *words)


def test_a_run_still_being_screened_gives_no_report(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """(s23 hunt:) a report of a running run stated 0 lines and every count 0 beside a Lines
    sheet of the lines stored so far, and failed verify: refused until the run ends."""
    from sqlalchemy import text

    from screening.reports.safety import ExportError
    from screening.store import runs as run_store

    def stop(_progress: object) -> None:
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        run_screening(db, SAMPLE_XLSX, ScreenOptions(), progress=stop)
    with db.sessions.begin() as session:
        run = run_store.list_runs(session)[0]
        session.execute(text("UPDATE runs SET status = 'running' WHERE id = :id"),
                        {"id": run.id})
    target = tmp_path / "running.xlsx"
    with pytest.raises(ExportError, match=f"run {run.id} is still being screened"):
        write_report(db, run.id, target, generated_by="x")
    assert not target.exists()


def _recolour(book: Any) -> None:
    for cell in _verdict_cells(book, "LICENSE_REQUIRED"):
        cell.fill = PatternFill("solid", fgColor="FFC9E7C1")  # CLEAR's green


def _strike(book: Any) -> None:
    for cell in _verdict_cells(book, "LICENSE_REQUIRED"):
        cell.font = Font(strike=True)


@pytest.mark.parametrize(("change", "words"), [
    (_recolour, "is filled in the colour of CLEAR verdicts"),
    (_strike, "struck-through text")])
def test_verdicts_recoloured_or_struck_through_fail(db, report, change, words) -> None:  # type: ignore[no-untyped-def]
    """(s24 audit:) a LICENSE_REQUIRED verdict filled CLEAR's green, or struck through,
    verified."""
    _failed(_doctored(db, report, change), "Lines!C", words)


def _zero_footer(book: Any) -> None:
    book["Lines"].oddFooter.left.text = "Run 1 · input SHA-256 " + "0" * 64


def _coded_zero_footer(book: Any) -> None:
    book["Lines"].oddFooter.left.text = "Run 1 · input SHA-256 &8" + "0" * 64


def _other_run(book: Any) -> None:
    footer = book["Findings"].oddFooter.left
    footer.text = footer.text.replace("Run ", "Run 9")


def test_a_footer_printing_another_input_hash_or_run_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    """(s24 audit:) every printed page of the Lines sheet showed an all-zero SHA-256."""
    _failed(_doctored(db, report, _zero_footer), "sheet Lines prints the input SHA-256 "
                                                 "0000000000000000")
    _failed(_doctored(db, report, _other_run, "r9.xlsx"), "sheet Findings prints run 9")
    # (s24 review:) a font-size code inside the hash prints the zeros all the same
    _failed(_doctored(db, report, _coded_zero_footer, "z8.xlsx"), "sheet Lines prints the "
                                                                  "input SHA-256 000")
