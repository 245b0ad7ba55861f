"""verify re-screens the input as the run read it: with its header row."""

from __future__ import annotations

from pathlib import Path

from screening.reports import write_report
from screening.reports.verify import Status, verify_report
from screening.service import ScreenOptions, run_screening

_TWO_HEADERS = ("Line,Destination,Export Date,ECCN,Description\n"
                "A0,HK,2021-03-01,EAR99,x\n"
                "Line,Country,Date,ECCN,Text\n"
                "A1,HK,2021-03-01,EAR99,x\n"
                "A2,DE,2021-03-01,EAR99,y\n")


def test_verify_rescreen_reads_the_input_with_the_runs_header_row(db, tmp_path: Path) -> None:
    """(Review:) a run screened with the header row the user chose (the import wizard's
    header page; the report's Run sheet states it) is re-screened with that row, not with
    headers detected again: the untouched report verifies."""
    data = tmp_path / "two-headers.csv"
    data.write_text(_TWO_HEADERS, encoding="utf-8")
    run = run_screening(db, data, ScreenOptions(header_row=3)).run
    assert run.status == "complete" and run.line_count == 2
    write_report(db, run.id, tmp_path / "r.xlsx", generated_by="auditor")
    checks = {c.name: c.status for c in verify_report(tmp_path / "r.xlsx", data, db).checks}
    assert checks["re-screen"] is Status.PASSED
