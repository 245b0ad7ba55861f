"""Reports that cannot be forged: every cell of every sheet is covered by a digest signed
with the database's Ed25519 key; the database records each report it issues; ``verify``
checks the signature (against the database, or an exported public key on an auditor's
machine), the issuance and the stored run."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import subprocess
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from screening.cli import main
from screening.db import open_database
from screening.reports import write_report
from screening.reports.canonical import DIGEST_LABEL, KEY_FINGERPRINT_LABEL, PUBLIC_KEY_LABEL
from screening.reports.verify import Status, _read_xlsx, verify_report
from screening.service import ScreenOptions, run_screening
from screening.signing import (
    ENV_SIGNING_KEY,
    SigningError,
    database_keys,
    load_public_keys,
    public_keys_pem,
    signer_for,
)
from screening.store.reviews import Disposition, add_reviews
from screening.store.schema import IssuedReport, SigningKey
from tests.conftest import SAMPLE_XLSX

CHECKS = ["report digest", "input file hash", "re-screen", "report signature",
          "issued by this database", "stored run"]
#: An XLSX report's checks: also how its cells are shown (the digest covers values only).
XLSX_CHECKS = [*CHECKS, "report presentation"]


def _statuses(result) -> dict[str, Status]:  # type: ignore[no-untyped-def]
    return {c.name: c.status for c in result.checks}


@pytest.fixture
def report(db, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    with db.sessions.begin() as session:
        add_reviews(session, run.id, [12], Disposition.HOLD, reason="end-use statement",
                    reviewer="ann")
    target = tmp_path / "r.xlsx"
    write_report(db, run.id, target, generated_by="auditor")
    return target


@pytest.fixture
def public_key(db, report, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    """This database's public key as exported for an auditor (after the first report)."""
    return _export_key(db, tmp_path)


def _export_key(db, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    with db.sessions() as session:
        keys = database_keys(session)
    path = tmp_path / "hkscreen-public.pem"
    path.write_text(public_keys_pem(list(keys.values())), encoding="ascii")
    return path


def _with_public_key(report: Path, public_key: Path, input_path: Path | None = None):  # type: ignore[no-untyped-def]
    return verify_report(report, input_path, None, load_public_keys(public_key))


def test_untouched_report_passes_every_check(db, report, public_key) -> None:
    result = verify_report(report, SAMPLE_XLSX, db)
    assert [c.name for c in result.checks] == XLSX_CHECKS
    assert all(c.status is Status.PASSED for c in result.checks), result.checks
    auditor = _with_public_key(report, public_key, SAMPLE_XLSX)
    assert _statuses(auditor)["report signature"] is Status.PASSED
    assert _statuses(auditor)["issued by this database"] is Status.NOT_MADE
    assert auditor.exit_code == 0


def test_key_created_once_private_and_printed(db, report, _isolated_data_dir) -> None:
    keys = list((_isolated_data_dir / "keys").iterdir())
    assert len(keys) == 1 and stat.S_IMODE(keys[0].stat().st_mode) == 0o600
    with db.sessions.begin() as session:
        stored = session.scalars(select(SigningKey)).all()
        signer = signer_for(session)  # the same key on the next use
        records = session.scalars(select(IssuedReport)).all()
    assert [k.fingerprint for k in stored] == [signer.fingerprint]
    assert keys[0].name == f"{signer.fingerprint}.pem"
    summary = {r[0]: r[1] for r in openpyxl.load_workbook(report)["Summary"].iter_rows(
        min_row=3, values_only=True)}
    assert summary[KEY_FINGERPRINT_LABEL] == signer.fingerprint
    assert summary[PUBLIC_KEY_LABEL] == signer.public_text
    [record] = records
    assert (record.format, record.issued_by, record.key_fingerprint, record.file_name) == (
        "xlsx", "auditor", signer.fingerprint, "r.xlsx")
    assert record.digest == summary[DIGEST_LABEL] and record.signature
    assert abs(record.issued_at.replace(tzinfo=None) - dt.datetime.now(dt.UTC).replace(
        tzinfo=None)) < dt.timedelta(minutes=5)


def test_control_characters_in_the_input_still_verify(db, tmp_path) -> None:
    """A vertical tab (and a literal "_x000B_", and CR) in an input cell used to make an
    untouched report fail: the file stores them as Excel escapes that openpyxl hands back."""
    data = tmp_path / "vt.csv"
    data.write_bytes(b'Line,Destination,Export Date,ECCN,Description\n'
                     b'A1,HK,2021-03-01,5A992.c,"wid\x0bget _x000B_ lit\rcr"\n'
                     b'A2,HK,2021-03-01,EAR99,"tab\there \x01"\n')
    run = run_screening(db, data, ScreenOptions()).run
    with db.sessions.begin() as session:
        add_reviews(session, run.id, [2], Disposition.NOTE, reason="see\x0bnote",
                    reviewer="ann\x0b")
    write_report(db, run.id, tmp_path / "vt.xlsx", generated_by="x\x0by")
    result = verify_report(tmp_path / "vt.xlsx", data, db)
    assert all(c.status is Status.PASSED for c in result.checks), result.checks
    assert _with_public_key(tmp_path / "vt.xlsx", _export_key(db, tmp_path)).exit_code == 0


def _forge(path: Path, target: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """Edit a report, then recompute its digest as a forger would (the method is public)."""
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(target)
    digest = _read_xlsx(target).digest
    book = openpyxl.load_workbook(target)
    for row in book["Summary"].iter_rows():
        if row[0].value == DIGEST_LABEL:
            row[1].value = digest
    book.save(target)
    return target


def _clear_a_line(book) -> None:  # type: ignore[no-untyped-def]
    for row in book["Lines"].iter_rows(min_row=2):
        if row[1].value == "HK-1008":
            row[2].value = "CLEAR"


def test_edited_report_with_recomputed_digest_fails(db, report, public_key, tmp_path) -> None:
    forged = _forge(report, tmp_path / "forged.xlsx", _clear_a_line)
    result = _statuses(verify_report(forged, None, db))
    assert result["report digest"] is Status.PASSED  # the forger recomputed it...
    assert result["report signature"] is Status.FAILED  # ...but cannot sign it
    assert result["issued by this database"] is Status.FAILED
    assert result["stored run"] is Status.FAILED
    auditor = _with_public_key(forged, public_key)
    assert _statuses(auditor)["report signature"] is Status.FAILED and auditor.exit_code == 1


def test_report_from_another_database_with_a_fake_licence_fails(
        db, report, public_key, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HKSCREEN_DATA_DIR", str(tmp_path / "elsewhere"))  # another machine
    other = open_database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        run = run_screening(other, SAMPLE_XLSX, ScreenOptions()).run  # same run id, same file
        with other.sessions.begin() as session:
            add_reviews(session, run.id, [12], Disposition.HOLD, reason="end-use statement",
                        reviewer="ann")
            add_reviews(session, run.id, [12], Disposition.LICENSE_OBTAINED,
                        license_number="D999999", reviewer="bob")
        write_report(other, run.id, tmp_path / "fake.xlsx", generated_by="auditor")
        assert verify_report(tmp_path / "fake.xlsx", SAMPLE_XLSX, other).exit_code == 0
    finally:
        other.dispose()
    result = verify_report(tmp_path / "fake.xlsx", SAMPLE_XLSX, db)
    statuses = _statuses(result)
    assert statuses["report digest"] is Status.PASSED  # internally consistent...
    assert statuses["re-screen"] is Status.PASSED  # ...and the same verdicts...
    assert statuses["report signature"] is Status.FAILED  # ...but not this database's key
    assert statuses["issued by this database"] is Status.FAILED
    assert statuses["stored run"] is Status.FAILED
    stored = next(c for c in result.checks if c.name == "stored run")
    assert "not recorded in this database" in stored.detail
    auditor = _with_public_key(tmp_path / "fake.xlsx", public_key)
    assert _statuses(auditor)["report signature"] is Status.FAILED and auditor.exit_code == 1


@pytest.mark.parametrize(("sheet", "cell"), [("Summary", "C3"), ("Summary", "A60"),
                                             ("Run", "D2"), ("Rules", "A500"),
                                             ("Lines", "AZ3"), ("Added", "A1")])
def test_approved_by_cell_anywhere_fails(db, report, public_key, tmp_path, sheet,
                                         cell) -> None:
    def approve(book) -> None:  # type: ignore[no-untyped-def]
        ws = book[sheet] if sheet in book.sheetnames else book.create_sheet(sheet)
        ws[cell] = "Approved by J. Smith, Export Control Officer"

    book = openpyxl.load_workbook(report)
    approve(book)
    book.save(tmp_path / "approved.xlsx")
    result = _statuses(verify_report(tmp_path / "approved.xlsx", None, db))
    assert result["report digest"] is Status.FAILED
    assert result["report signature"] is Status.FAILED
    forged = _forge(report, tmp_path / "approved2.xlsx", approve)
    assert _statuses(verify_report(forged, None, db))["report signature"] is Status.FAILED
    assert _with_public_key(forged, public_key).exit_code == 1


def test_pdf_csv_json_reports_are_signed_and_recorded(db, tmp_path) -> None:
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    for fmt in ("pdf", "csv", "json"):
        target = tmp_path / f"r.{fmt}"
        written = write_report(db, run.id, target, generated_by="x")
        assert written.signature and written.digest
        result = verify_report(target, SAMPLE_XLSX, db)
        statuses = _statuses(result)
        assert [c.name for c in result.checks] == CHECKS
        assert statuses["report digest"] is Status.PASSED, result.checks
        assert statuses["report signature"] is Status.PASSED
        assert statuses["issued by this database"] is Status.PASSED
        assert statuses["input file hash"] is Status.PASSED and result.exit_code == 0
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 1  # one bit changed anywhere
        target.write_bytes(bytes(data))
        edited = _statuses(verify_report(target, None, db))
        assert edited["report digest"] is Status.FAILED
        assert edited["issued by this database"] is Status.FAILED
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    written = write_report(db, run.id, tmp_path / "s.pdf", generated_by="x")
    text = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    packed = "".join(text.split())  # table cells wrap long values
    assert written.digest in packed and written.key_fingerprint in packed
    assert written.signature in packed


def test_team_key_from_the_environment(db, tmp_path, monkeypatch) -> None:
    shared = tmp_path / "team" / "signing.pem"
    monkeypatch.setenv(ENV_SIGNING_KEY, str(shared))
    with db.sessions.begin() as session:
        first = signer_for(session).fingerprint
    assert stat.S_IMODE(shared.stat().st_mode) == 0o600
    monkeypatch.setenv("HKSCREEN_DATA_DIR", str(tmp_path / "second-machine"))
    with db.sessions.begin() as session:
        assert signer_for(session).fingerprint == first  # the same key on every machine
    os.chmod(shared, 0o644)
    with pytest.raises(SigningError, match="chmod 600"), db.sessions.begin() as session:
        signer_for(session)


def test_cli_verify_with_public_key(capsys, db_url, tmp_path) -> None:
    assert main(["--database-url", db_url, "screen", str(SAMPLE_XLSX), "--quiet", "--report",
                 str(tmp_path / "s.xlsx")]) == 1
    assert main(["--database-url", db_url, "keys", "export", str(tmp_path / "k.pem")]) == 0
    assert main(["--database-url", db_url, "keys", "list"]) == 0
    capsys.readouterr()
    # An auditor's machine: no database at all, only the exported public key.
    assert main(["verify", str(tmp_path / "s.xlsx"), str(SAMPLE_XLSX), "--public-key",
                 str(tmp_path / "k.pem")]) == 0
    out = capsys.readouterr().out
    assert "PASSED    report signature" in out and "NOT MADE  issued by this database" in out
    forged = _forge(tmp_path / "s.xlsx", tmp_path / "f.xlsx", _clear_a_line)
    assert main(["verify", str(forged), "--public-key", str(tmp_path / "k.pem")]) == 1
    assert "FAILED    report signature" in capsys.readouterr().out
    assert main(["--database-url", db_url, "verify", str(forged)]) == 1
    (tmp_path / "bad.pem").write_text("not a key", encoding="ascii")
    assert main(["verify", str(forged), "--public-key", str(tmp_path / "bad.pem")]) == 2


def test_report_without_dates_verifies(db, tmp_path) -> None:
    """No export date: the chart's note sits under the summary, covered and written."""
    data = tmp_path / "nodates.csv"
    data.write_text("Line,Destination,Export Date,ECCN\nA1,HK,,5A992.c\n", encoding="utf-8")
    run = run_screening(db, data, ScreenOptions()).run
    write_report(db, run.id, tmp_path / "n.xlsx", generated_by="x")
    result = verify_report(tmp_path / "n.xlsx", data, db)
    assert all(c.status is Status.PASSED for c in result.checks), result.checks
    cells = [c for r in openpyxl.load_workbook(tmp_path / "n.xlsx")["Summary"].iter_rows(
        values_only=True) for c in r if c]
    assert "No line has an export date: no chart by month." in cells


_AWKWARD = ('Line,Destination,Export Date,ECCN,Description,Consignee\n'
            'A1,HK,2021-03-01,5A992.c,"=1+2 ""quoted"", two\nlines","  spaced  "\n'
            'A2,Hong Kong,2021-03-01,EAR99,"wid\x0bget _x000B_ lit",Société Générale\n'
            'A3,DE,2021-03-01,EAR99,,\n'
            'A4,HK,2021-03-01,3A001,"' + "long " * 3000 + '",extra,cells,past the header\n')


def test_rescreen_compares_the_original_cells_the_report_shows(db, tmp_path,
                                                               monkeypatch) -> None:
    """verify's re-screen reads the input again and compares each line's cells with the
    original cells the report shows: awkward cells (quotes, line breaks, a vertical tab, a
    literal escape, accents, a long text, a row wider than its header) pass untouched; a
    run whose stored cells are not the input's (here a stored cell altered on its way to
    the database) fails, naming the row and column, though every verdict is the same."""
    from screening import service

    data = tmp_path / "awkward.csv"
    data.write_text(_AWKWARD, encoding="utf-8")
    run = run_screening(db, data, ScreenOptions()).run
    write_report(db, run.id, tmp_path / "ok.xlsx", generated_by="auditor")
    passed = {c.name: c for c in verify_report(tmp_path / "ok.xlsx", data, db).checks}
    assert all(c.status is Status.PASSED for c in passed.values()), passed
    assert "original cells the report shows are the input's" in passed["re-screen"].detail

    batch_cells = service.batch_cells

    def altered(rows, raws):  # type: ignore[no-untyped-def]
        raws = [raw.replace("Société Générale", "Someone Else") for raw in raws]
        return batch_cells(rows, raws)

    monkeypatch.setattr(service, "batch_cells", altered)
    forged = run_screening(db, data, ScreenOptions()).run
    assert forged.counts == run.counts
    write_report(db, forged.id, tmp_path / "forged.xlsx", generated_by="auditor")
    checks = {c.name: c for c in verify_report(tmp_path / "forged.xlsx", data, db).checks}
    assert checks["re-screen"].status is Status.FAILED
    assert "row 3: the report shows the input's cell in column F as 'Someone Else'; " \
           "the input holds 'Société Générale'" in checks["re-screen"].detail
    assert checks["report digest"].status is Status.PASSED  # the report is as issued


def test_cells_differ_names_the_first_difference() -> None:
    from screening.reports.verify import _cells_differ

    assert _cells_differ(["a", "b"], ["a", "b", ""]) is None  # blank cells past the end
    assert _cells_differ(["a"], None) is None
    assert "column B as 'x'; the input holds 'b'" in _cells_differ(["a", "b"], ["a", "x"])
    assert _cells_differ(["a", "b", "c"], ["a", "b"]) == \
        "the input's row has 3 cells; the report shows 2"
