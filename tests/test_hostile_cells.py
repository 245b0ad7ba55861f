"""Review (s10): cells that are not read exactly yet come out CLEAR.

1. An ECCN cell naming a second ECCN after the first ("5A992.c 5A002.a", "5A992 also
   3A001", "5A992.c-5A002"): ``normalize_eccn`` takes everything after the first ECCN that
   is letters, digits, dots, spaces or hyphens as its paragraph ("c.5.a.002.a"), so the line
   is screened as 5A992 and comes out CLEAR to Germany, Russia or China, though the cell
   names 5A002.a (NS1/EI: licence required to all three). Words after an ECCN are swallowed
   the same way. Such a cell is not one ECCN read exactly: ERROR (or REVIEW), never CLEAR.

2. A date with a two-digit year first ("21-03-02", year-month-day as written in East Asia
   and Sweden) is read as day-month-year (2002-03-21) without a word, because the month-
   first reading is impossible: the year-first one (2021-03-02) is not considered. 2A290 to
   Hong Kong is CLEAR on 2002-03-21 and licence required on 2021-03-02. The date is
   ambiguous and must not be guessed (as DMY/MDY ambiguity is not).

3. Non-ASCII decimal digits in a date cell are read by their numeric value (the date
   patterns use ``\\d``, which matches every Unicode digit). BENGALI DIGIT FOUR (U+09EA)
   looks like an "8": "2023-11-1\u09ea" looks like 2023-11-18 but is read as
   2023-11-14, before the 4A090 licence requirement for Saudi Arabia takes effect in the
   rules: CLEAR, where the date the reviewer sees (2023-11-18) is licence required. ECCN
   cells refuse such digits (``[0-9]``); a date cell should too (UNTRUSTED_CHARACTERS or
   INVALID_VALUE).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.db import open_database
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store

HEAD = "Line ID,Ship Date,Ship-to Country,ECCN,License Exception,End User,End-User Type\n"


@pytest.fixture
def sqlite_db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    yield database
    database.dispose()


def _verdicts(db, path: Path) -> list[tuple[str, str, list[str]]]:  # type: ignore[no-untyped-def]
    run = run_screening(db, path, ScreenOptions()).run
    with db.sessions() as session:
        return [(ln.line_id, ln.verdict.value, [f.code for f in ln.findings])
                for ln in run_store.iter_lines(session, run.id)]


@pytest.mark.parametrize("country", ["Germany", "Russia", "China"])
def test_s10_a_second_eccn_in_the_cell_is_never_clear(sqlite_db, tmp_path, country) -> None:
    cells = ["5A992.c 5A002.a", "5A992.c - 5A002.a", "5A992.c-5A002", "5A992 5A002",
             "5A992 also 5A002", "5A992.c and 5A002.a"]
    path = tmp_path / "eccn.csv"
    path.write_text(HEAD + "".join(f'L{i},2021-03-01,{country},"{cell}",,Acme,commercial\n'
                                   for i, cell in enumerate(cells))
                    + f"ALONE,2021-03-01,{country},5A002.a,,Acme,commercial\n",
                    encoding="utf-8")
    lines = _verdicts(sqlite_db, path)
    assert lines[-1][1] == "LICENSE_REQUIRED"  # 5A002.a alone: licence required
    clear = [(cells[i], codes) for i, (_id, verdict, codes) in enumerate(lines[:-1])
             if verdict == "CLEAR"]
    assert not clear, f"ECCN cells naming 5A002 screened CLEAR to {country}: {clear}"


def test_s10_a_two_digit_year_first_date_is_not_guessed(sqlite_db, tmp_path) -> None:
    path = tmp_path / "yymmdd.csv"
    path.write_text(HEAD + "YMD,21-03-02,Hong Kong,2A290,,HK Power,commercial\n"
                    "ISO,2021-03-02,Hong Kong,2A290,,HK Power,commercial\n", encoding="utf-8")
    (_a, short, codes), (_b, iso, _c) = _verdicts(sqlite_db, path)
    assert iso == "LICENSE_REQUIRED"
    assert short != "CLEAR", f"21-03-02 read as 2002-03-21 without a word: {short} {codes}"


def test_s10_look_alike_digits_in_a_date_are_not_read_by_value(sqlite_db, tmp_path) -> None:
    path = tmp_path / "digits.csv"
    path.write_text(HEAD + "SHOWN,2023-11-18,Saudi Arabia,4A090.a,,Acme,commercial\n"
                    "TRICK,2023-11-1\u09ea,Saudi Arabia,4A090.a,,Acme,commercial\n"
                    "DEVANAGARI,\u0968\u0966\u0968\u0969-\u0967\u0967-\u0967\u096a,"
                    "Saudi Arabia,4A090.a,,Acme,commercial\n", encoding="utf-8")
    lines = _verdicts(sqlite_db, path)
    assert lines[0][1] == "LICENSE_REQUIRED"  # the date the reviewer sees
    clear = [(line_id, codes) for line_id, verdict, codes in lines[1:] if verdict == "CLEAR"]
    assert not clear, f"dates written in non-ASCII digits read by value: {clear}"


@pytest.mark.parametrize("origin", ["Country of Origin", "Country of Manufacture",
                                    "Country of Export"])
def test_s10_a_country_of_origin_column_is_never_taken_for_the_destination(
        sqlite_db, tmp_path, origin) -> None:
    """4. Header detection maps a header whose first word is a synonym to that field:
    "Country of Origin" (also "... of Manufacture", "... of Export") becomes the destination
    when the real destination's header is not a known synonym ("Importing Country"). Every
    line is then screened to the country the goods came from: EAR99 shipped to Iran and
    5A992.c to Russia come out CLEAR (exit 0), the destination column unread and unmentioned.
    The origin is never the destination: refuse the mapping (name the columns) or leave the
    field unmapped, never CLEAR."""
    from screening.ingest import IngestError

    path = tmp_path / "origin.csv"
    path.write_text(f"Line ID,Ship Date,{origin},Importing Country,ECCN,End User\n"
                    "O1,2021-03-01,Germany,Iran,EAR99,Tehran Trading\n"
                    "O2,2021-03-01,Germany,Russia,5A992.c,Moscow Ltd\n", encoding="utf-8")
    try:
        lines = _verdicts(sqlite_db, path)
    except IngestError:
        return  # refused: the mapping must be chosen
    clear = [(line_id, codes) for line_id, verdict, codes in lines if verdict == "CLEAR"]
    assert not clear, f"screened to the {origin!r} column: {clear}"


def test_s10_shipment_rows_above_the_header_row_are_not_dropped_silently(sqlite_db,
                                                                        tmp_path) -> None:
    """5. Rows above the detected header row are taken for title rows and dropped without a
    word, whatever they hold. A sheet sorted with its header row inside the sort range (an
    everyday slip) puts the header among the data: here the Hong Kong lines sort before
    "Line ID" and vanish; the run has 1 line, all CLEAR, exit 0. "Every data row read becomes
    exactly one line": a row above the header that holds a destination, date and ECCN must
    become a line (ERROR at least), or the file be refused naming it, never be lost."""
    from screening.ingest import IngestError

    path = tmp_path / "sorted.csv"
    path.write_text("HK-1001,2021-03-02,Hong Kong,2A290,HK Power\n"
                    "HK-1002,2021-03-02,Hong Kong,3A001.a.2,HK Power\n"
                    "Line ID,Ship Date,Ship-to Country,ECCN,End User\n"
                    "SG-2001,2021-03-01,Singapore,EAR99,Acme\n", encoding="utf-8")
    try:
        run = run_screening(sqlite_db, path, ScreenOptions()).run
    except IngestError:
        return  # refused, naming the rows: nothing lost
    with sqlite_db.sessions() as session:
        rows = [line.row for line in run_store.iter_lines(session, run.id)]
    assert {1, 2} <= set(rows), (
        f"rows 1-2 (shipments to Hong Kong) dropped: lines for rows {rows}, counts "
        f"{run.counts}, message {run.message!r}")


def test_s10_a_hidden_sheet_is_not_screened_in_place_of_the_visible_one(sqlite_db,
                                                                        tmp_path) -> None:
    """6. Without --sheet, a workbook whose visible sheet holds shipments under headers
    hkscreen does not recognise is not refused: the search for a header row goes on to the
    hidden sheets, and a hidden stale copy is screened instead (CLEAR, exit 0; the summary
    names the hidden sheet, nothing says it is hidden or that the visible one was passed
    over). A hidden sheet should be screened only when named (--sheet, mapping, wizard)."""
    import datetime as dt

    import openpyxl

    from screening.ingest import IngestError

    book = openpyxl.Workbook()
    shown = book.active
    shown.title = "Shipments"
    shown.append(["Item", "Dispatched", "Deliver-to", "Class"])
    shown.append(["N1", dt.datetime(2021, 3, 2), "Iran", "5A002.a"])
    hidden = book.create_sheet("old_copy")
    hidden.sheet_state = "hidden"
    hidden.append(["Line ID", "Ship Date", "Ship-to Country", "ECCN"])
    hidden.append(["O1", dt.datetime(2021, 3, 2), "Germany", "EAR99"])
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    try:
        run = run_screening(sqlite_db, path, ScreenOptions()).run
    except IngestError:
        return  # refused: the visible sheet's header must be mapped
    assert run.sheet != "old_copy", f"the hidden sheet was screened: {run.counts}"


@pytest.mark.parametrize("cell", ["N/A", "none", "-", "pending", "applied for", "0"])
def test_s10_a_placeholder_licence_number_is_not_a_licence_cited(sqlite_db, tmp_path,
                                                                 cell) -> None:
    """7. (Lower severity: never CLEAR, but weaker.) The licence number column has no
    placeholder check: "N/A", "none", "-", "pending", "applied for" or "0" is taken for a
    licence cited, and a line needing a licence drops from LICENSE_REQUIRED to REVIEW
    ("[licence N/A cited]"), as if one had been named. Destination, ECCN and date cells
    treat such text as PLACEHOLDER_VALUE; a licence cell saying there is none should leave
    the line LICENSE_REQUIRED (as a blank one does) or say it is a placeholder."""
    path = tmp_path / "licence.csv"
    path.write_text("Line ID,Ship Date,Ship-to Country,ECCN,License No.,End User\n"
                    "BLANK,2021-03-02,Hong Kong,2A290,,HK Power\n"
                    f'CELL,2021-03-02,Hong Kong,2A290,"{cell}",HK Power\n', encoding="utf-8")
    (_a, blank, _b), (_c, verdict, codes) = _verdicts(sqlite_db, path)
    assert blank == "LICENSE_REQUIRED"
    assert verdict == "LICENSE_REQUIRED" or "PLACEHOLDER_VALUE" in codes, (
        f"licence cell {cell!r} taken for a licence: {verdict} {codes}")


def test_s10_a_huge_unquoted_csv_cell_is_not_called_a_quoting_error(capsys, tmp_path) -> None:
    """8. (Low: the file is refused, but the message is wrong.) A CSV cell over 131,072
    characters (csv's field limit) with no quote anywhere is reported as "malformed CSV at
    line 2: bad quoting (field larger than field limit (131072)). Fix the quote and save
    again", naming no column. It should say the cell is too large, naming its column."""
    from screening.cli import main

    path = tmp_path / "huge.csv"
    path.write_text("Line ID,Ship Date,Ship-to Country,ECCN,Description\n"
                    f"H1,2021-03-01,Germany,EAR99,{'x' * 200_000}\n", encoding="utf-8")
    code = main(["--database-url", f"sqlite:///{tmp_path / 'hk.sqlite3'}", "screen",
                 str(path), "--quiet"])
    err = capsys.readouterr().err.replace(str(path), "FILE")  # its folder says "unquoted"
    assert code == 2
    assert "quot" not in err.lower() and "column E" in err, err


def test_s10_congo_alone_is_not_taken_for_the_republic_of_the_congo(sqlite_db,
                                                                   tmp_path) -> None:
    """9. (Low-medium.) "Congo" alone is both countries in everyday use; the alias table
    (ISO 3166 short name) maps it to the Republic of the Congo (CG) without a word. 9A991 to
    "Congo" is CLEAR, the same line to the Democratic Republic of the Congo (CD) is REVIEW.
    Like "Korea" and "Virgin Islands" (refused as unknown), "Congo" should be ambiguous."""
    path = tmp_path / "congo.csv"
    path.write_text("Line ID,Ship Date,Ship-to Country,ECCN,End User\n"
                    "CD,2021-03-01,CD,9A991,Acme\n"
                    "CONGO,2021-03-01,Congo,9A991,Acme\n", encoding="utf-8")
    (_a, drc, _b), (_c, congo, codes) = _verdicts(sqlite_db, path)
    assert drc != "CLEAR"
    assert congo != "CLEAR", f"'Congo' read as the Republic of the Congo: {congo} {codes}"
