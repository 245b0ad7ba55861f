"""Audit reports (XLSX for auditors, PDF, CSV, JSON), their digest, and verification.
No Qt: the CLI and the GUI share this package."""

from screening.reports.writer import REPORT_FORMATS, write_report

__all__ = ["REPORT_FORMATS", "write_report"]
