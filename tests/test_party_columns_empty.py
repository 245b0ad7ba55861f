"""Review 2 (s10): "party screening performed" with no party name to check.

The review fix states restricted-party screening was not performed only when no consignee,
end-user or owner column is mapped. A file that has the column but leaves it empty (the
template's "End User" column never filled in) has no name to check either, yet its lines are
CLEAR and the run says "Restricted-party screening performed against ..." (``performed``
true), on the terminal, in the JSON and in every report. Expected as for no column: the run
says it was not performed for those lines (or the lines are not CLEAR).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.db import open_database
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store


@pytest.mark.usefixtures("bundled_lists")
def test_s10_review2_an_empty_party_column_is_not_a_party_check_performed(
        tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    try:
        path = tmp_path / "blank_party.csv"
        path.write_text("Line ID,Ship Date,Ship-to Country,ECCN,End User,Consignee\n"
                        "B1,2021-03-01,Germany,EAR99,,\n"
                        "B2,2021-03-01,Germany,EAR99,,\n", encoding="utf-8")
        run = run_screening(db, path, ScreenOptions()).run
        with db.sessions() as session:
            verdicts = [ln.verdict.value for ln in run_store.iter_lines(session, run.id)]
    finally:
        db.dispose()
    claimed = bool(run.party_check.get("performed")) and "not performed" not in str(
        run.party_check.get("statement", ""))
    assert not (claimed and "CLEAR" in verdicts), (
        f"CLEAR with every party cell empty, and the run says: "
        f"{run.party_check.get('statement')!r}")
