"""(s24 audit:) a genuine report made before a decision was withdrawn verified as "verified"
without a word, while it showed the clearance since put on hold. verify now says the report
is out of date, naming the rows reviewed after it; the report itself still passes (it is
what it was when made), so the exit code is unchanged."""

from __future__ import annotations

import pytest

from screening.reports import write_report
from screening.reports.verify import Status, verify_report
from screening.service import ScreenOptions, run_screening
from screening.store.reviews import Disposition, add_reviews
from tests.conftest import SAMPLE_XLSX


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_report_overtaken_by_later_reviews_says_so(db, db_url, tmp_path) -> None:
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    target = tmp_path / "r.xlsx"
    write_report(db, run.id, target, generated_by="auditor")
    current = verify_report(target, SAMPLE_XLSX, db)
    assert current.exit_code == 0 and "OUT OF DATE" not in current.conclusion
    with db.sessions.begin() as session:
        add_reviews(session, run.id, [8], Disposition.HOLD, reason="clearance withdrawn",
                    reviewer="carol")
    later = verify_report(target, SAMPLE_XLSX, db)
    stored = {c.name: c for c in later.checks}["stored run"]
    assert stored.status is Status.PASSED
    assert "1 later review(s) are not in it" in stored.detail
    assert later.exit_code == 0
    assert "OUT OF DATE: 1 review(s)" in later.conclusion
    assert "rows 8;" in later.conclusion and "by carol" in later.conclusion


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_each_review_records_the_os_account_it_came_from(db, db_url, tmp_path) -> None:
    """(s24 audit:) the reviewer's name is typed ("Carol Chief" typed by root): the OS
    account and machine are recorded beside it, shown in the report's Reviews sheet and
    compared by verify."""
    import openpyxl

    from screening.runtime import current_account
    from screening.store.reviews import run_reviews

    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    with db.sessions.begin() as session:
        add_reviews(session, run.id, [8], Disposition.HOLD, reason="checking",
                    reviewer="Carol Chief")
    with db.sessions() as session:
        (review,) = run_reviews(session, run.id, 8)
    assert review.account == current_account() and "@" in review.account
    target = tmp_path / "r.xlsx"
    write_report(db, run.id, target, generated_by="auditor")
    sheet = openpyxl.load_workbook(target)["Reviews"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[-1] == "Recorded from (OS account@machine)"
    assert verify_report(target, SAMPLE_XLSX, db).exit_code == 0


@pytest.mark.parametrize("fmt", ["pdf", "csv", "json"])
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_pdf_csv_or_json_report_overtaken_by_later_reviews_says_so(db, db_url, tmp_path,
                                                                     fmt) -> None:
    """(s33 auditor's review:) the XLSX report said OUT OF DATE, the PDF written at the same
    moment verified without a word."""
    import time

    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    target = tmp_path / f"r.{fmt}"
    write_report(db, run.id, target, generated_by="auditor")
    current = verify_report(target, SAMPLE_XLSX, db)
    assert current.exit_code == 0 and "OUT OF DATE" not in current.conclusion
    time.sleep(1.1)  # (stored times may keep whole seconds)
    with db.sessions.begin() as session:
        add_reviews(session, run.id, [8], Disposition.HOLD, reason="clearance withdrawn",
                    reviewer="carol")
    later = verify_report(target, SAMPLE_XLSX, db)
    assert later.exit_code == 0
    assert {c.name: c for c in later.checks}["stored run"].status is Status.PASSED
    assert "OUT OF DATE: 1 review(s)" in later.conclusion
    assert "rows 8;" in later.conclusion and "by carol" in later.conclusion
