"""Defect (newcomer check, s10): the README says a decision recorded against the findings
"is marked as an override in the history and every report". The CSV report (the Lines
table) is not: for HK-1004, whose findings say licence exception GBS is suspended
(LICENSE_EXCEPTION_SUSPENDED), a "Licence exception confirmed GBS" recorded with
``--override`` appears as a plain "Licence exception confirmed" by its reviewer, with
neither the override, its reason, nor the exception confirmed. (The XLSX report's Lines
sheet shows the same bare disposition; only its Reviews sheet has the override.) An
auditor reading the CSV sees a LICENSE_REQUIRED line closed by an ordinary decision.

Expected: the CSV row of a line whose disposition in force is an override says so.
"""

from __future__ import annotations

import csv
from pathlib import Path

from screening.cli import main
from tests.conftest import SAMPLE_XLSX


def test_csv_report_marks_an_override(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    assert main(["--database-url", url, "screen", str(SAMPLE_XLSX), "--quiet"]) == 1
    assert main(["--database-url", url, "review", "1", "8", "--disposition",
                 "exception_confirmed", "--exception", "GBS", "--reason", "eligible",
                 "--override", "advisory opinion 2021-07", "--reviewer", "A. Officer"]) == 0
    assert main(["--database-url", url, "report", "1", "--out",
                 str(tmp_path / "r.csv")]) == 0
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = {row["Line ID"]: row for row in csv.DictReader(f)}
    line = rows["HK-1004"]
    assert line["Disposition"].startswith("Licence exception confirmed")
    assert any("override" in value.lower() for value in line.values()), line
