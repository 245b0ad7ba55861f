"""One entry point for every report format, with atomic replacement of the target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from screening.db import Database
from screening.ingest.content import file_sha256
from screening.reports.content import load_content
from screening.reports.safety import ExportError, atomic_path
from screening.signing import Signer, SigningError, signer_for
from screening.store.schema import IssuedReport

if TYPE_CHECKING:
    from screening.reports.line_sheets import LineSheets

REPORT_FORMATS = ("xlsx", "pdf", "csv", "json")


@dataclass(frozen=True)
class ReportResult:
    path: Path
    format: str
    digest: str | None = None
    pages: int | None = None
    signature: str | None = None
    key_fingerprint: str | None = None


def report_format(target: Path, fmt: str | None = None) -> str:
    fmt = (fmt or target.suffix.lstrip(".")).lower()
    if fmt not in REPORT_FORMATS:
        raise ExportError(f"cannot write {target}: unknown report format {fmt!r} "
                          f"(use .xlsx, .pdf, .csv or .json)")
    return fmt


def write_report(db: Database, run_id: int, target: Path, *, generated_by: str,
                 fmt: str | None = None,
                 rendered: LineSheets | Callable[[], LineSheets | None] | None = None
                 ) -> ReportResult:
    """Write the report of ``run_id`` to ``target``, signed with this database's key and
    recorded as issued. Raises ExportError with one clear message when it cannot; an earlier
    file at ``target`` is then left untouched.

    XLSX and PDF carry their digest and signature inside; CSV and JSON (whose layout is a
    contract) are recorded with the SHA-256 of the file as their digest.

    ``rendered``: an XLSX report's rows rendered while the run was screened
    (reports.prerender), or a function giving them (called once the report has what it
    needs besides them: what it reads meanwhile overlaps their last rows being rendered);
    used if they are this report's, removed either way."""
    target = Path(target)
    try:
        return _write_report(db, run_id, target, generated_by, report_format(target, fmt),
                             rendered)
    finally:
        # Rows given are removed here; rows a function gives, by write_xlsx, which asks.
        if rendered is not None and not callable(rendered):
            rendered.discard()  # nothing left if the report used them


def _write_report(db: Database, run_id: int, target: Path, generated_by: str, fmt: str,
                  rendered: LineSheets | Callable[[], LineSheets | None] | None
                  ) -> ReportResult:
    try:
        with db.sessions.begin() as session:
            signer = signer_for(session)  # created and registered on first use
    except SigningError as exc:
        raise ExportError(f"cannot sign {target}: {exc}") from None
    with db.sessions() as session:
        try:
            content = load_content(session, run_id, generated_by)
        except LookupError as exc:
            raise ExportError(str(exc)) from None
        if content.run.status == "running":
            # Its counts are not recorded until it ends, while its lines are stored as they
            # are screened: such a report misstated itself and failed verify (s23 hunt).
            raise ExportError(f"run {run_id} is still being screened; report it once it has "
                              f"ended (hkscreen runs list shows its status)")
        content.signing = (signer.fingerprint, signer.public_text)
        pages = None
        with atomic_path(target) as tmp:
            # Each format's writer is imported when asked for (reportlab is not needed for an
            # XLSX report, nor xlsxwriter for a PDF).
            from screening.reports.line_sheets import WiderThanHeaders
            try:
                if fmt == "xlsx":
                    from screening.reports.xlsx import write_xlsx
                    digest, signature = write_xlsx(session, content, tmp, signer, rendered)
                elif fmt == "pdf":
                    from screening.reports.pdf import write_pdf
                    seal = Seal(signer)
                    pages, digest = write_pdf(session, content, tmp, seal)
                    signature = seal.signature
                else:
                    from screening.reports.tabular import write_csv, write_json
                    (write_csv if fmt == "csv" else write_json)(session, content, tmp)
                    digest = file_sha256(tmp)
                    signature = signer.sign(digest)
            except WiderThanHeaders as exc:
                raise ExportError(
                    f"cannot write {target}: run {run_id} stored lines with {exc.cells} "
                    f"cells of the input but names only {exc.headers} columns (a CSV row "
                    f"wider than its header, recorded by an earlier hkscreen); screen the "
                    f"input again (hkscreen runs rescreen {run_id}) and report that "
                    f"run") from None
            record_issued(db, IssuedReport(
                run_id=run_id, format=fmt, digest=digest, file_sha256=file_sha256(tmp),
                signature=signature, key_fingerprint=signer.fingerprint,
                issued_at=content.generated_at, issued_by=generated_by,
                file_name=target.name))
    return ReportResult(target, fmt, digest=digest, pages=pages, signature=signature,
                        key_fingerprint=signer.fingerprint)


@dataclass
class Seal:
    """Signs a digest computed while a report is written (the PDF's)."""

    signer: Signer
    digest: str = ""
    signature: str = ""

    def sign(self, digest: str) -> str:
        self.digest, self.signature = digest, self.signer.sign(digest)
        return self.signature


def record_issued(db: Database, record: IssuedReport) -> None:
    """Record the report before its file appears (append-only)."""
    with db.sessions.begin() as session:
        session.add(record)
