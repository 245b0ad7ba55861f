"""Final-destination headers in other wordings and languages (s25 input hunt): "Hong Kong"
under each, on a line to Germany, was CLEAR, the column named only as not read."""

from __future__ import annotations

import pytest

from screening.ingest.columns import Field, auto_mapping
from tests.conftest import screen_file


@pytest.mark.parametrize("header", ["Destino final", "País final", "Pays final", "最終仕向地",
                                    "最终国家", "Endverbleib", "Land Endverwendung",
                                    "End Country", "Final Country", "Ultimately Shipped To",
                                    "Country of Final Destination"])
def test_final_destination_headers_are_read(tmp_path, header) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "lines.csv"
    path.write_text(f"Line ID,Ship Date,Ship-to Country,ECCN,End-User Type,{header}\n"
                    "L1,2021-03-15,Germany,3A991,military,Hong Kong\n", encoding="utf-8")
    _run, lines = screen_file(tmp_path, path)
    assert lines["L1"].verdict == "LICENSE_REQUIRED", lines["L1"].findings


def test_the_japanese_destination_header_is_the_destination() -> None:
    mapping = auto_mapping(["Line ID", "Ship Date", "仕向地", "ECCN"], 1)
    assert mapping.columns[Field.DESTINATION] == 2
