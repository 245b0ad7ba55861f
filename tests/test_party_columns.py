"""Review (s10): a file with no consignee, end-user or owner column mapped (none there, or one
under a header hkscreen does not recognise, such as "Recipient") is screened with no party
matched at all, yet its lines are CLEAR and the run states "Restricted-party screening
performed against Consolidated Screening List of ..." (``party_screening.performed`` true) on
the terminal, in the JSON and in every report. Here "Huawei Technologies Co. Ltd." in a
"Recipient" column: CLEAR, "performed".

The promise: CLEAR only when the restricted-party check ran. With no party column there was
nothing to check: the lines should be REVIEW (no party named), or the run should say party
screening was not performed for them (as it does when there is no list), never claim it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.db import open_database
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store


@pytest.mark.usefixtures("bundled_lists")
@pytest.mark.parametrize("header", ["Recipient", None])
def test_s10_no_party_column_is_not_a_party_check_performed(tmp_path: Path, header) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    try:
        path = tmp_path / "no_party.csv"
        extra = f",{header}" if header else ""
        cell = ",Huawei Technologies Co. Ltd." if header else ""
        path.write_text(f"Line ID,Ship Date,Ship-to Country,ECCN{extra}\n"
                        f"R1,2021-03-01,Germany,EAR99{cell}\n", encoding="utf-8")
        run = run_screening(db, path, ScreenOptions()).run
        with db.sessions() as session:
            verdicts = [ln.verdict.value for ln in run_store.iter_lines(session, run.id)]
    finally:
        db.dispose()
    claimed = bool(run.party_check.get("performed")) and "not performed" not in str(
        run.party_check.get("statement", ""))
    assert not (claimed and "CLEAR" in verdicts), (
        f"CLEAR with no party column mapped, and the run says: "
        f"{run.party_check.get('statement')!r}")
