"""One entry point for every report format, with atomic replacement of the target."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from screening.db import Database
from screening.reports.content import load_content
from screening.reports.safety import ExportError, atomic_path

REPORT_FORMATS = ("xlsx", "pdf", "csv", "json")


@dataclass(frozen=True)
class ReportResult:
    path: Path
    format: str
    digest: str | None = None
    pages: int | None = None


def report_format(target: Path, fmt: str | None = None) -> str:
    fmt = (fmt or target.suffix.lstrip(".")).lower()
    if fmt not in REPORT_FORMATS:
        raise ExportError(f"cannot write {target}: unknown report format {fmt!r} "
                          f"(use .xlsx, .pdf, .csv or .json)")
    return fmt


def write_report(db: Database, run_id: int, target: Path, *, generated_by: str,
                 fmt: str | None = None) -> ReportResult:
    """Write the report of ``run_id`` to ``target``. Raises ExportError with one clear
    message when it cannot; an earlier file at ``target`` is then left untouched."""
    from screening.reports.pdf import write_pdf
    from screening.reports.tabular import write_csv, write_json
    from screening.reports.xlsx import write_xlsx

    target = Path(target)
    fmt = report_format(target, fmt)
    with db.sessions() as session:
        try:
            content = load_content(session, run_id, generated_by)
        except LookupError as exc:
            raise ExportError(str(exc)) from None
        with atomic_path(target) as tmp:
            if fmt == "xlsx":
                return ReportResult(target, fmt, digest=write_xlsx(session, content, tmp))
            if fmt == "pdf":
                pages, digest = write_pdf(session, content, tmp)
                return ReportResult(target, fmt, digest=digest, pages=pages)
            if fmt == "csv":
                write_csv(session, content, tmp)
            else:
                write_json(session, content, tmp)
            return ReportResult(target, fmt)
