"""CSV (the Lines table, for Excel) and JSON (the CLI contract plus reviews) reports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy.orm import Session

from screening.reports.canonical import canon
from screening.reports.content import (
    LINE_HEADERS,
    ReportContent,
    line_cells,
    naive_utc,
    original_headers,
)
from screening.reports.line_sheets import WiderThanHeaders
from screening.reports.safety import neutralise
from screening.store import runs as run_store

#: The run each CSV row comes from, in the last columns: a CSV is one table, and an auditor
#: opening it years later must still see which input, rules and list it was screened on,
#: by whom and when (s25: the CSV stated none of it). Facts of the run alone, so exporting
#: the same run again gives the same bytes.
RUN_HEADERS = ["Run", "Input file", "Input SHA-256", "Sheet", "Rules version", "Screened by",
               "Screened at (UTC)", "Restricted-party screening"]


def run_cells(run: run_store.RunInfo) -> list[str]:
    """The values of ``RUN_HEADERS`` for ``run``, neutralised."""
    started = naive_utc(run.started_at)
    assert started is not None
    cells = [run.id, run.input_name, run.input_sha256, run.sheet or "", run.rules_version,
             f"{run.user}@{run.host}" if run.host else run.user,
             started.strftime("%Y-%m-%d %H:%M:%S"),
             run.party_check.get("statement") or "not recorded"]
    return [neutralise(canon(v)) for v in cells]


def write_csv(session: Session, content: ReportContent, target: Path) -> None:
    """UTF-8 with BOM so Excel opens it correctly; every text neutralised against formula
    injection. Each row ends with its run's facts (``RUN_HEADERS``)."""
    headers = [*LINE_HEADERS, *original_headers(content.run.headers), *RUN_HEADERS]
    # A run that did not complete: every row says so in a first column.
    status = [f"NOT COMPLETE ({content.run.status})"] if not content.complete else []
    facts = run_cells(content.run)
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([*(["Run status"] if status else []), *headers])
        width = len(content.run.headers)
        for line in run_store.iter_lines(session, content.run.id):
            raw = list(line.raw)
            if len(raw) > width:  # (the run's columns would not line up)
                raise WiderThanHeaders(len(raw), width)
            raw += [""] * (width - len(raw))  # every row as wide as the header
            cells = [*status, *line_cells(line, content.current.get(line.row)), *raw]
            writer.writerow([*(neutralise(canon(v)) for v in cells), *facts])


def write_json(session: Session, content: ReportContent, target: Path) -> None:
    """The ``hkscreen screen --json`` document plus the review history."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    with target.open("w", encoding="utf-8") as out:
        out.write('{"run": ' + encode(content.run.to_json()) + ', "lines": [')
        for i, line in enumerate(run_store.iter_lines(session, content.run.id)):
            out.write(("," if i else "") + encode(line.to_json()))
        out.write('], "reviews": [')
        out.write(",".join(encode(r.to_json()) for r in content.reviews))
        out.write("]}\n")
