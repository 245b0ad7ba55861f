"""``verify`` of a PDF, CSV or JSON report on an auditor's machine (no database, the issuer's
exported public key): the checks that can be made offline are made (the input's hash against
the one the report states; a PDF's signature over the digest it states), and since the
report's content cannot be checked against its digest without the issuing database, the
result is NOT VERIFIED with exit code 3, never 0."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from screening.cli import main
from screening.reports import write_report
from screening.reports.pdf_seal import read_pdf_seal
from screening.reports.verify import EXIT_NOT_VERIFIED, Status, verify_report
from screening.service import ScreenOptions, run_screening
from screening.signing import database_keys, load_public_keys, public_keys_pem
from tests.conftest import SAMPLE_XLSX


def _statuses(result) -> dict[str, Status]:  # type: ignore[no-untyped-def]
    return {c.name: c.status for c in result.checks}


@pytest.fixture
def issued(db, tmp_path) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """The sample's PDF, CSV and JSON reports and the issuer's exported public key."""
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    files = {fmt: tmp_path / f"r.{fmt}" for fmt in ("pdf", "csv", "json")}
    for target in files.values():
        write_report(db, run.id, target, generated_by="issuer")
    with db.sessions() as session:
        keys = database_keys(session)
    files["key"] = tmp_path / "key.pem"
    files["key"].write_text(public_keys_pem(list(keys.values())), encoding="ascii")
    return files


def test_genuine_pdf_offline_checks_input_and_signature_but_is_not_verified(issued) -> None:  # type: ignore[no-untyped-def]
    result = verify_report(issued["pdf"], SAMPLE_XLSX, None, load_public_keys(issued["key"]))
    statuses = _statuses(result)
    assert statuses["report digest"] is Status.NOT_VERIFIED
    assert statuses["input file hash"] is Status.PASSED
    assert statuses["report signature"] is Status.PASSED
    assert result.exit_code == EXIT_NOT_VERIFIED == 3
    digest_check = result.checks[0].detail
    assert "XLSX" in digest_check and "--database-url" in digest_check  # what to do instead
    assert result.conclusion.startswith("NOT VERIFIED")


def test_pdf_offline_with_another_input_fails(issued, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other.xlsx"
    other.write_bytes(SAMPLE_XLSX.read_bytes() + b"\0")
    result = verify_report(issued["pdf"], other, None, load_public_keys(issued["key"]))
    assert _statuses(result)["input file hash"] is Status.FAILED and result.exit_code == 1


def test_pdf_offline_with_an_altered_seal_fails(issued, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The digest the PDF states, changed in its document information: the issuer's
    signature no longer matches it."""
    data = issued["pdf"].read_bytes()
    seal = read_pdf_seal(issued["pdf"])
    forged_digest = ("0" if seal.digest[0] != "0" else "1") + seal.digest[1:]
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(data.replace(f"digest {seal.digest}".encode(),
                                    f"digest {forged_digest}".encode()))
    result = verify_report(forged, SAMPLE_XLSX, None, load_public_keys(issued["key"]))
    assert _statuses(result)["report signature"] is Status.FAILED and result.exit_code == 1


def test_genuine_pdf_with_a_byte_changed_is_never_exit_0_offline(issued, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(issued["pdf"].read_bytes())
    for offset in (len(data) // 3, len(data) // 2, 2 * len(data) // 3):
        changed = data.copy()
        changed[offset] ^= 0x01
        target = tmp_path / f"changed-{offset}.pdf"
        target.write_bytes(bytes(changed))
        result = verify_report(target, SAMPLE_XLSX, None, load_public_keys(issued["key"]))
        assert result.exit_code in (1, 3), (offset, result.checks)


def test_pdf_written_before_the_seal_offline_checks_its_input_only(issued, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An older PDF states the input hash (Subject) but not its seal in a readable form."""
    data = issued["pdf"].read_bytes()
    old = tmp_path / "old.pdf"
    old.write_bytes(re.sub(rb"/Keywords \(hkscreen-seal[^)]*\)",
                           lambda m: b"/Keywords ()" + b" " * (len(m.group(0)) - 12), data))
    result = verify_report(old, SAMPLE_XLSX, None, load_public_keys(issued["key"]))
    statuses = _statuses(result)
    assert statuses["input file hash"] is Status.PASSED
    assert statuses["report signature"] is Status.NOT_MADE
    assert result.exit_code == 3


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json_offline_are_not_verified(issued, fmt) -> None:  # type: ignore[no-untyped-def]
    result = verify_report(issued[fmt], SAMPLE_XLSX, None, load_public_keys(issued["key"]))
    assert _statuses(result)["report digest"] is Status.NOT_VERIFIED
    assert result.exit_code == 3
    # Both state their input's hash (the CSV in each row's run columns): checked
    assert _statuses(result)["input file hash"] is Status.PASSED


def test_csv_offline_with_another_input_or_two_runs_fails(issued, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other.xlsx"
    other.write_bytes(SAMPLE_XLSX.read_bytes() + b"\0")
    keys = load_public_keys(issued["key"])
    result = verify_report(issued["csv"], other, None, keys)
    assert _statuses(result)["input file hash"] is Status.FAILED and result.exit_code == 1
    # Rows of another run pasted in: the CSV states two runs.
    rows = list(csv.reader(issued["csv"].read_text(encoding="utf-8-sig").splitlines()))
    run_at = rows[0].index("Run")
    rows[2][run_at] = "99"
    mixed = tmp_path / "mixed.csv"
    with mixed.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = verify_report(mixed, SAMPLE_XLSX, None, keys)
    check = result.checks[0]
    assert check.name == "report digest" and check.status is Status.FAILED, check
    assert "two different" in check.detail and result.exit_code == 1


def test_pdf_and_csv_with_the_issuing_database_still_pass(db, issued, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("pdf", "csv", "json"):
        result = verify_report(issued[fmt], SAMPLE_XLSX, db)
        assert result.exit_code == 0, [(c.name, c.status, c.detail) for c in result.checks]


def test_cli_prints_not_verified_and_exits_3(issued, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "copy.pdf"
    shutil.copy(issued["pdf"], copy)
    code = main(["verify", str(copy), str(SAMPLE_XLSX), "--public-key", str(issued["key"])])
    out = capsys.readouterr().out
    assert code == 3
    assert "NOT VERIFIED report digest" in out
    assert out.strip().splitlines()[-1].startswith("Result: NOT VERIFIED")


def test_an_xlsx_checked_against_its_digest_alone_is_not_verified(db, issued, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """(Review:) with neither the issuing database nor its public key, an XLSX report's
    digest is recomputed and matches, but anyone who edits the report can recompute it too:
    nothing shows who made it, so it is NOT VERIFIED (exit 3), never exit 0. With the key,
    its signature is checked and it verifies."""
    run_id = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run.id
    xlsx = tmp_path / "r.xlsx"
    write_report(db, run_id, xlsx, generated_by="issuer")
    alone = verify_report(xlsx, SAMPLE_XLSX, None)
    assert _statuses(alone)["report digest"] is Status.PASSED
    assert alone.exit_code == EXIT_NOT_VERIFIED and "who made" in alone.conclusion
    keyed = verify_report(xlsx, SAMPLE_XLSX, None, load_public_keys(issued["key"]))
    assert _statuses(keyed)["report signature"] is Status.PASSED and keyed.exit_code == 0
