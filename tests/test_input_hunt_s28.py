"""s28 hunt: cells read as something harmless that say more (each line was CLEAR)."""

from __future__ import annotations

import pytest

from screening.normalize import EndUserType, normalize_end_user_type
from tests.conftest import screen_text

HEAD = "Line ID,Ship Date,Ship-to Country,ECCN,End User,End-User Type"


@pytest.mark.parametrize("cell", ["Germany?", "~Germany", "Germany (*)", "Germany #",
                                  "¿Germany?", "?Germany", "Germany (?)"])
def test_a_country_marked_as_in_doubt_is_an_error(tmp_path, cell) -> None:
    _run, lines = screen_text(tmp_path, f'{HEAD}\nL1,2021-03-01,"{cell}",3A001.a.2,Rhein '
                              f'GmbH,commercial\n')
    found = {f.code: f.message for f in lines["L1"].findings}
    assert lines["L1"].verdict == "ERROR", found
    assert "is not a country or territory hkscreen knows" in found["INVALID_VALUE"]


@pytest.mark.parametrize(("cell", "kind"), [
    ("MIEU end user", EndUserType.MILITARY_INTELLIGENCE),
    ("Customer - MIEU", EndUserType.MILITARY_INTELLIGENCE),
    ("Govt end user", EndUserType.GOVERNMENT),
    ("End user (MI)", EndUserType.UNRECOGNISED),
    ("MI customer", EndUserType.UNRECOGNISED),
    ("GSD end user", EndUserType.UNRECOGNISED),
    ("2PLA end user", EndUserType.UNRECOGNISED),
    ("Commercial; MI end user", EndUserType.UNRECOGNISED),
    ("Intel agency", EndUserType.UNRECOGNISED),
    # Still read as before: kinds of party, their abbreviations among them.
    ("OEM manufacturer", EndUserType.OTHER),
    ("IT services company", EndUserType.OTHER),
    ("Robot arms maker", EndUserType.OTHER),
    ("Commercial end user", EndUserType.CIVIL),
])
def test_an_end_user_type_with_a_code_beside_kind_words(cell, kind) -> None:
    assert normalize_end_user_type(cell) is kind


@pytest.mark.parametrize(("cell", "code"), [
    ("MIEU end user", "MIEU_LICENSE_REQUIRED"), ("GSD end user", "END_USER_TYPE_NOT_UNDERSTOOD"),
    ("SSF end user", "END_USER_TYPE_NOT_UNDERSTOOD")])
def test_ear99_to_hong_kong_for_such_an_end_user_is_not_clear(tmp_path, cell, code) -> None:
    _run, lines = screen_text(tmp_path, f"{HEAD}\nL1,2022-03-01,Hong Kong,EAR99,Victoria "
                              f"Ltd,{cell}\n")
    found = {f.code for f in lines["L1"].findings}
    assert lines["L1"].verdict != "CLEAR" and code in found, found


UNREAD = "Line ID,Ship Date,Ship-to Country,ECCN,Consignee,End-User Type"


def _one(tmp_path, header: str, cell: str, line: str):  # type: ignore[no-untyped-def]
    _run, lines = screen_text(tmp_path, f'{UNREAD},{header}\n{line},"{cell}"\n')
    found = lines["L1"]
    return found.verdict, {f.code: f.message for f in found.findings}


@pytest.mark.parametrize("header", [
    "Reclassified as", "New Classification", "Reclassified To", "CCATS Classification", "ECN",
    "ECN (US)", "Export Control No.", "US Export Class.", "EAR Class", "Export Ctrl Class",
    "Control List Entry", "Dual-use Code", "AL-Nummer", "Remarks"])
def test_another_ecc_named_in_a_classification_column_is_a_review(tmp_path, header) -> None:
    verdict, found = _one(tmp_path, header, "3A001.a.2",
                          "L1,2022-03-01,Hong Kong,EAR99,Victoria Ltd,commercial")
    assert verdict == "REVIEW", found
    message = found["ECCN_NAMED_ELSEWHERE"]
    assert f"the {header!r} column, which no field reads) names ECCN 3A001.a" in message
    assert "the line is classified EAR99" in message


@pytest.mark.parametrize(("header", "cell"), [
    ("Reclassified as", "3A001.a.2"),  # the same ECCN
    ("Bin Location", "3A001"),  # not a column of classifications
    ("Remarks", "Urgent, 2 pallets")])
def test_the_same_ecc_or_another_column_is_not(tmp_path, header, cell) -> None:
    _verdict, found = _one(tmp_path, header, cell,
                          "L1,2022-03-01,Germany,3A001.a.2,Rhein GmbH,commercial")
    assert "ECCN_NAMED_ELSEWHERE" not in found, found


@pytest.mark.parametrize("header", [
    "Country (actual)", "Country (corrected)", "Country - revised", "Country Override",
    "Ctry (upd.)", "Reroute", "Re-routed to", "Now shipping to", "Relocated to",
    "Importing Country", "Country of Import", "Country of Consignee (revised)",
    "Land (korrigiert)", "Pays (corrigé)"])
def test_a_corrected_or_import_country_column_is_read(tmp_path, header) -> None:
    verdict, found = _one(tmp_path, header, "Pakistan",
                          "L1,2021-03-01,Germany,3A001.a.2,Rhein GmbH,commercial")
    assert verdict == "REVIEW", found
    assert "Pakistan" in found["DESTINATION_NAMED_ELSEWHERE"]


@pytest.mark.parametrize("header", ["Bill-to Country", "Sold-to Country", "Country of Origin"])
def test_billing_and_origin_countries_are_not(tmp_path, header) -> None:
    _verdict, found = _one(tmp_path, header, "Pakistan",
                          "L1,2021-03-01,Germany,3A001.a.2,Rhein GmbH,commercial")
    assert "DESTINATION_NAMED_ELSEWHERE" not in found, found


@pytest.mark.parametrize("header", [
    "Rescheduled Ship Date", "New Ship Date", "Delayed to", "Postponed to", "Departed",
    "Departure", "Goods left on", "Dispatch (actual)", "Real Ship Date", "Flight Date",
    "Sailed"])
def test_a_moved_or_departure_date_column_is_compared(tmp_path, header) -> None:
    verdict, found = _one(tmp_path, header, "2021-04-01",
                          "L1,2021-03-01,Hong Kong,EAR99,Victoria Ltd,Military intelligence")
    assert verdict == "REVIEW", found
    assert "says the goods left on 2021-04-01" in found["ACTUAL_DATE_DIFFERS"]


@pytest.mark.parametrize("header", ["Arrival Date", "New Delivery Date", "Departure Port",
                                    "Invoice Date", "Flight No."])
def test_arrival_and_other_dates_are_not(tmp_path, header) -> None:
    _verdict, found = _one(tmp_path, header, "2021-04-01",
                           "L1,2021-03-01,Hong Kong,EAR99,Victoria Ltd,commercial")
    assert "ACTUAL_DATE_DIFFERS" not in found, found


def test_a_big_file_reads_the_new_columns_the_same_way(tmp_path) -> None:
    """Enough rows for the batch reader's fast path: the rows with something to say go the
    careful way, the others stay CLEAR."""
    rows = [f"L{n},2022-03-01,Germany,EAR99,Rhein GmbH,commercial,"
            f"{'3A001.a.2' if n % 700 == 0 else ''},"
            f"{'Pakistan' if n % 900 == 0 else ''},"
            f"{'2019-01-01' if n % 1100 == 0 else ''}" for n in range(1, 3301)]
    _run, lines = screen_text(tmp_path, f"{UNREAD},Reclassified as,Country (actual),Departure"
                              "\n" + "\n".join(rows) + "\n")
    codes = {key: {f.code for f in line.findings} for key, line in lines.items()}
    assert sorted(k for k, c in codes.items() if "ECCN_NAMED_ELSEWHERE" in c) == \
        sorted(f"L{n}" for n in range(700, 3301, 700))
    assert sorted(k for k, c in codes.items() if "DESTINATION_NAMED_ELSEWHERE" in c) == \
        sorted(f"L{n}" for n in range(900, 3301, 900))
    assert sorted(k for k, c in codes.items() if "ACTUAL_DATE_DIFFERS" in c) == \
        sorted(f"L{n}" for n in range(1100, 3301, 1100))
    assert lines["L1"].verdict == "CLEAR"


def test_a_note_above_the_header_row_is_held_against_every_line(tmp_path) -> None:
    """(s28 hunt: "Re-export to Hong Kong" and "Reclassified 3A001.a.2" above the header of
    an EAR99 file to Germany: every line CLEAR.) Enough rows for the batch reader's fast
    path: every line is held against the notes."""
    rows = [f"L{n},2021-03-01,{'Hong Kong' if n % 2 else 'Germany'},"
            f"{'3A001.a.2' if n % 3 == 0 else 'EAR99'},Rhein GmbH,commercial"
            for n in range(1, 3001)]
    _run, lines = screen_text(tmp_path, ",Re-export to Hong Kong,,Reclassified 3A001.a.2\n"
                              f"{UNREAD}\n" + "\n".join(rows) + "\n")
    messages = {key: [f.message for f in line.findings if f.code == "NOTE_ABOVE_HEADER"]
                for key, line in lines.items()}
    # Germany, EAR99: both notes; Hong Kong (licensed as China), 3A001.a.2: neither.
    assert len(messages["L2"]) == 2 and lines["L2"].verdict == "REVIEW"
    assert "row 1 col B, above the header row: \"Re-export to Hong Kong\" names Hong Kong, " \
           "but the line is screened to DE" in messages["L2"][0]
    assert "names ECCN 3A001.a, but the line is classified EAR99" in messages["L2"][1]
    assert messages["L3"] == []
    assert len(messages["L1"]) == 1 and "classified EAR99" in messages["L1"][0]
    assert len(messages["L6"]) == 1 and "screened to DE" in messages["L6"][0]


def test_a_title_about_the_lines_own_destination_says_nothing(tmp_path) -> None:
    _run, lines = screen_text(tmp_path, "Shipments to Hong Kong, Q1 2021\n"
                              f"{UNREAD}\nL1,2021-03-01,Hong Kong,EAR99,Victoria Ltd,"
                              "commercial\n")
    assert lines["L1"].verdict == "CLEAR", lines["L1"].findings


def test_a_comment_on_a_cell_of_a_line_is_a_review(tmp_path) -> None:
    """(s28 hunt: "Goods re-exported to Hong Kong" noted on a "Germany" cell was passed
    over, CLEAR.) Enough rows for the batch reader's fast path; a comment on the header
    row says nothing of a line."""
    import openpyxl
    from openpyxl.comments import Comment

    from tests.conftest import screen_file

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Shipments"
    sheet.append(UNREAD.split(","))
    for n in range(1, 3001):
        sheet.append([f"L{n}", "2021-03-01", "Germany", "EAR99", "Rhein GmbH", "commercial"])
    sheet["C1"].comment = Comment("Ship-to as on the invoice", "Sales")
    sheet["C2"].comment = Comment("Goods re-exported to Hong Kong", "Sales")
    sheet["D1501"].comment = Comment("Reclassified 3A001.a.2", "Compliance")
    path = tmp_path / "in.xlsx"
    book.save(path)
    _run, lines = screen_file(tmp_path, path)
    flagged = {key: [f.message for f in line.findings if f.code == "CELL_COMMENT"]
               for key, line in lines.items()}
    assert sorted(k for k, v in flagged.items() if v) == ["L1", "L1500"]
    assert "Shipments!C2 (the 'Ship-to Country' column) has a comment: \"Goods re-exported " \
           "to Hong Kong\"" in flagged["L1"][0]
    assert lines["L1"].verdict == "REVIEW" and lines["L2"].verdict == "CLEAR"


@pytest.mark.parametrize("cell", [
    "License required", "BIS pending", "Will apply", "Hong Kong TID licence", "see PO",
    "TBF", "ITAR", "Submitted", "Required", "Needed", "OK", "Verbal approval",
    "DSP-5 pending", "EU licence DE-12345", "BAFA 1234567", "CCATS G123456",
    "Application Z123456"])
def test_licence_text_that_is_no_us_licence_held(tmp_path, cell) -> None:
    """(s28 hunt: each was taken for a licence cited, and a 3A001.a.2 line to Hong Kong
    dropped from LICENSE_REQUIRED to REVIEW.)"""
    _run, lines = screen_text(tmp_path, "Line,Destination,Export Date,ECCN,License Number\n"
                              f'N1,Hong Kong,2022-03-01,3A001.a.2,"{cell}"\n')
    assert lines["N1"].verdict == "LICENSE_REQUIRED", lines["N1"].findings
