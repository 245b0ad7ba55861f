"""A column no field reads whose header says where the goods end up ("Ultimate Destination
City", "Delivery Address"): a country's name, or a city of China or Hong Kong, named there
that is neither of the line's destinations makes the line REVIEW (s23 hunt: "Shenzhen,
China" under "Ultimate Destination City" on a 3A001.b.1 line to Germany was CLEAR). Codes,
fillers and transit points are not read so (s23 review: "No", "N/A", "San Jose, CA" and
"Port of Discharge" flooded a file with findings), but for China's and Hong Kong's codes as
the whole cell (s24: "HK" there was CLEAR)."""

from __future__ import annotations

import pytest

from screening.ingest.rows import _says_where_goods_end_up
from tests.conftest import screen_text

HEAD = "Line,Export Date,Destination,{header},ECCN\n"


def _codes(tmp_path, cell: str, dest: str = "Germany", date: str = "2021-03-01",
           header: str = "Ultimate Destination City") -> dict[str, str]:
    _run, lines = screen_text(tmp_path, HEAD.format(header=header)
                              + f"U1,{date},{dest},{cell},3A001.b.1\n")
    return {f.code: f.message for f in lines["U1"].findings}


@pytest.mark.parametrize(("cell", "named"), [
    ('"Shenzhen, China"', "China (CN)"), ("Hong Kong", "Hong Kong (HK)"),
    ("Kowloon", "Hong Kong (HK)"), ("Shenzhen", "China (CN)"),
    ('"Kowloon, Hong Kong, China"', "Hong Kong (HK)"), ('"Macau, China"', "Macao (MO)"),
    # s24: a code for China or Hong Kong as the whole cell, and cities of other
    # destinations under the military end-use rule
    ("HK", "Hong Kong (HK)"), ("H.K.", "Hong Kong (HK)"), ("HKG", "Hong Kong (HK)"),
    ("PRC", "China (CN)"), ("CN", "China (CN)"),
    ("Caracas", "Venezuela, Bolivarian Republic of (VE)"),
    ('"Yangon"', "Myanmar (MM)"), ("Phnom Penh", "Cambodia (KH)")])
def test_another_country_where_the_goods_end_up_is_a_review(tmp_path, cell, named) -> None:
    found = _codes(tmp_path, cell)
    assert f"names {named}, but the line is screened to DE" in \
        found["DESTINATION_NAMED_ELSEWHERE"]


@pytest.mark.parametrize("cell", [
    "Munich", "Germany", '"Munich, Germany"', "TBD", "", "No", "N/A", "na", "NO", "DE",
    '"San Jose, CA"', "Cuneo (CN)", "Modena (MO)", "MO", "n.a.", "none", "Valencia"])
def test_the_lines_own_destination_codes_or_fillers_say_nothing(tmp_path, cell) -> None:
    assert "DESTINATION_NAMED_ELSEWHERE" not in _codes(tmp_path, cell)


@pytest.mark.parametrize(("date", "flagged"), [("2020-12-22", True), ("2020-12-23", False)])
def test_hong_kong_for_china_is_another_destination_only_before_2020_12_23(
        tmp_path, date, flagged) -> None:
    found = _codes(tmp_path, "Hong Kong", dest="China", date=date)
    assert ("DESTINATION_NAMED_ELSEWHERE" in found) is flagged


@pytest.mark.parametrize("header", ["Sent To", "Goes To", "Transfer To", "Final"])
def test_hong_kong_under_other_words_for_where_goods_go_is_a_review(tmp_path, header) -> None:
    """(s26) "Hong Kong" under such a column beside a line screened to Germany: REVIEW."""
    found = _codes(tmp_path, "Hong Kong", header=header)
    assert "names Hong Kong (HK), but the line is screened to DE" in \
        found["DESTINATION_NAMED_ELSEWHERE"]


def test_the_fast_path_finds_the_same_lines(tmp_path) -> None:
    """More rows than the batch reader tunes after: the rows naming another country go the
    careful way and get the finding; the others stay CLEAR."""
    rows = [f"L{n},2021-03-01,Germany,{'Shenzhen' if n % 997 == 0 else 'Berlin'},EAR99,"
            f"Mueller GmbH" for n in range(1, 3001)]  # (a party named: a line can be CLEAR)
    _run, lines = screen_text(tmp_path, HEAD.format(header="Final Destination City")
                              .replace("\n", ",Consignee\n") + "\n".join(rows) + "\n")
    flagged = sorted(line_id for line_id, line in lines.items()
                     if "DESTINATION_NAMED_ELSEWHERE" in {f.code for f in line.findings})
    assert flagged == ["L1994", "L2991", "L997"]
    assert lines["L1"].verdict == "CLEAR"


@pytest.mark.parametrize(("header", "where"), [
    ("Ultimate Destination City", True), ("Ship To City", True), ("Delivery Address", True),
    ("Final Destination City", True), ("Diverted To", True), ("Rerouted To", True),
    # s26: where the goods go, said another way
    ("Sent To", True), ("Goes To", True), ("Transfer To", True), ("Forwarded To", True),
    ("Final", True), ("Final Country", True), ("Shipped To", True),
    ("Port of Discharge", False), ("Sent From", False), ("Transfer Date", False),
    ("Transshipment Point", False), ("Country of Origin", False), ("Ship From", False),
    ("Remarks", False), ("Port of Loading", False)])
def test_headers_saying_where_the_goods_end_up(header, where) -> None:
    assert _says_where_goods_end_up(header) is where
