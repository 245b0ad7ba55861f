"""Append-only reviews: validation, supersession, history, bulk, nothing lost on kill -9."""

from __future__ import annotations

import textwrap

import pytest

from screening.db import open_database
from screening.service import ScreenOptions, run_screening
from screening.store.reviews import (
    Disposition,
    ReviewError,
    add_reviews,
    current_dispositions,
    run_reviews,
)
from tests.conftest import SAMPLE_XLSX, reviews_of, run_then_kill


@pytest.fixture
def run_id(db) -> int:
    return run_screening(db, SAMPLE_XLSX, ScreenOptions()).run.id


def test_validation(db, run_id) -> None:
    with db.sessions.begin() as session:
        with pytest.raises(ReviewError, match="licence number"):
            add_reviews(session, run_id, [12], Disposition.LICENSE_OBTAINED, reviewer="ann")
        with pytest.raises(ReviewError, match="needs a reason"):
            add_reviews(session, run_id, [12], Disposition.CLEARED, reviewer="ann")
        with pytest.raises(ReviewError, match="exception and a reason"):
            add_reviews(session, run_id, [12], Disposition.EXCEPTION_CONFIRMED,
                        license_exception="ENC", reviewer="ann")
        with pytest.raises(ReviewError, match="reviewer"):
            add_reviews(session, run_id, [12], Disposition.HOLD, reviewer=" ")
        with pytest.raises(ReviewError, match=r"no line at row\(s\) \[999\]"):
            add_reviews(session, run_id, [999], Disposition.HOLD, reviewer="ann")


def test_later_review_supersedes_but_never_erases(db, run_id) -> None:
    with db.sessions.begin() as session:
        add_reviews(session, run_id, [12], Disposition.HOLD, reason="ask sales",
                    reviewer="ann")
    with db.sessions.begin() as session:
        add_reviews(session, run_id, [12], Disposition.NOTE, reason="called customer",
                    reviewer="bob")
        add_reviews(session, run_id, [12], Disposition.LICENSE_OBTAINED,
                    license_number="D765432", reviewer="bob")
    with db.sessions() as session:
        history = run_reviews(session, run_id, 12)
        current = current_dispositions(session, run_id)
    assert [r.disposition for r in history] == [Disposition.HOLD, Disposition.NOTE,
                                                Disposition.LICENSE_OBTAINED]
    assert [r.superseded for r in history] == [True, False, False]
    assert current[12].license_number == "D765432" and current[12].line_id == "HK-1008"


def test_bulk_review_with_one_reason(db, run_id) -> None:
    with db.sessions.begin() as session:
        ids = add_reviews(session, run_id, [5, 10, 26], Disposition.CLEARED,
                          reason="EAR99 consumer goods", reviewer="ann")
    assert len(ids) == 3
    with db.sessions() as session:
        assert {r.reason for r in run_reviews(session, run_id)} == {"EAR99 consumer goods"}


def test_two_reviewers_same_line_both_kept(db_url, run_id) -> None:
    first, second = open_database(db_url), open_database(db_url)
    with first.sessions.begin() as s1:
        add_reviews(s1, run_id, [12], Disposition.HOLD, reason="a", reviewer="ann")
    with second.sessions.begin() as s2:
        add_reviews(s2, run_id, [12], Disposition.ESCALATE, reason="b", reviewer="bob")
    with first.sessions() as session:
        assert [r.reviewer for r in run_reviews(session, run_id, 12)] == ["ann", "bob"]
    first.dispose()
    second.dispose()


def test_review_survives_kill_minus_nine(db_url, run_id, tmp_path) -> None:
    script = tmp_path / "review_then_hang.py"
    script.write_text(textwrap.dedent(f"""
        import sys, time
        from screening.cli import main
        code = main(["--database-url", {db_url!r}, "review", "{run_id}", "12",
                     "--disposition", "hold", "--reason", "kill test", "--reviewer", "kim"])
        print("recorded", code, flush=True)
        time.sleep(60)
    """), encoding="utf-8")
    output = run_then_kill(script, 2)
    assert output[0].startswith("1 review(s) recorded") and output[1].startswith("recorded 0")
    assert reviews_of(db_url, run_id, 12) == [("kim", "kill test")]


def test_cli_review(capsys, db_url, run_id) -> None:
    from screening.cli import main
    assert main(["--database-url", db_url, "review", str(run_id), "5,10-11", "--disposition",
                 "cleared", "--reason", "checked", "--reviewer", "ann"]) == 0
    assert "3 review(s) recorded" in capsys.readouterr().out
    assert main(["--database-url", db_url, "review", str(run_id), "5", "--disposition",
                 "license_obtained"]) == 2
    assert "licence number" in capsys.readouterr().err


def test_two_reviewers_at_the_same_moment_both_kept(db_url, run_id) -> None:
    """Two connections, two threads, transactions open at the same time: no lost update."""
    import threading
    barrier = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    databases = {name: open_database(db_url) for name in ("ann", "bob")}

    def review(name: str) -> None:
        database = databases[name]
        try:
            with database.sessions.begin() as session:
                session.execute(__import__("sqlalchemy").text("SELECT 1"))
                barrier.wait()  # both transactions are open now
                add_reviews(session, run_id, [12], Disposition.HOLD, reason=name,
                            reviewer=name)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            database.dispose()

    threads = [threading.Thread(target=review, args=(n,)) for n in ("ann", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    check = open_database(db_url)
    with check.sessions() as session:
        assert sorted(r.reviewer for r in run_reviews(session, run_id, 12)) == ["ann", "bob"]
    check.dispose()


def test_current_dispositions_for_some_rows(db) -> None:
    from screening.service import ScreenOptions, run_screening
    from screening.store.reviews import Disposition, add_reviews, current_dispositions
    from tests.conftest import SAMPLE_XLSX
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    with db.sessions.begin() as session:
        add_reviews(session, run.id, [6, 7], Disposition.HOLD, reason="wait", reviewer="ann")
        add_reviews(session, run.id, [6], Disposition.CLEARED, reason="ok", reviewer="bob")
        add_reviews(session, run.id, [7], Disposition.NOTE, reason="fyi", reviewer="bob")
    with db.sessions() as session:
        some = current_dispositions(session, run.id, [6, 7, 8])
        everything = current_dispositions(session, run.id)
    assert {row: r.disposition for row, r in some.items()} == \
        {6: Disposition.CLEARED, 7: Disposition.HOLD}  # a note decides nothing; 8 unreviewed
    assert {row: (r.id, r.reason) for row, r in some.items()} == \
        {row: (r.id, r.reason) for row, r in everything.items()}


def test_confirming_a_suspended_exception_needs_an_override(db, run_id, tmp_path) -> None:
    """Row 8 (HK-1004) claims GBS, which its findings say is suspended for Hong Kong."""
    from screening.store.reviews import OverrideRequired, review_conflicts
    with db.sessions() as session:
        found = review_conflicts(session, run_id, [8, 6], Disposition.EXCEPTION_CONFIRMED,
                                 "GBS")
        assert [(c.row, c.line_id, c.finding) for c in found] == [
            (8, "HK-1004", "LICENSE_EXCEPTION_SUSPENDED")]
        assert review_conflicts(session, run_id, [8], Disposition.HOLD) == []
    with db.sessions.begin() as session, pytest.raises(OverrideRequired) as refused:
        add_reviews(session, run_id, [8, 6], Disposition.EXCEPTION_CONFIRMED,
                    license_exception="GBS", reason="eligible", reviewer="ann")
    assert "row 8 (HK-1004)" in str(refused.value) and "override" in str(refused.value)
    with db.sessions() as session:
        assert run_reviews(session, run_id) == []  # nothing recorded
    with db.sessions.begin() as session:
        add_reviews(session, run_id, [8, 6], Disposition.EXCEPTION_CONFIRMED,
                    license_exception="GBS", reason="eligible", reviewer="ann",
                    override_reason="BIS advisory opinion 2020-17 allows it")
    with db.sessions() as session:
        records = {r.row: r for r in run_reviews(session, run_id)}
    assert records[8].override and records[8].override_reason.startswith("BIS advisory")
    assert not records[6].override  # row 6, before the suspension: no finding against it
    assert records[8].to_json()["override"] is True

    from screening.reports import write_report
    write_report(db, run_id, tmp_path / "r.xlsx", generated_by="x")
    import openpyxl
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Reviews"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2,
                                                                       values_only=True)]
    column = "Override (against a finding): reason"
    assert [r[column] for r in rows] == ["BIS advisory opinion 2020-17 allows it", None]
    from screening.reports.verify import Status, verify_report
    assert verify_report(tmp_path / "r.xlsx", None, db).checks[0].status is Status.PASSED
    import shutil
    import subprocess
    write_report(db, run_id, tmp_path / "r.pdf", generated_by="x")
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], check=True,
                                       capture_output=True, text=True).stdout.split())
        assert "OVERRIDE" in text and "BIS advisory opinion 2020-17 allows it" in text


def test_clearing_a_prohibited_line_needs_an_override() -> None:
    from screening.model import Finding, Severity
    from screening.store.reviews import finding_conflicts
    sdn = [Finding("PARTY_MATCH_SDN", Severity.PROHIBITED, "matches an SDN entry")]
    found = finding_conflicts(Disposition.CLEARED, "", 5, "L5", "PROHIBITED", None, sdn)
    assert [c.describe() for c in found] == [
        "row 5 (L5) is PROHIBITED: 'Not subject / cleared' goes against its findings"]
    assert finding_conflicts(Disposition.CLEARED, "", 5, "L5", "REVIEW", None, sdn) == []
    assert finding_conflicts(Disposition.ESCALATE, "", 5, "L5", "PROHIBITED", None, sdn) == []
    blocked = [Finding("LICENSE_EXCEPTION_NOT_AVAILABLE", Severity.LICENSE,
                       "License exception LVS (Limited value shipments) is not available.")]
    assert finding_conflicts(Disposition.EXCEPTION_CONFIRMED, "lvs", 5, "L5", "REVIEW", None,
                             blocked)  # named in the finding although not claimed
    assert not finding_conflicts(Disposition.EXCEPTION_CONFIRMED, "ENC", 5, "L5", "REVIEW",
                                 None, blocked)


def test_cli_review_override(capsys, db_url) -> None:
    from screening.cli import main
    assert main(["--database-url", db_url, "screen", str(SAMPLE_XLSX), "--quiet"]) == 1
    args = ["--database-url", db_url, "review", "1", "8", "--disposition",
            "exception_confirmed", "--exception", "GBS", "--reason", "eligible"]
    assert main(args) == 2
    assert "override" in capsys.readouterr().err
    assert main([*args, "--override", "checked with counsel"]) == 0
    assert reviews_of(db_url, 1, 8) == [(__import__("getpass").getuser(), "eligible")]


@pytest.mark.parametrize("typed", ["LVS", "GBS.", "ＧＢＳ", "g b s"])
def test_an_exception_the_rules_refuse_needs_an_override_however_typed(db, run_id,
                                                                        typed) -> None:
    """(s22 review:) on row 8 (HK-1004, exported 2020-06-30, claiming GBS) "LVS", "GBS."
    and "ＧＢＳ" were recorded as ordinary decisions: LVS and GBS to Hong Kong were
    suspended that day. The code is read as the input's are, and the rules judge it."""
    from screening.store.reviews import OverrideRequired
    with db.sessions.begin() as session, pytest.raises(OverrideRequired) as refused:
        add_reviews(session, run_id, [8], Disposition.EXCEPTION_CONFIRMED,
                    license_exception=typed, reason="eligible", reviewer="ann")
    assert "row 8 (HK-1004)" in str(refused.value)
    assert "LICENSE_EXCEPTION_SUSPENDED" in str(refused.value)
    with db.sessions.begin() as session:
        add_reviews(session, run_id, [8], Disposition.EXCEPTION_CONFIRMED,
                    license_exception=typed, reason="eligible", reviewer="ann",
                    override_reason="shipped under the savings clause")
    with db.sessions() as session:
        (record,) = run_reviews(session, run_id, 8)
    assert record.override and record.license_exception in ("LVS", "GBS")


def test_an_override_with_nothing_to_override_is_refused_not_dropped(db, run_id) -> None:
    with db.sessions.begin() as session, pytest.raises(ReviewError, match="nothing to "
                                                                          "override"):
        add_reviews(session, run_id, [6], Disposition.HOLD, reason="ask sales",
                    reviewer="ann", override_reason="+cmd|calc")
    with db.sessions() as session:
        assert run_reviews(session, run_id) == []


def test_rows_named_twice_get_one_review_and_a_placeholder_licence_is_refused(
        db, run_id) -> None:
    with db.sessions.begin() as session:
        assert len(add_reviews(session, run_id, [6, 6, 6], Disposition.HOLD,
                               reviewer="ann")) == 1
    with db.sessions.begin() as session, pytest.raises(ReviewError, match="says no licence"):
        add_reviews(session, run_id, [12], Disposition.LICENSE_OBTAINED,
                    license_number="N/A", reviewer="ann")


def test_the_cli_refuses_a_backwards_range_of_rows(db_url, run_id, capsys) -> None:
    from screening.cli import main
    assert main(["--database-url", db_url, "review", str(run_id), "3-2", "--disposition",
                 "note", "--reason", "r"]) == 2
    assert "runs backwards" in capsys.readouterr().err


def test_reports_count_a_hold_as_no_decision_as_the_app_does(db, run_id) -> None:
    """(s22 review:) the XLSX and PDF counted a line on hold as having a disposition: the
    auditor's figure of undecided lines was lower than the officer's."""
    from screening.reports.content import (
        DECIDED_LABEL,
        PENDING_LABEL,
        UNDECIDED_LABEL,
        load_content,
    )
    with db.sessions.begin() as session:
        add_reviews(session, run_id, [8], Disposition.HOLD, reason="ask sales",
                    reviewer="ann")
        add_reviews(session, run_id, [9], Disposition.ESCALATE, reason="legal",
                    reviewer="ann")
        add_reviews(session, run_id, [12], Disposition.LICENSE_OBTAINED,
                    license_number="D765432", reviewer="ann")
    with db.sessions() as session:
        content = load_content(session, run_id, "x")
    summary = dict(content.summary_rows())
    assert summary[DECIDED_LABEL] == 1 and summary[PENDING_LABEL] == 2
    assert summary[UNDECIDED_LABEL] == content.flagged - 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_review_takes_its_time_once_it_holds_the_write_lock(db, db_url, run_id) -> None:
    """(s22 review:) a review waiting behind another writer took its time before the wait;
    a report made meanwhile could not show it, though the review was 'recorded before the
    report was made', and verify failed that genuine report. Its time is now taken once it
    holds the lock: after the other writer's commit."""
    import datetime as dt
    import sqlite3
    import threading

    path = db_url.removeprefix("sqlite:///")
    locked = threading.Event()
    committed: list[dt.datetime] = []

    def hold_lock() -> None:  # another writer, for a moment
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        locked.set()
        threading.Event().wait(1.5)
        committed.append(dt.datetime.now(dt.UTC))
        conn.execute("COMMIT")
        conn.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(10)
    with db.sessions.begin() as session:  # waits for the other writer
        add_reviews(session, run_id, [20], Disposition.CLEARED, reason="while busy",
                    reviewer="ann")
    holder.join()
    with db.sessions() as session:
        (review,) = run_reviews(session, run_id, 20)
    created = review.created_at if review.created_at.tzinfo else \
        review.created_at.replace(tzinfo=dt.UTC)
    assert created >= committed[0]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_report_waits_for_a_review_being_committed(db, db_url, run_id) -> None:
    """(s22 note:) a review timed just before a report's time but committed after the
    report began reading was missing from that report, which then failed ``verify``
    ("recorded before the report was made, is missing"). The report now takes its time
    under the lock the review holds until it commits."""
    import datetime as dt
    import threading

    from screening.reports.content import load_content

    timed = threading.Event()

    def review_slowly() -> None:  # timed at once, committed 1.5 s later
        with db.sessions.begin() as session:
            add_reviews(session, run_id, [20], Disposition.CLEARED, reason="slow commit",
                        reviewer="ann")
            timed.set()
            threading.Event().wait(1.5)

    reviewer = threading.Thread(target=review_slowly)
    reviewer.start()
    assert timed.wait(10)
    with db.sessions() as session:
        content = load_content(session, run_id, "auditor")
    reviewer.join()
    (review,) = [r for r in content.reviews if r.row == 20]
    created = review.created_at if review.created_at.tzinfo else \
        review.created_at.replace(tzinfo=dt.UTC)
    assert created <= content.generated_at


def test_a_report_is_made_where_the_lock_is_refused(db, run_id, monkeypatch) -> None:
    """A database that refuses the lock (a read-only role, a standby, a locked file) still
    gives its report, timed without the lock, as before."""
    from sqlalchemy.exc import DBAPIError

    from screening.reports import content as report_content

    def refuse(session, run_id):  # type: ignore[no-untyped-def]
        raise DBAPIError("SELECT ... FOR UPDATE", {}, Exception("read-only transaction"))

    monkeypatch.setattr(report_content, "hold_write_lock", refuse)
    with db.sessions() as session:
        content = report_content.load_content(session, run_id, "auditor")
    assert content.run.id == run_id


@pytest.mark.parametrize("typed", ["LVS (740.3(b))", "LVS 740.3", "LVS/GBS", "XYZ", "NLR"])
def test_an_exception_code_the_rules_do_not_know_is_refused(db, run_id, typed) -> None:
    """(s22 second review:) these were recorded as ordinary decisions on a line where plain
    "LVS" needed an override."""
    with db.sessions.begin() as session, pytest.raises(ReviewError, match="not a licence "
                                                                          "exception"):
        add_reviews(session, run_id, [12], Disposition.EXCEPTION_CONFIRMED,
                    license_exception=typed, reason="eligible", reviewer="ann")


@pytest.mark.parametrize(("number", "says"), [("LVS", "is a licence exception code"),
                                              ("email", "is not a licence number"),
                                              # (s28: "see ..." names no licence held)
                                              ("see email", "says no licence is held")])
def test_a_licence_number_that_is_no_number_is_refused(db, run_id, number, says) -> None:
    with db.sessions.begin() as session, pytest.raises(ReviewError, match=says):
        add_reviews(session, run_id, [12], Disposition.LICENSE_OBTAINED,
                    license_number=number, reviewer="ann")
