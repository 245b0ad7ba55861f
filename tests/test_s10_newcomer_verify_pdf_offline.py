"""Defect (newcomer check, s10): on an auditor's machine (no hkscreen database, only the
exported public key, as the README's *Audit reports* section describes), ``hkscreen verify``
of a PDF report makes no check at all (every line NOT MADE: "a PDF ... is checked against
the database that issued it; no database") and exits 0, the code for "all made checks
passed". A PDF made on another database (anyone's own install, with every flagged line
"cleared") therefore verifies with exit 0 against the real issuer's key, exactly like the
genuine report; so does a genuine PDF with a byte changed. A script or an auditor relying on
the exit code accepts a forgery. (The PDF even prints its digest, signature and public key,
but nothing checks them offline; the input file given is not hashed either, although every
page header states the input's SHA-256.)

Expected: a verify that could make no check of the report's integrity does not exit 0.
"""

from __future__ import annotations

from pathlib import Path

from screening.cli import main
from tests.conftest import SAMPLE_XLSX


def test_forged_pdf_does_not_pass_verify_on_an_auditors_machine(tmp_path: Path,
                                                                 capsys) -> None:  # type: ignore[no-untyped-def]
    issuer = f"sqlite:///{tmp_path / 'issuer.sqlite3'}"
    assert main(["--database-url", issuer, "screen", str(SAMPLE_XLSX), "--quiet",
                 "--report", str(tmp_path / "genuine.pdf")]) == 1
    assert main(["--database-url", issuer, "keys", "export", str(tmp_path / "key.pem")]) == 0

    # A forger's own install: same input, every flagged line "cleared", its own PDF.
    forger = f"sqlite:///{tmp_path / 'forger.sqlite3'}"
    assert main(["--database-url", forger, "screen", str(SAMPLE_XLSX), "--quiet"]) == 1
    assert main(["--database-url", forger, "review", "1", "5-38", "--disposition", "cleared",
                 "--reason", "approved", "--reviewer", "Compliance Manager"]) == 0
    assert main(["--database-url", forger, "report", "1", "--out",
                 str(tmp_path / "forged.pdf")]) == 0
    capsys.readouterr()

    # The auditor: no database, the issuer's public key and the input file.
    code = main(["verify", str(tmp_path / "forged.pdf"), str(SAMPLE_XLSX), "--public-key",
                 str(tmp_path / "key.pem")])
    out = capsys.readouterr().out
    # The input is the same file, so its hash check passes; the signature over the digest
    # the forged PDF states is the forger's, not the issuer's, and its content is not
    # checked against any digest offline: never a pass.
    assert "FAILED    report signature" in out and "NOT VERIFIED report digest" in out, out
    assert code != 0, f"a PDF no check could verify exits {code}:\n{out}"
