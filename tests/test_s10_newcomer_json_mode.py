"""Defect (newcomer check, s10): ``hkscreen screen FILE --json OUT`` writes OUT with mode
0600 whatever the umask (it is the ``tempfile.mkstemp`` file of screening/json_output.py,
renamed into place), while ``--report`` files written in the same run follow the umask
(0644 under umask 022, reports/safety.py sets it). Following the README's first command
(`--json sample-results.json --report sample-report.xlsx`) leaves a results file that a
colleague, a CI job under another user or the auditor's group cannot read, next to a
report they can.

Expected: the JSON results get the same permissions as a report written by the same run.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from screening.cli import main
from tests.conftest import SAMPLE_XLSX


def test_json_results_follow_the_umask_like_the_reports(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert main(["--database-url", f"sqlite:///{tmp_path / 'hk.sqlite3'}", "screen",
                     str(SAMPLE_XLSX), "--quiet", "--json", str(tmp_path / "results.json"),
                     "--report", str(tmp_path / "report.json")]) == 1
    finally:
        os.umask(old)
    modes = {name: oct(stat.S_IMODE((tmp_path / name).stat().st_mode))
             for name in ("results.json", "report.json")}
    assert modes == {"results.json": "0o644", "report.json": "0o644"}, modes
