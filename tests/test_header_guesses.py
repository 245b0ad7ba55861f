"""Review 2 (s10): the header guesses changed by the review fix (``_unless_other_meaning``).

1. Hole: the words that make a "Country of ..." header not the destination are a short
   list, so other everyday origin headers are still taken for the destination: "Country of
   Mfg", "Country of Manufacturer", "Country of Manuf.", "Country of Assembly", "Country of
   Dispatch" (EU customs' word for the country the goods leave). With the real destination
   under a header hkscreen does not know ("Importing Country"), EAR99 to Iran and 5A992.c
   to Russia come out CLEAR, screened to Germany.
2. Regression: the "other meaning" words are looked for in the whole header, also in the
   words that matched a destination or export-date name. A header that says it is the
   destination ("Destination Country (Export)", "Country of Destination (Export)") or the
   export date ("Export Date (per invoice)", "Date of Export (Entry No.)") is no longer
   guessed, and an ordinary file using it is refused for a missing required column.
3. Regression: "Consignee Name & Address", "Customer Name (Code)" and "End User Name (ID)"
   (the name with a note of what else the cell holds) are no longer guessed as the party
   column; a file using one is no longer screened against the restricted-party lists
   (party screening "not performed").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.db import open_database
from screening.ingest.columns import guess_field
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store


@pytest.fixture
def sqlite_db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    yield database
    database.dispose()


@pytest.mark.parametrize("origin", ["Country of Mfg", "Country of Manufacturer",
                                    "Country of Manuf.", "Country of Assembly",
                                    "Country of Dispatch"])
def test_s10_review2_an_origin_header_is_never_taken_for_the_destination(
        sqlite_db, tmp_path, origin) -> None:
    from screening.ingest import IngestError

    path = tmp_path / "origin.csv"
    path.write_text(f"Line ID,Ship Date,{origin},Importing Country,ECCN,End User\n"
                    "O1,2021-03-01,Germany,Iran,EAR99,Tehran Trading\n"
                    "O2,2021-03-01,Germany,Russia,5A992.c,Moscow Ltd\n", encoding="utf-8")
    try:
        run = run_screening(sqlite_db, path, ScreenOptions()).run
    except IngestError:
        return  # refused: the mapping must be chosen
    with sqlite_db.sessions() as session:
        clear = [(ln.line_id, ln.destination) for ln in run_store.iter_lines(session, run.id)
                 if ln.verdict.value == "CLEAR"]
    assert not clear, f"screened to the {origin!r} column: {clear}"


@pytest.mark.parametrize(("header", "expected"), [
    ("Destination Country (Export)", "destination"),
    ("Country of Destination (Export)", "destination"),
    ("Export Date (per invoice)", "export_date"),
    ("Date of Export (Entry No.)", "export_date"),
    ("Consignee Name & Address", "consignee"),
    ("Customer Name (Code)", "consignee"),
    ("End User Name (ID)", "end_user"),
])
def test_s10_review2_a_header_naming_its_field_is_still_guessed(header, expected) -> None:
    found = guess_field(header)
    assert (found.value if found else None) == expected, (
        f"{header!r} names {expected} in its own first words, guessed {found}")


def test_s10_review2_an_export_destination_header_still_screens(sqlite_db, tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Line ID,Export Date,Destination Country (Export),ECCN,End User\n"
                    "E1,2021-03-01,Hong Kong,2A290,HK Power\n", encoding="utf-8")
    run = run_screening(sqlite_db, path, ScreenOptions()).run  # refused today
    with sqlite_db.sessions() as session:
        (line,) = list(run_store.iter_lines(session, run.id))
    assert (line.destination, line.verdict.value) == ("HK", "LICENSE_REQUIRED")


@pytest.mark.parametrize("header", ["Destination (final)", "Final Dest.", "Ult. Dest.",
                                    "Country of End Use", "Country of End-User",
                                    "End-Use Country", "Final Ship-to", "Onward Destination",
                                    "Re-export Country", "Final Country",
                                    # second review (s17)
                                    "Eventual Destination", "Final Place of Delivery",
                                    "Place of Final Delivery", "最终目的地", "最終目的地",
                                    "Re-export To", "Onward To", "Ultimate Location"])
def test_a_final_destination_header_is_the_ultimate_destination(sqlite_db, tmp_path,
                                                                 header) -> None:
    """(Review, s17:) these headers were left unmapped without a word: a Singapore ship-to
    with Hong Kong as the final destination went CLEAR. ("End-Use Country" was taken for the
    end-user type.)"""
    assert guess_field(header) is not None and guess_field(header).value == \
        "ultimate_destination"
    path = tmp_path / "final.csv"
    path.write_text(f"Line ID,Ship Date,Ship-to Country,{header},ECCN,End-User Type\n"
                    "F1,2021-03-01,Singapore,Hong Kong,2A290,commercial\n", encoding="utf-8")
    run = run_screening(sqlite_db, path, ScreenOptions()).run
    with sqlite_db.sessions() as session:
        (line,) = list(run_store.iter_lines(session, run.id))
    assert line.verdict.value == "LICENSE_REQUIRED"


@pytest.mark.parametrize("header", ["Country of Final Assembly", "Final Assembly Country",
                                    "Country of Final Manufacture", "Final Production Location",
                                    "Final Test Location", "Final Ship To Name",
                                    "Final Invoice To", "Final Payment To"])
def test_where_goods_were_made_or_billed_is_not_the_ultimate_destination(
        sqlite_db, tmp_path, header) -> None:
    """(Review, s17:) the first rule took these for the ultimate destination, and a Hong Kong
    line needing a licence came out CLEAR, screened for the country of final assembly."""
    assert guess_field(header) is None
    path = tmp_path / "made.csv"
    path.write_text(f"Line,Destination,Export Date,ECCN,End-User Type,{header}\n"
                    "A,HK,2024-01-02,3A001.a.2,commercial,DE\n", encoding="utf-8")
    run = run_screening(sqlite_db, path, ScreenOptions()).run
    with sqlite_db.sessions() as session:
        (line,) = list(run_store.iter_lines(session, run.id))
    assert line.verdict.value == "LICENSE_REQUIRED"


def test_a_ship_to_needing_a_licence_is_never_clear_on_the_ultimate_destination(
        sqlite_db, tmp_path) -> None:
    """Shipped to Hong Kong, ultimate destination Germany: the item needs no licence to
    Germany, but would to Hong Kong; the line rests on the ultimate-destination column
    alone (a column taken for it by mistake, a transshipment point), so it is REVIEW."""
    path = tmp_path / "via.csv"
    path.write_text("Line,Destination,Export Date,ECCN,End-User Type,Final Country\n"
                    "A,HK,2024-01-02,3A001.a.2,commercial,DE\n"
                    "B,DE,2024-01-02,3A001.a.2,commercial,FR\n", encoding="utf-8")
    run = run_screening(sqlite_db, path, ScreenOptions()).run
    with sqlite_db.sessions() as session:
        lines = {ln.line_id: ln for ln in run_store.iter_lines(session, run.id)}
    assert lines["A"].verdict.value == "REVIEW"
    assert "SHIP_TO_NEEDS_LICENCE" in {f.code for f in lines["A"].findings}
    assert "SHIP_TO_NEEDS_LICENCE" not in {f.code for f in lines["B"].findings}
