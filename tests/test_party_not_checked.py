"""In a run whose restricted-party check ran (a list loaded, a party column mapped), a
line naming no consignee, end user or owner was not checked: REVIEW with PARTY_NOT_CHECKED,
never CLEAR; the same on the fast path, the record path and the re-screen of ``verify``.
(A run with no list or no party column states that no party was checked, for all its
lines.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.db import open_database
from screening.party_screen import UNNAMED
from screening.reports import write_report
from screening.reports.verify import Status, verify_report
from screening.service import ScreenOptions, run_screening
from tests.conftest import screen_text

HEADER = "Line ID,Ship Date,Ship-to Country,ECCN,Consignee,End User,Owner\n"


def _codes(line: object) -> list[str]:
    return [f.code for f in line.findings]  # type: ignore[attr-defined]


@pytest.mark.usefixtures("bundled_lists")
def test_a_line_naming_no_party_is_review_beside_named_ones(tmp_path: Path) -> None:
    rows = ['N1,2021-03-01,Germany,EAR99,Acme Maschinenbau GmbH,,\n',
            'N2,2021-03-01,Germany,EAR99,,Berliner Werkzeug AG,\n',
            'E1,2021-03-01,Germany,EAR99,,,\n',
            'E2,2021-03-01,Germany,EAR99,  ,,\n',
            'O1,2021-03-01,Germany,EAR99,,,Acme Holding\n']  # an owner is a party too
    run, lines = screen_text(tmp_path, HEADER + "".join(rows))
    assert run.party_check["performed"]
    for line_id in ("N1", "N2", "O1"):
        assert lines[line_id].verdict.value == "CLEAR", _codes(lines[line_id])
        assert "PARTY_NOT_CHECKED" not in _codes(lines[line_id])
    for line_id in ("E1", "E2"):
        line = lines[line_id]
        assert line.verdict.value == "REVIEW"
        assert UNNAMED in line.findings
        assert "consignee, end-user and owner cells are empty" in UNNAMED.message


@pytest.mark.usefixtures("bundled_lists")
def test_a_file_without_party_columns_says_so_for_the_run(tmp_path: Path) -> None:
    run, lines = screen_text(tmp_path, "Line ID,Ship Date,Ship-to Country,ECCN\n"
                         "A1,2021-03-01,Germany,EAR99\nA2,2021-03-01,Japan,EAR99\n")
    assert not run.party_check["performed"]
    assert "no party column mapped" in " ".join(run.party_check["warnings"])
    assert not any(UNNAMED in ln.findings for ln in lines.values())


@pytest.mark.usefixtures("bundled_lists")
def test_a_line_needing_a_licence_keeps_its_verdict_and_says_it_too(tmp_path: Path) -> None:
    _run, lines = screen_text(tmp_path, HEADER + "L1,2021-03-01,Hong Kong,5A002,,,\n")
    line = lines["L1"]
    assert line.verdict.value == "LICENSE_REQUIRED"
    assert UNNAMED in line.findings


@pytest.mark.usefixtures("bundled_lists")
def test_fast_and_record_paths_agree_on_unnamed_lines(tmp_path: Path) -> None:
    """A row shorter than the header takes the record path (RowConverter.convert): a line
    naming no party is REVIEW there as on the fast path."""
    _run, lines = screen_text(tmp_path, HEADER + "F1,2021-03-01,Germany,EAR99,,,\n"
                          "S1,2021-03-01,Germany,EAR99\n")
    assert _codes(lines["F1"]) == _codes(lines["S1"]) == ["PARTY_NOT_CHECKED"]
    assert lines["F1"].verdict.value == lines["S1"].verdict.value == "REVIEW"


@pytest.mark.usefixtures("bundled_lists")
def test_verify_re_screens_unnamed_lines_and_partial_matches_the_same(tmp_path: Path) -> None:
    """A report of a run with an unnamed line and partial matches re-screens identically."""
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "P1,2021-03-01,Hong Kong,5A992.c,Huawei,,\n"
                    "P2,2021-03-01,Germany,EAR99,Huawei Technologies Co Ltd c/o DHL,,\n"
                    "P3,2021-03-01,Germany,EAR99,,,\n", encoding="utf-8")
    db = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    try:
        run = run_screening(db, path, ScreenOptions()).run
        report = tmp_path / "r.xlsx"
        write_report(db, run.id, report, generated_by="x")
        result = verify_report(report, path, db)
    finally:
        db.dispose()
    assert run.counts["REVIEW"] == 3
    assert [c.status for c in result.checks] == [Status.PASSED] * 7, result.checks
    assert "with the run's restricted-party lists" in result.checks[2].detail
