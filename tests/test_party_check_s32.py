"""s32 newcomer's run: a file naming no party is never CLEAR, a party matched in both
the ultimate destination and the ship-to country is reported once per list entry, and a
folder's refusal names what is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screening.cli import main
from screening.model import Finding, Severity
from screening.party_screen import NO_PARTY_COLUMN, new_at_ship_to


def _screen(tmp_path: Path, capsys, text: str) -> tuple[int, dict, dict[str, dict]]:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.json"
    code = main(["--database-url", f"sqlite:///{tmp_path / 'hk.sqlite3'}", "screen",
                 str(path), "--json", str(out), "--quiet"])
    capsys.readouterr()
    data = json.loads(out.read_text("utf-8"))
    return code, data["run"], {line["line_id"]: line for line in data["lines"]}


@pytest.mark.usefixtures("bundled_lists")
def test_a_file_without_party_columns_is_review_not_clear(tmp_path, capsys) -> None:
    code, run, lines = _screen(tmp_path, capsys, "Line ID,Ship Date,Destination,ECCN\n"
                                                 "B1,2021-03-01,Germany,EAR99\n"
                                                 "B2,2021-03-01,Japan,EAR99\n")
    assert code == 1  # not "every line CLEAR"
    assert run["party_screening"]["performed"] is False
    for line in lines.values():
        assert line["verdict"] == "REVIEW"
        assert [f["message"] for f in line["findings"] if f["code"] == "PARTY_NOT_CHECKED"] \
            == [NO_PARTY_COLUMN.message]


@pytest.mark.usefixtures("bundled_lists")
def test_the_same_file_naming_its_parties_can_be_clear(tmp_path, capsys) -> None:
    code, run, lines = _screen(tmp_path, capsys, "Line ID,Ship Date,Destination,ECCN,"
                                                 "Consignee\nB1,2021-03-01,Germany,EAR99,"
                                                 "Mueller Maschinenbau GmbH\n")
    assert run["party_screening"]["performed"] is True
    assert lines["B1"]["verdict"] == "CLEAR" and code == 0, lines


@pytest.mark.usefixtures("bundled_lists")
def test_a_match_in_both_countries_is_reported_once(tmp_path, capsys) -> None:
    # Shipped to Hong Kong for China: the end user is screened in both; each entry it
    # matches is one finding (it was two: "country agrees (CN)" and "(HK; ...)").
    _code, _run, lines = _screen(
        tmp_path, capsys, "Line ID,Ship Date,Ship-to Country,Ultimate Destination,ECCN,"
                          "End User\nL1,2021-03-01,HK,CN,3A001.a.2,Shenzhen Aero Avionics\n")
    matches = [f["message"] for f in lines["L1"]["findings"]
               if f["code"].startswith("PARTY_MATCH_")]
    assert matches, lines["L1"]
    entries = [m.split(" entry ", 1)[1].split(" (both", 1)[0] for m in matches]
    assert len(entries) == len(set(entries)), matches
    assert all("country agrees (CN)" in m for m in matches), matches


def test_a_more_severe_match_in_the_ship_to_country_is_kept() -> None:
    there = ("End user", "X Ltd", "EL:1")
    review = Finding("PARTY_MATCH_ENTITY_LIST", Severity.REVIEW, "in DE", subject=there)
    licence = Finding("PARTY_MATCH_ENTITY_LIST", Severity.LICENSE, "in HK", subject=there)
    other = Finding("PARTY_MATCH_SDN", Severity.REVIEW, "another entry",
                    subject=("End user", "X Ltd", "SDN:2"))
    assert new_at_ship_to((review,), (licence, other)) == (licence, other)
    assert new_at_ship_to((licence,), (review,)) == ()
    assert new_at_ship_to((review,), (review,)) == ()


def test_a_folder_is_refused_naming_what_is_read(tmp_path, capsys) -> None:
    # (s32 newcomer: the message named only .xlsx and .csv, though a .txt export is read.)
    code = main(["--database-url", f"sqlite:///{tmp_path / 'hk.sqlite3'}", "screen",
                 str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "is a folder, not a spreadsheet file" in err
    assert ".xlsx workbooks, or CSV text (.csv, or a .txt or .tsv export)" in err
