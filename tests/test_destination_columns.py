"""A column no field reads whose header says where the goods end up ("Ultimate Destination
City", "Port of Discharge"): a country, or a city of China, Hong Kong or Macau, named there
that is neither of the line's destinations makes the line REVIEW (s23 hunt: "Shenzhen,
China" under "Ultimate Destination City" on a 3A001.b.1 line to Germany was CLEAR)."""

from __future__ import annotations

import pytest

from screening.ingest.rows import _says_where_goods_go
from tests.conftest import screen_text

HEAD = "Line,Export Date,Destination,{header},ECCN\n"


@pytest.mark.parametrize(("cell", "named"), [
    ('"Shenzhen, China"', "China (CN)"), ("Hong Kong", "Hong Kong (HK)"),
    ("Kowloon", "Hong Kong (HK)"), ("Shenzhen", "China (CN)"), ("HK", "Hong Kong (HK)")])
def test_another_country_where_the_goods_end_up_is_a_review(tmp_path, cell, named) -> None:
    _run, lines = screen_text(tmp_path, HEAD.format(header="Ultimate Destination City")
                              + f"U1,2021-03-01,Germany,{cell},3A001.b.1\n")
    line = lines["U1"]
    found = {f.code: f.message for f in line.findings}
    assert line.verdict == "REVIEW", found
    assert f"names {named}, but the line is screened to DE" in \
        found["DESTINATION_NAMED_ELSEWHERE"]


@pytest.mark.parametrize("cell", ["Munich", "Germany", "Munich, Germany", "TBD", ""])
def test_the_lines_own_destination_or_no_country_says_nothing(tmp_path, cell) -> None:
    _run, lines = screen_text(tmp_path, HEAD.format(header="Ultimate Destination City")
                              + f"U1,2021-03-01,Germany,{cell},3A001.b.1\n")
    assert "DESTINATION_NAMED_ELSEWHERE" not in {f.code for f in lines["U1"].findings}


def test_the_fast_path_finds_the_same_lines(tmp_path) -> None:
    """More rows than the batch reader tunes after: the rows naming another country go the
    careful way and get the finding; the others stay CLEAR."""
    rows = [f"L{n},2021-03-01,Germany,{'Shenzhen' if n % 997 == 0 else 'Berlin'},EAR99"
            for n in range(1, 3001)]
    _run, lines = screen_text(tmp_path, HEAD.format(header="Port of Discharge")
                              + "\n".join(rows) + "\n")
    flagged = sorted(line_id for line_id, line in lines.items()
                     if "DESTINATION_NAMED_ELSEWHERE" in {f.code for f in line.findings})
    assert flagged == ["L1994", "L2991", "L997"]
    assert lines["L1"].verdict == "CLEAR"


@pytest.mark.parametrize(("header", "where"), [
    ("Ultimate Destination City", True), ("Port of Discharge", True), ("Ship To City", True),
    ("Delivery Address", True), ("Transshipment Point", True), ("Country of Origin", False),
    ("Ship From", False), ("Remarks", False), ("Port of Loading", False)])
def test_headers_saying_where_the_goods_end_up(header, where) -> None:
    assert _says_where_goods_go(header) is where
