"""s29 hunt: headers and cells read as something harmless that say more."""

from __future__ import annotations

import re
import zipfile

import pytest

from screening.ingest.columns import Field, guess_field
from tests.conftest import screen_text


@pytest.mark.parametrize("header", ["Vessel Departure", "Carrier ETD", "Airline Arrival",
                                    "Vessel Sailing Date", "Flight Departure Time"])
def test_a_carrier_header_naming_a_day_is_no_party_name(header) -> None:
    assert guess_field(header) is None


@pytest.mark.parametrize(("header", "field"), [("Vessel", Field.FORWARDER),
                                                ("Vessel Name", Field.FORWARDER),
                                                ("Carrier", Field.FORWARDER),
                                                ("Agent Name", Field.FORWARDER)])
def test_carrier_names_still_map(header, field) -> None:
    assert guess_field(header) is field


def test_a_vessel_departure_after_the_hong_kong_change_is_not_passed_over(tmp_path) -> None:
    # 2B001 (NS2) needed no licence to Hong Kong on its own row in June 2020, but did on
    # China's row from 2020-12-23: the vessel left in 2021.
    _run, lines = screen_text(
        tmp_path, "Line ID,Export Date,Vessel Departure,Destination Country,ECCN,End User\n"
                  "L1,2020-06-01,2021-02-01,Hong Kong,2B001.a,Victoria Ltd\n")
    found = {f.code: f.message for f in lines["L1"].findings}
    assert lines["L1"].verdict != "CLEAR", found
    assert any("'Vessel Departure' column says the goods left on 2021-02-01" in m
               for m in found.values()), found


# --- workbook parts the cell reader could find elsewhere than Excel ------------------------

def _workbook(path):  # type: ignore[no-untyped-def]
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Shipments"
    sheet.append(["Line ID", "Export Date", "Destination", "ECCN", "End User"])
    sheet.append(["L1", dt.date(2021, 3, 1), "Hong Kong", "3A001.a.1", "Victoria Ltd"])
    sheet["B2"].number_format = "yyyy-mm-dd"
    book.save(path)
    return path


def _refused(tmp_path, path, words: str) -> None:  # type: ignore[no-untyped-def]
    from screening.ingest.errors import IngestError
    from tests.conftest import screen_file

    with pytest.raises(IngestError) as caught:
        screen_file(tmp_path, path)
    assert words in str(caught.value), caught.value
    assert path.name in str(caught.value)


def test_a_sheet_part_named_with_an_escape_is_refused(tmp_path) -> None:
    from tests.test_hostile_input import rewrite_member

    path = _workbook(tmp_path / "amp.xlsx")
    with zipfile.ZipFile(path) as src:
        sheet = src.read("xl/worksheets/sheet1.xml")
    rewrite_member(path, "xl/_rels/workbook.xml.rels",
                   lambda data: data.replace(b"worksheets/sheet1.xml", b"worksheets/a&amp;b.xml"))
    with zipfile.ZipFile(path, "a") as out:  # the part Excel opens; a decoy would be literal
        out.writestr("xl/worksheets/a&b.xml", sheet)
    _refused(tmp_path, path, "with escapes, dot segments")


def test_a_second_id_on_a_sheet_entry_is_refused(tmp_path) -> None:
    from tests.test_hostile_input import rewrite_member

    path = _workbook(tmp_path / "rid.xlsx")
    rewrite_member(path, "xl/workbook.xml", lambda data: data.replace(
        b'r:id="rId1"', b'r:id="rId1" xmlns:q="urn:decoy" q:id="rId1"'))
    _refused(tmp_path, path, "has a second id attribute ('id')")


@pytest.mark.parametrize("flag", [b'date1904="&#49;"', b'date1904="TRUE"', b'date1904=" 1"',
                                  b'date1904="1"/><workbookPr date1904="0"'])
def test_a_date_system_not_written_plainly_is_refused(tmp_path, flag) -> None:
    from tests.test_hostile_input import rewrite_member

    path = _workbook(tmp_path / "d1904.xlsx")

    def set_flag(data: bytes) -> bytes:
        if b"<workbookPr" in data:
            return re.sub(rb"<workbookPr([^>]*?)/>", b"<workbookPr " + flag + b"/>", data,
                          count=1)
        return data.replace(b"<sheets>", b"<workbookPr " + flag + b"/><sheets>", 1)

    rewrite_member(path, "xl/workbook.xml", set_flag)
    _refused(tmp_path, path, "date system (workbookPr date1904)")


def test_a_plain_1904_workbook_is_still_read(tmp_path) -> None:
    from openpyxl import load_workbook

    from tests.conftest import screen_file

    path = _workbook(tmp_path / "plain.xlsx")
    book = load_workbook(path)
    book.epoch = __import__("openpyxl").utils.datetime.CALENDAR_MAC_1904
    book.save(path)
    _run, lines = screen_file(tmp_path, path)
    assert lines["L1"].verdict == "LICENSE_REQUIRED"


# --- packages two ZIP or format readers read as two workbooks (s29 second hunt) ------------

def _shared_workbook(path):  # type: ignore[no-untyped-def]
    """A workbook written with a shared-string table, as Excel writes one."""
    import datetime as dt

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Shipments")
    sheet.write_row(0, 0, ["Line ID", "Export Date", "Destination", "ECCN", "End User"])
    sheet.write_row(1, 0, ["L1"])
    sheet.write_datetime(1, 1, dt.datetime(2021, 3, 1), book.add_format({"num_format":
                                                                         "yyyy-mm-dd"}))
    sheet.write_row(1, 2, ["Hong Kong", "3A001.a.1", "Victoria Ltd"])
    book.close()
    return path


def _add_member(path, member: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path, "a") as out:
        out.writestr(member, data)


@pytest.mark.parametrize(("member", "words"), [
    ("mimetype", "a part of another spreadsheet format"),
    ("content.xml", "a part of another spreadsheet format"),
    ("xl\\worksheets\\sheet1.xml", "with a backslash"),
])
def test_a_second_reading_of_the_package_is_refused(tmp_path, member, words) -> None:
    path = _workbook(tmp_path / "two.xlsx")
    _add_member(path, member, b"<x/>")
    _refused(tmp_path, path, words)


def test_a_zip_comment_or_a_second_end_record_is_refused(tmp_path) -> None:
    path = _workbook(tmp_path / "comment.xlsx")
    with zipfile.ZipFile(path, "a") as out:
        out.comment = b"another package"
    _refused(tmp_path, path, "one plain end record")
    second = _workbook(tmp_path / "eocd.xlsx")
    data = second.read_bytes()
    # The end record's comment holds a copy of the directory and a second end record for
    # it, whose own comment is said to run past the end (Python reads that one, another
    # ZIP reader the first).
    record = data[-22:]
    size = int.from_bytes(record[12:16], "little")
    offset = int.from_bytes(record[16:20], "little")
    copy_at = len(data)
    fake = record[:16] + copy_at.to_bytes(4, "little") + b"\xff\xff"
    comment = data[offset:offset + size] + fake
    second.write_bytes(data[:-2] + len(comment).to_bytes(2, "little") + comment)
    with zipfile.ZipFile(second) as opened:  # (readable: the copy's entries)
        assert "xl/workbook.xml" in opened.namelist()
    _refused(tmp_path, second, "one plain end record")


@pytest.mark.parametrize("index", ["0.0", "+0", "0e0"])
def test_a_shared_string_index_not_plain_digits_is_refused(tmp_path, index) -> None:
    from tests.test_hostile_input import rewrite_member

    path = _shared_workbook(tmp_path / "sst.xlsx")
    rewrite_member(path, "xl/worksheets/sheet1.xml", lambda data: re.sub(
        rb'(t="s"[^>]*><v>)0(</v>)', rb"\g<1>" + index.encode() + rb"\g<2>", data, count=1)
        if b't="s"' in data else pytest.fail("no shared-string cell"))
    _refused(tmp_path, path, f"writes the shared-string index {index!r}, not plain digits")


def test_a_string_count_beyond_the_table_is_refused(tmp_path) -> None:
    from tests.test_hostile_input import rewrite_member

    path = _shared_workbook(tmp_path / "count.xlsx")
    rewrite_member(path, "xl/sharedStrings.xml", lambda data: re.sub(
        rb'uniqueCount="\d+"', b'uniqueCount="4000000000"', data, count=1))
    _refused(tmp_path, path, "'4000000000' strings (uniqueCount)")
