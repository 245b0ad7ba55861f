"""A CSV file read with one separator whose header row names columns between the other list
separator (s26 hunt): Excel on a computer using that one shows those columns, and a 3A001
there went unread while every line was CLEAR. Refused, unless the file names its separator
in a first line "sep=;", which Excel follows everywhere."""

from __future__ import annotations

import pytest

from screening.ingest import IngestError
from tests.conftest import screen_text

MIXED = ("Line ID;Ship Date;Ship-to Country;ECCN;Notes,Ship Date,Country,Classification,Qty\n"
         "L1;2023-03-01;Hong Kong;EAR99;x,2023-03-01,Hong Kong,3A001,1\n"
         "L2;2023-03-01;Hong Kong;EAR99;x,2023-03-01,Hong Kong,3A001,1,\n"
         "L3;2023-03-01;Hong Kong;EAR99;x,2023-03-01,Hong Kong,3A001,1,,\n")


def test_columns_named_between_the_other_separator_are_refused(tmp_path) -> None:
    with pytest.raises(IngestError, match=r"names columns \(Ship Date, Country, Classification"
                                          r", Qty\) between ','") as refused:
        screen_text(tmp_path, MIXED)
    assert "row 1" in str(refused.value)


def test_semicolons_in_a_comma_file_header_are_refused(tmp_path) -> None:
    text = ("Line ID,Ship Date,Ship-to Country,Notes;ECCN;Country\n"
            "L1,2023-03-01,Germany,x;3A001;Hong Kong\n") * 1
    with pytest.raises(IngestError, match="between ';'"):
        screen_text(tmp_path, text)


def test_a_declared_separator_is_read_as_excel_reads_it(tmp_path) -> None:
    _run, lines = screen_text(tmp_path, "sep=;\n" + MIXED)
    assert sorted(lines) == ["L1", "L2", "L3"]


def test_one_field_word_in_a_header_cell_is_no_second_reading(tmp_path) -> None:
    """A ";" file's "Value, EUR" (a header with a comma, as European files write them)."""
    _run, lines = screen_text(tmp_path, "Line ID;Ship Date;Ship-to Country;ECCN;Value, EUR;"
                                        "Consignee\n"
                                        "L1;2023-03-01;Germany;EAR99;1.50;Mueller GmbH\n"
                                        "L2;2023-03-01;Germany;EAR99;2;Mueller GmbH\n")
    assert lines["L1"].verdict == "CLEAR"
