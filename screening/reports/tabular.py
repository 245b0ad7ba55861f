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
    original_headers,
)
from screening.reports.safety import neutralise
from screening.store import runs as run_store


def write_csv(session: Session, content: ReportContent, target: Path) -> None:
    """UTF-8 with BOM so Excel opens it correctly; every text neutralised against formula
    injection. No run metadata: the same input and rules give the same bytes."""
    headers = [*LINE_HEADERS, *original_headers(content.run.headers)]
    # A run that did not complete: every row says so in a first column.
    status = [f"NOT COMPLETE ({content.run.status})"] if not content.complete else []
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([*(["Run status"] if status else []), *headers])
        for line in run_store.iter_lines(session, content.run.id):
            cells = [*status, *line_cells(line, content.current.get(line.row)), *line.raw]
            writer.writerow([neutralise(canon(v)) for v in cells])


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
