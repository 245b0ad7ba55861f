"""Audit reports (XLSX for auditors, PDF, CSV, JSON), their digest, and verification.
No Qt: the CLI and the GUI share this package.

The writers are imported on first use: a run that writes no report should not pay for
openpyxl, xlsxwriter and reportlab at start-up."""

from __future__ import annotations

from typing import Any

__all__ = ["REPORT_FORMATS", "write_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from screening.reports import writer
        return getattr(writer, name)
    raise AttributeError(name)
