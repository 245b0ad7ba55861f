"""Reading spreadsheets: header detection, mapping, messy cells, and bad files refused with a
message that names file, sheet, row and column."""

from __future__ import annotations

import datetime as dt
import functools
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.engine import screen_line
from screening.ingest import IngestError, prepare_input
from screening.ingest.columns import Field, guess_field
from screening.ingest.pipeline import MappingSpec
from screening.model import Verdict
from screening.normalize import DateOrder
from tests.conftest import SAMPLE_CSV, SAMPLE_XLSX, clear_but_for_parties


def prep(path: Path, rules, **kw):
    return prepare_input(path, aliases=rules.aliases,
                         exception_codes=frozenset(rules.exceptions), **kw)


def write_xlsx(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


HEAD = ["Line", "Dest", "Ship Date", "ECCN"]


def test_sample_lines_out_equal_data_rows_in(rules) -> None:
    prepared = prep(SAMPLE_XLSX, rules)
    lines = list(prepared.lines())
    # Count the data rows independently with openpyxl: non-blank rows below the header.
    ws = openpyxl.load_workbook(SAMPLE_XLSX)["Shipments"]
    data_rows = [r for r in ws.iter_rows(min_row=5, values_only=True)
                 if any(v not in (None, "") for v in r)]
    assert len(lines) == len(data_rows) == 34
    assert [ln.row for ln in lines] == list(range(5, 5 + 34))
    assert prepared.sheet == "Shipments" and prepared.mapping.header_row == 4


def test_header_found_below_title_rows_and_synonyms_mapped(rules) -> None:
    prepared = prep(SAMPLE_XLSX, rules)
    m = prepared.mapping
    assert m.header_for(Field.DESTINATION) == "Ship-to Country"
    assert m.header_for(Field.ULTIMATE_DESTINATION) == "Country of Ultimate Destination"
    assert m.header_for(Field.EXPORT_DATE) == "Ship Date"
    assert m.header_for(Field.VALUE) == "Value (USD)"
    assert m.header_for(Field.END_USER_TYPE) == "End-User Type"


@pytest.mark.parametrize(("header", "field"), [
    ("Dest", Field.DESTINATION), ("Ship-to Country", Field.DESTINATION),
    ("Destination Country", Field.DESTINATION),
    ("Country of Ultimate Destination", Field.ULTIMATE_DESTINATION),
    ("ECCN / EAR99", Field.ECCN), ("Export Classification", Field.ECCN),
    ("Ship Date (dd/mm/yyyy)", Field.EXPORT_DATE), ("Lic. Exception", Field.LICENSE_EXCEPTION),
    ("Value (USD)", Field.VALUE), ("HTS Code", Field.HS_CODE), ("Qty", Field.QUANTITY),
    ("Unrelated", None),
])
def test_header_synonyms(header, field) -> None:
    assert guess_field(header) is field


def test_country_of_ultimate_destination_alone_is_the_destination(tmp_path, rules) -> None:
    path = write_xlsx(tmp_path / "u.xlsx", [["Line", "Country of Ultimate Destination",
                                             "Date", "ECCN"], [1, "HK", "2021-01-05", "EAR99"]])
    prepared = prep(path, rules)
    assert prepared.mapping.header_for(Field.DESTINATION) == "Country of Ultimate Destination"
    assert next(prepared.lines()).destination == "HK"


def test_messy_sample_cells_become_errors_naming_the_cell(rules) -> None:
    lines = {ln.line_id: ln for ln in prep(SAMPLE_XLSX, rules).lines()}
    messages = {k: [p.message for p in v.problems] for k, v in lines.items() if v.problems}
    assert messages["BAD-9001"] == ['Shipments!B31: "31/02/2021" is not a date.']
    assert "could be read day-first or month-first" in messages["BAD-9002"][0]
    assert messages["BAD-9003"][0].startswith("Shipments!C33: the destination is empty")
    assert '"Atlantis" is not a country' in messages["BAD-9004"][0]
    assert messages["BAD-9005"][0].startswith('Shipments!E35: "ABC-123" is not an ECCN')
    assert "Shipments!K37" in messages["BAD-9007"][0]
    assert "formula with no calculated value" in messages["BAD-9008"][0]
    assert lines["HK-1005"].destination == "HK" and lines["HK-1005"].eccn.text == "3A001.a.2"
    for bad in ("BAD-9001", "BAD-9002", "BAD-9003", "BAD-9004", "BAD-9005", "BAD-9006",
                "BAD-9007", "BAD-9008"):
        assert screen_line(lines[bad], rules).verdict is Verdict.ERROR, bad


def test_csv_cp1252_semicolons_with_mapping(rules) -> None:
    spec = MappingSpec.from_file(SAMPLE_CSV.with_name("eu_branch_mapping.json"))
    prepared = prep(SAMPLE_CSV, rules, mapping=spec)
    assert prepared.source.encoding == "cp1252" and prepared.source.delimiter == ";"
    lines = list(prepared.lines())
    assert len(lines) == 7
    assert lines[0].value == 1234.5 and lines[0].consignee == "Société Générale d'Énergie HK"
    assert lines[0].export_date == dt.date(2020, 12, 23)  # DMY from the mapping file
    assert lines[6].problems and "31/13/2021" in lines[6].problems[0].message


def test_csv_without_date_order_flags_ambiguous_dates(rules, tmp_path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Line,Dest,Date,ECCN\n1,HK,03/04/2021,EAR99\n2,HK,13/04/2021,EAR99\n",
                    encoding="utf-8")
    lines = list(prep(path, rules).lines())
    assert lines[0].problems[0].code == "AMBIGUOUS_DATE"
    assert lines[1].export_date == dt.date(2021, 4, 13)
    lines = list(prep(path, rules, date_order=DateOrder.MDY).lines())
    assert lines[0].export_date == dt.date(2021, 3, 4)


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                                ("cp1252", b""), ("utf-16", b"")])
def test_csv_encodings(tmp_path, rules, encoding, bom) -> None:
    text = ("Line\tDestination\tExport Date\tECCN\tConsignee\n"
            "1\tHong Kong\t2021-01-05\t5A992c\tCafé\n")
    path = tmp_path / "e.csv"
    path.write_bytes(bom + text.encode(encoding))
    line = next(prep(path, rules).lines())
    assert line.consignee == "Café" and line.destination == "HK"
    assert line.eccn.text == "5A992.c"


def test_as_of_for_files_without_a_date_column(tmp_path, rules) -> None:
    path = tmp_path / "open_orders.csv"
    path.write_text("Order,Destination,ECCN\nA,HK,2A290\n", encoding="utf-8")
    with pytest.raises(IngestError, match="export_date"):
        prep(path, rules)
    line = next(prep(path, rules, as_of=dt.date(2021, 6, 1)).lines())
    assert line.export_date == dt.date(2021, 6, 1) and line.date_assumed


def test_mapping_override_by_header_and_unknown_header(tmp_path, rules) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", [["Ref", "Where to", "When", "Class"],
                                            ["X1", "HK", "2021-02-01", "EAR99"]])
    with pytest.raises(IngestError, match="no header row found"):
        prep(path, rules)
    # With nothing recognisable the header cannot be found; a mapping names the columns.
    path = write_xlsx(tmp_path / "m2.xlsx", [["Ref", "Where to", "When", "ECCN"],
                                             ["X1", "HK", "2021-02-01", "EAR99"]])
    spec = MappingSpec({"destination": "Where to", "export_date": "When", "line_id": "Ref"})
    line = next(prep(path, rules, mapping=spec).lines())
    assert (line.line_id, line.destination) == ("X1", "HK")
    with pytest.raises(IngestError, match="has only"):
        prep(path, rules, mapping=MappingSpec({"destination": "Nope"}))
    with pytest.raises(IngestError, match="unknown field"):
        prep(path, rules, mapping=MappingSpec({"colour": "Ref"}))


def test_mapping_by_column_letter_in_either_case_and_within_the_sheet(tmp_path, rules) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", [["Ref", "Where to", "When", "ECCN", "Note"],
                                            ["X1", "HK", "2021-02-01", "EAR99", "5A992"]])
    base = {"destination": "Where to", "export_date": "When", "line_id": "Ref"}
    # "e" is column E, as "E" is (a lower-case letter once read as column AH and crashed).
    for letter in ("E", "e", " e "):
        line = next(prep(path, rules, mapping=MappingSpec({**base, "eccn": letter})).lines())
        assert line.eccn is not None and line.eccn.base == "5A992", letter
    # A column beyond the header row is refused with the sheet's width, not a crash later.
    with pytest.raises(IngestError, match=r"'zz' for eccn, but the header row has 5 columns "
                                          r"\(A to E\) and no header 'zz'; its headers: 'Ref'"):
        prep(path, rules, mapping=MappingSpec({**base, "eccn": "zz"}))
    # Letters outside A-Z are no column letters: the message lists the headers.
    with pytest.raises(IngestError, match="has only"):
        prep(path, rules, mapping=MappingSpec({**base, "eccn": "é"}))


def test_sheet_choice(tmp_path, rules) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Cover"
    wb.active["A1"] = "Cover page"
    ws = wb.create_sheet("Data")
    ws.append(HEAD)
    ws.append([1, "HK", "2021-01-05", "EAR99"])
    wb.save(tmp_path / "s.xlsx")
    assert prep(tmp_path / "s.xlsx", rules).sheet == "Data"
    with pytest.raises(IngestError, match="no sheet named 'Nope'; sheets: 'Cover', 'Data'"):
        prep(tmp_path / "s.xlsx", rules, sheet="Nope")


def test_data_not_starting_in_column_a(tmp_path, rules) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for i, h in enumerate(HEAD):
        ws.cell(3, 3 + i, h)
    for i, v in enumerate([7, "Atlantis", "2021-01-05", "EAR99"]):
        ws.cell(4, 3 + i, v)
    wb.save(tmp_path / "off.xlsx")
    line = next(prep(tmp_path / "off.xlsx", rules).lines())
    assert line.row == 4 and line.line_id == "7"
    assert line.problems[0].message.startswith('S!D4: "Atlantis"')


# --- files that cannot be screened at all -----------------------------------------------------

def _refused(path: Path, rules, pattern: str) -> IngestError:
    with pytest.raises(IngestError, match=pattern) as info:
        prep(path, rules)
    assert str(path) in str(info.value)
    return info.value


def test_empty_file(tmp_path, rules) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    _refused(tmp_path / "empty.csv", rules, "the file is empty")


def test_empty_workbook(tmp_path, rules) -> None:
    write_xlsx(tmp_path / "empty.xlsx", [])
    _refused(tmp_path / "empty.xlsx", rules, "no data")


def test_no_header_lists_what_was_seen(tmp_path, rules) -> None:
    (tmp_path / "nh.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    err = _refused(tmp_path / "nh.csv", rules, "no header row found")
    assert "'foo', 'bar'" in str(err) and "destination: dest, destination" in str(err)


def test_missing_required_columns(tmp_path, rules) -> None:
    write_xlsx(tmp_path / "mr.xlsx", [["Line", "Destination", "Qty"], [1, "HK", 2]], "Ship")
    err = _refused(tmp_path / "mr.xlsx", rules, "missing required column")
    assert "sheet 'Ship'" in str(err) and "row 1" in str(err) and "eccn" in str(err)


def test_non_spreadsheet_and_corrupt(tmp_path, rules) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"this is not a zip")
    _refused(tmp_path / "x.xlsx", rules, "not a valid XLSX")
    with zipfile.ZipFile(tmp_path / "y.xlsx", "w") as z:
        z.writestr("hello.txt", "hi")
    _refused(tmp_path / "y.xlsx", rules, "not an Excel workbook")
    (tmp_path / "bin.csv").write_bytes(b"\x00\x01\x02binary\x00")
    _refused(tmp_path / "bin.csv", rules, "binary file")
    good = SAMPLE_XLSX.read_bytes()
    (tmp_path / "trunc.xlsx").write_bytes(good[: len(good) // 2])
    _refused(tmp_path / "trunc.xlsx", rules, "not a valid XLSX|not a readable")


def test_legacy_xls_and_encrypted_xlsx(tmp_path, rules) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (tmp_path / "old.xls").write_bytes(ole + b"Workbook".ljust(512, b"\x00"))
    _refused(tmp_path / "old.xls", rules, r"legacy Excel 97-2003 \(.xls\)")
    (tmp_path / "locked.xlsx").write_bytes(ole + "EncryptedPackage".encode("utf-16-le"))
    _refused(tmp_path / "locked.xlsx", rules, "password-protected")


def test_zip_bomb_refused_before_reading(tmp_path, rules) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(300):
                member.write(block)
    _refused(path, rules, "zip bomb")


def test_unreadable_encoding(tmp_path, rules) -> None:
    # 0x81 and 0x8d are undefined in cp1252 and invalid as UTF-8 starts.
    (tmp_path / "bad.csv").write_bytes(b"Dest,Date,ECCN\n\x81\x8d\x8f,2021-01-01,EAR99\n")
    _refused(tmp_path / "bad.csv", rules, "unreadable text encoding")


def test_missing_file(tmp_path, rules) -> None:
    _refused(tmp_path / "nope.xlsx", rules, "file not found")


def test_blank_rows_are_not_lines_but_are_counted(tmp_path, rules) -> None:
    path = write_xlsx(tmp_path / "b.xlsx", [HEAD, [1, "HK", "2021-01-05", "EAR99"], [],
                                            [None, None, None, None], [2, "CN", "2021-01-05",
                                                                       "EAR99"]])
    prepared = prep(path, rules)
    assert [ln.line_id for ln in prepared.lines()] == ["1", "2"]
    assert prepared.blank_rows >= 1


def test_mapping_spec_validation(tmp_path) -> None:
    with pytest.raises(ValueError, match="date_order"):
        MappingSpec.from_json({"columns": {}, "date_order": "YDM"}, "x")
    (tmp_path / "bad.json").write_text("{nope", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        MappingSpec.from_file(tmp_path / "bad.json")
    spec = MappingSpec.from_json({"destination": "Dest"}, "flat")
    assert spec.columns == {"destination": "Dest"}
    assert json.loads(json.dumps(spec.to_json()))["columns"] == {"destination": "Dest"}


@functools.cache
def _seed_rules():
    from screening.paths import seed_rules_dir
    from screening.rules.files import read_rule_dir
    from screening.rules.ruleset import build_ruleset
    return build_ruleset(read_rule_dir(seed_rules_dir()))


# --- property: no line with a missing/invalid required field is ever CLEAR --------------------

# Free text without control characters or other delimiters (those are separate cases above).
free_text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
                                  blacklist_characters=";|\t"), max_size=12)
cell = st.one_of(st.none(), free_text,
                 st.sampled_from(["HK", "Hong Kong", "香港", "CN", "Atlantis", "", "5A992c",
                                  "EAR99", "ABC", "2021-01-05", "31/02/2021", "03/04/2021",
                                  "44197"]))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(cell, cell, cell), min_size=1, max_size=8))
def test_no_line_with_bad_required_field_is_clear(tmp_path_factory, rows) -> None:
    rules = _seed_rules()
    path = tmp_path_factory.mktemp("p") / "p.csv"
    import csv
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Line", "Destination", "Export Date", "ECCN"])
        for i, (d, t, e) in enumerate(rows):
            writer.writerow([f"L{i}", d or "", t or "", e or ""])
    lines = list(prep(path, rules).lines())
    non_blank = [r for r in rows]  # the line id column is always filled
    assert len(lines) == len(non_blank)
    for line in lines:
        verdict = screen_line(line, rules).verdict
        if line.destination is None or line.export_date is None or line.eccn is None:
            assert verdict is not Verdict.CLEAR
            assert verdict is Verdict.ERROR or verdict.rank > Verdict.ERROR.rank


def test_header_row_override(tmp_path, rules) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [["Ref", "Where", "When", "Class"],
                                            ["X1", "HK", "2021-02-01", "EAR99"]])
    spec = MappingSpec({"destination": "Where", "export_date": "When", "eccn": "Class",
                        "line_id": "Ref"})
    prepared = prep(path, rules, mapping=spec, header_row=1)
    line = next(prepared.lines())
    assert (line.line_id, line.destination, line.eccn.text) == ("X1", "HK", "EAR99")
    with pytest.raises(IngestError, match="header row 40 is not among"):
        prep(path, rules, mapping=spec, header_row=40)


@pytest.mark.parametrize(("header", "expected"), [
    ("Country of Origin", None), ("Country of Manufacture", None), ("Country of Export", None),
    ("Country (Bill To)", None), ("Country", "destination"), ("Country Code", "destination"),
    ("Customer No", None), ("Customer Country", None), ("Owner Country", None),
    ("Customer", "consignee"), ("End User Name", "end_user"),
    ("Date Created", None), ("Date Ordered", None), ("Date Approved", None),
    ("Date (dd/mm/yyyy)", "export_date"), ("Shipment Date (UTC)", "export_date"),
])
def test_a_header_whose_other_words_say_it_is_something_else_is_not_guessed(header, expected
                                                                            ) -> None:
    """(Review:) a header is matched on its first words when it is not a known name; the
    words after them can say it is another country (of origin), date (of the order) or not a
    name at all (a customer number). The origin screened as the destination made EAR99 to
    Iran CLEAR; an order date before 2020-12-23 would make a later export CLEAR."""
    found = guess_field(header)
    assert (found.value if found else None) == expected


def test_shipments_on_two_sheets_are_refused_unless_one_is_named(rules, tmp_path) -> None:
    """(Review:) with no sheet named, the first sheet with a header row was screened and a
    later one with shipments never read: "Q1" all CLEAR, exit 0, "Q2" to Hong Kong lost."""
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Q1"
    notes = wb.create_sheet("Notes")
    notes.append(["Prepared by the export desk"])
    second = wb.create_sheet("Q2")
    for ws, row in ((first, ["L1", "2021-03-01", "Germany", "EAR99"]),
                    (second, ["L2", "2021-03-01", "Hong Kong", "2A290"])):
        ws.append(["Line ID", "Ship Date", "Ship-to Country", "ECCN"])
        ws.append(row)
    path = tmp_path / "two.xlsx"
    wb.save(path)
    with pytest.raises(IngestError, match=r"the sheet 'Q1' and the sheet\(s\) 'Q2' all have a "
                                          r"header row of shipment columns.*--sheet"):
        prep(path, rules)
    for name, line_id in (("Q1", "L1"), ("Q2", "L2")):
        (line,) = list(prep(path, rules, sheet=name).lines())
        assert line.line_id == line_id
    del wb["Q2"]
    # (Review, s17:) sheets of products, customers or a summary are no second table.
    for title, head in (("Products", ["Part No", "Description", "ECCN", "HS Code"]),
                        ("Customers", ["Customer", "Country", "Address"]),
                        ("Summary", ["Country", "Shipments", "Value"])):
        extra = wb.create_sheet(title)
        extra.append(head)
        extra.append(["x", "Hong Kong", "5A992", "y"])
    wb.save(path)
    assert len(list(prep(path, rules).lines())) == 1


def test_a_hidden_sheet_of_shipments_is_named_not_passed_over(rules, tmp_path) -> None:
    """(s18:) A hidden sheet is screened only when named; one holding shipments was passed
    over without a word (its Hong Kong line never read): the officer now names the sheet."""
    wb = openpyxl.Workbook()
    shown = wb.active
    shown.title = "Shipments"
    hidden = wb.create_sheet("Q2 lines")
    hidden.sheet_state = "hidden"
    for ws, row in ((shown, ["L1", "2021-03-01", "Germany", "EAR99"]),
                    (hidden, ["L2", "2021-03-01", "Hong Kong", "2A290"])):
        ws.append(["Line ID", "Ship Date", "Ship-to Country", "ECCN"])
        ws.append(row)
    lookup = wb.create_sheet("Lists")  # a hidden list of countries is no shipment table
    lookup.sheet_state = "hidden"
    lookup.append(["Country", "ISO"])
    lookup.append(["Hong Kong", "HK"])
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    with pytest.raises(IngestError, match=r"the sheet 'Shipments' and the sheet\(s\) 'Q2 lines' "
                                          r"\(hidden\) all have a header row"):
        prep(path, rules)
    (line,) = list(prep(path, rules, sheet="Shipments").lines())
    assert line.line_id == "L1"
    del wb["Q2 lines"]
    wb.save(path)
    assert len(list(prep(path, rules).lines())) == 1


def test_a_second_sheet_without_a_date_counts_when_as_of_gives_one(rules, tmp_path) -> None:
    """(Review, s17:) with --as-of, a second sheet of shipments without a date column was
    not counted, and its Hong Kong line was never read."""
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Q1"
    second = wb.create_sheet("Q2")
    for ws, country in ((first, "SG"), (second, "HK")):
        ws.append(["Destination", "ECCN", "Consignee"])
        ws.append([country, "3A001.a.2", "x"])
    wb.save(tmp_path / "asof.xlsx")
    with pytest.raises(IngestError, match="'Q2' all have a header row of shipment columns"):
        prep(tmp_path / "asof.xlsx", rules, as_of=dt.date(2024, 1, 2))


def test_a_second_sheet_that_cannot_be_checked_is_named(rules, tmp_path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Shipments"
    wb.active.append(["Destination", "ECCN", "Ship Date"])
    wb.active.append(["SG", "EAR99", "2024-01-02"])
    wb.create_sheet("Lookup")["XFD1"] = "x"
    wb.save(tmp_path / "lookup.xlsx")
    with pytest.raises(IngestError, match=r"the sheet 'Lookup', beside 'Shipments', could not "
                                          r"be checked for shipments .*--sheet"):
        prep(tmp_path / "lookup.xlsx", rules)
    assert len(list(prep(tmp_path / "lookup.xlsx", rules, sheet="Shipments").lines())) == 1


def test_a_region_of_ukraine_under_embargo_is_an_error_naming_746_6(tmp_path) -> None:
    """(s19 hunt, not done then:) "Crimea" or "Donetsk, Ukraine" as the destination was an
    ERROR saying only "not a country": it names the embargo of 15 CFR 746.6 and never tells
    the officer to re-enter the line as Ukraine (which would screen it as Ukraine). A place
    that is no such region keeps the plain message."""
    from tests.conftest import screen_text

    _run, lines = screen_text(tmp_path, (
        "Line,Destination,Export Date,ECCN\n"
        "C1,Crimea,2023-03-01,EAR99\n"
        '"C2","Donetsk, Ukraine",2023-03-01,EAR99\n'
        "C3,Севастополь,2023-03-01,EAR99\n"
        "C6,Donetska oblast,2023-03-01,EAR99\n"
        "C7,ЛНР,2023-03-01,EAR99\n"
        "C8,Crimée,2023-03-01,EAR99\n"
        "C4,Atlantis,2023-03-01,EAR99\n"
        "C5,DPR Korea,2023-03-01,EAR99\n"))
    for line in ("C1", "C2", "C3", "C6", "C7", "C8"):
        assert lines[line].verdict == "ERROR", line
        (found,) = [f for f in lines[line].findings if f.code == "EMBARGOED_REGION"]
        assert "15 CFR 746.6" in found.message and "not screened" in found.message
    for line in ("C4", "C5"):  # (the file names no party: none is checked)
        assert lines[line].verdict == "ERROR"
        assert [f.code for f in lines[line].findings] == ["INVALID_VALUE",
                                                          "PARTY_NOT_CHECKED"], line


def test_a_consignee_address_in_an_embargoed_place_is_a_review(tmp_path) -> None:
    """(s20 hunt:) a line to Hong Kong whose consignee address reads "Tehran, Iran", or to
    Ukraine with the address in Simferopol, Crimea, was CLEAR: the address was read and
    never looked at. A line to the place itself is screened to it as before."""
    from tests.conftest import screen_text

    _run, lines = screen_text(tmp_path, (
        "Line,Destination,Export Date,ECCN,Consignee,Consignee Address\n"
        'A1,Hong Kong,2024-03-01,EAR99,Acme Ltd,"Valiasr St, Tehran, Iran"\n'
        'A2,Ukraine,2024-03-01,EAR99,Acme Ltd,"ul. Lenina 1, Simferopol, Crimea 295000"\n'
        'A3,Germany,2024-03-01,EAR99,Acme GmbH,"ul. Tverskaya 1, Moscow"\n'
        'A4,Hong Kong,2024-03-01,EAR99,Acme Ltd,"10 Queens Rd, Central"\n'
        'A5,Russia,2024-03-01,EAR99,Acme OOO,"ul. Tverskaya 1, Moscow"\n'
        'A6,United States,2024-03-01,EAR99,Acme Inc,"1 Main St, St. Petersburg, FL"\n'))
    for line, named in (("A1", "Iran"), ("A2", "15 CFR 746.6"), ("A3", "Russia")):
        assert lines[line].verdict == "REVIEW", line
        (found,) = [f for f in lines[line].findings if f.code == "ADDRESS_IN_EMBARGOED_PLACE"]
        assert named in found.message and "Consignee Address" in found.message
    assert lines["A4"].verdict == "CLEAR"
    assert not any(f.code == "ADDRESS_IN_EMBARGOED_PLACE" for line in ("A5", "A6")
                   for f in lines[line].findings)


def test_ditto_in_a_country_column_is_no_country(tmp_path) -> None:
    """(s21 hunt) "do." is a ledger's "ditto": a 3A090.a line to China below, written
    "do.", was screened to the Dominican Republic and CLEAR. "DO" is the code."""
    from tests.conftest import screen_text

    _run, lines = screen_text(tmp_path, (
        "Line,Ship-to Country,Country of Ultimate Destination,Ship Date,ECCN\n"
        "K1,China,,2023-05-02,3A090.a\nK2,do.,,2023-05-02,3A090.a\n"
        "K3,Do,,2023-05-02,3A090.a\nK4,SG,do,2023-05-02,3A090.a\n"
        "K5,DO,,2023-05-02,EAR99\nK6,Dominican Republic,,2023-05-02,EAR99\n"
        # (s21 second hunt)
        "K7,-do-,,2023-05-02,3A090.a\nK8,id.,,2023-05-02,3A090.a\nK9,ID,,2023-05-02,EAR99\n"))
    assert lines["K1"].verdict == "LICENSE_REQUIRED"
    for line_id, cell in (("K2", "in.csv row 3 col B"), ("K3", "in.csv row 4 col B"),
                          ("K4", "in.csv row 5 col C"), ("K7", "in.csv row 8 col B"),
                          ("K8", "in.csv row 9 col B")):
        found = {f.code: f.message for f in lines[line_id].findings}
        assert lines[line_id].verdict == "ERROR", line_id
        assert found["DITTO_MARK"].startswith(f"{cell}: "), found
        assert 'reads as "ditto"' in found["DITTO_MARK"]
        assert not {c for c in found if c in ("INVALID_VALUE", "MISSING_VALUE")}, found
    assert lines["K5"].destination == lines["K6"].destination == "DO"
    assert lines["K9"].destination == "ID"


@pytest.mark.parametrize("header", [
    "End Customer Country", "EU Country", "Endverwender Land", "Endbestimmungsland",
    "Pays de destination finale", "Onward Shipment", "País de destino final",
    # (s21 second hunt)
    "End Customer Ctry", "EU Ctry", "Endkunde Land", "Land des Endverbleibs", "Endziel",
    "Pays utilisateur final", "最终用户国家", "Next Destination"])
def test_more_names_of_the_ultimate_destination_are_read(tmp_path, header) -> None:
    """(s21 hunt:) China under these headers, beside a ship-to Singapore, was not read: a
    3A090.a line was CLEAR ("Endverwender Land" was even screened as a party name)."""
    from tests.conftest import screen_text

    run, lines = screen_text(tmp_path, (
        f"Line,Ship-to Country,Ship Date,ECCN,{header}\nU1,Singapore,2023-05-02,3A090.a,China\n"))
    assert lines["U1"].licensing_destination == "CN"
    assert lines["U1"].verdict == "LICENSE_REQUIRED"
    assert run.unmapped_columns == []


def test_a_column_no_field_reads_naming_an_embargoed_place_is_a_review(tmp_path) -> None:
    """(s21 hunt:) "Tehran, Iran" as the end user's address, "Iran" as transshipment country
    or "Re-export to Iran" in remarks was CLEAR, the column only named as not read. A
    column saying where the goods come from is not a destination ("Country of Origin")."""
    from tests.conftest import screen_text

    head = ("Line,Ship-to Country,Ship Date,ECCN,End User Address,Transshipment Country,"
            "Remarks,Country of Origin\n")
    rows = ["P1,Singapore,2023-05-02,3A991,\"Tehran, Iran\",,,",
            "P2,Singapore,2023-05-02,3A991,,Iran,,",
            "P3,Singapore,2023-05-02,3A991,,,Re-export to Iran,",
            "P4,Singapore,2023-05-02,3A991,,,,Russia",
            "P5,Singapore,2023-05-02,3A991,\"Lot 5, Simferopol, Crimea\",,,",
            "P6,Iran,2023-05-02,EAR99,\"Tehran, Iran\",,,",
            *(f"Q{n},Singapore,2023-05-02,3A991,\"1 Orchard Rd\",,ok,Japan" for n in range(40))]
    _run, lines = screen_text(tmp_path, head + "\n".join(rows) + "\n")
    for key, cell, place in (("P1", "in.csv row 2 col E", "Iran"),
                             ("P2", "in.csv row 3 col F", "Iran"),
                             ("P3", "in.csv row 4 col G", "Iran"),
                             ("P5", "in.csv row 6 col E", "a region of Ukraine")):
        found = {f.code: f.message for f in lines[key].findings}
        assert lines[key].verdict == "REVIEW", key
        assert found["EMBARGOED_PLACE_NAMED"].startswith(f"{cell}: "), found
        assert f"which no field reads) names {place}" in found["EMBARGOED_PLACE_NAMED"]
    for key in ("P4", "P6", "Q0", "Q39"):
        assert "EMBARGOED_PLACE_NAMED" not in {f.code for f in lines[key].findings}, key
    assert clear_but_for_parties(lines["Q0"])


@pytest.mark.parametrize(("header", "cell"), [
    # (s21 second hunt: each was CLEAR) headers saying where the goods go as well as from
    ("Consignee Warehouse Address", "Bandar Abbas, Iran"), ("Ship From / Ship To", "Iran"),
    ("Port of Loading / Port of Discharge", "Bandar Abbas"), ("Remarks from customer", "Iran"),
    # spellings: adjectives, other languages and scripts, codes as the whole cell, cities
    ("Transit", "IR"), ("Transit", "RUS"), ("Transit", "Iranian port"), ("Transit", "Persia"),
    ("Transit", "DPR Korea"), ("Transit", "Russland"), ("Transit", "伊朗"),
    ("Transit", "白俄罗斯"), ("Transit", "Сирия"), ("Transit", "КНДР"), ("Transit", "Kerch")])
def test_more_ways_of_naming_an_embargoed_place_are_found(tmp_path, header, cell) -> None:
    from tests.conftest import screen_text

    _run, lines = screen_text(tmp_path, (
        f"Line,Ship-to Country,Ship Date,ECCN,{header}\nT1,Singapore,2023-05-02,3A991,{cell}\n"
        "T2,Singapore,2023-05-02,3A991,Tokyo\n"))
    assert "EMBARGOED_PLACE_NAMED" in {f.code for f in lines["T1"].findings}
    assert clear_but_for_parties(lines["T2"])


def test_a_party_cell_naming_an_embargoed_place_is_a_review(tmp_path) -> None:
    """(s21 second hunt:) an end user "Zephyr Industries, Tehran, Iran" or a consignee
    "..., Moscow, Russia" on a line to the UAE was CLEAR: the address in a name cell."""
    from tests.conftest import screen_text

    _run, lines = screen_text(tmp_path, (
        "Line,Ship-to Country,Ship Date,ECCN,Consignee,End User,Notify Party\n"
        'N1,United Arab Emirates,2023-05-02,EAR99,Acme Ltd,"Zephyr Industries, Tehran, Iran",\n'
        'N2,United Arab Emirates,2023-05-02,EAR99,"Zephyr, Moscow, Russia",Acme Ltd,\n'
        'N3,United Arab Emirates,2023-05-02,EAR99,Acme Ltd,Acme Ltd,"Zephyr, Bandar Abbas"\n'
        'N4,Russia,2023-05-02,EAR99,"Zephyr, Moscow, Russia",Acme Ltd,\n'
        "N5,United Arab Emirates,2023-05-02,EAR99,Acme Ltd,Acme Ltd,\n"))
    for key, place in (("N1", "Iran"), ("N2", "Russia"), ("N3", "Iran")):
        found = {f.code: f.message for f in lines[key].findings}
        assert lines[key].verdict == "REVIEW", key
        assert f"names {place}, under the embargo" in found["PARTY_IN_EMBARGOED_PLACE"], key
    assert "PARTY_IN_EMBARGOED_PLACE" not in {f.code for f in lines["N4"].findings}
    assert lines["N5"].verdict == "CLEAR"


def test_the_place_prefilter_misses_no_place_the_patterns_find() -> None:
    """``may_name_embargoed_place`` decides which columns are looked at cell by cell: it
    must say yes to every spelling ``embargoed_place`` finds, in any case."""
    import re

    from screening import normalize

    words = [w for _c, _n, _s, pattern in normalize._EMBARGOED_PLACES
             for w in pattern.split("|")]
    words += re.findall(r"[^|()?:\\]+", normalize._EMBARGOED_REGION_RE.pattern.replace(
        r"\b", ""))
    words += [w for _c, _n, _s, p in normalize._CYRILLIC_PLACES
              for w in re.sub(r"\(\?<?!\\w\)", "", p.pattern).split("|")]
    words += list(normalize._CODE_CELLS)
    found = 0
    for word in words:
        for text in (word, word.upper(), word.title(), f"Lot 5, {word.title()} 123"):
            if normalize.embargoed_place(text) is not None:
                found += 1
                assert normalize.may_name_embargoed_place(["x", text]), text
                assert normalize.may_name_place(text), text  # (one name, the ASCII path)
    assert found > 150
    assert not normalize.may_name_embargoed_place(["1 Orchard Rd, Singapore", "Tokyo"])
    assert not normalize.may_name_place("1 Orchard Rd, Singapore")
    # Every military phrase and word is found through the quick ASCII hint.
    for phrase in (*normalize._MILITARY_NAME_PHRASES, *normalize._MILITARY_NAME_WORDS):
        if phrase.isascii():
            assert normalize.military_name_word(f"Acme {phrase.title()} Co") is not None, phrase
