"""``hkscreen verify``: check an XLSX report against itself, its input file and the rules.

Three checks, each PASSED, FAILED or NOT MADE (with the reason):
1. the report digest recomputed from the report's own sheets equals the stated digest
   (any edit to a covered cell shows);
2. the input file's SHA-256 equals the one the report states (when the file is given);
3. re-screening the input with the stated rules version gives the same verdicts and finding
   codes line by line (when the file is given and that rules version is available here).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import openpyxl

from screening.db import Database
from screening.engine import screen_line
from screening.ingest.pipeline import MappingSpec
from screening.normalize import DateOrder
from screening.reports.canonical import DIGEST_LABEL, Digest
from screening.rules.ruleset import load_ruleset
from screening.service import ScreenOptions, file_digest, prepare


class Status(StrEnum):
    PASSED = "PASSED"
    FAILED = "FAILED"
    NOT_MADE = "NOT MADE"


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str


@dataclass
class Verification:
    report: Path
    checks: list[Check] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if any(c.status is Status.FAILED for c in self.checks) else 0


class ReportUnreadable(Exception):
    """Not an hkscreen XLSX report (or damaged beyond reading)."""


def _rows(book: Any, name: str, first: int) -> list[tuple[Any, ...]]:
    if name not in book.sheetnames:
        raise ReportUnreadable(f"the report has no {name!r} sheet")
    return [tuple(r) for r in book[name].iter_rows(min_row=first, values_only=True)]


def _trim(row: tuple[Any, ...], width: int) -> list[Any]:
    cells = list(row[:width])
    return cells + [None] * (width - len(cells))


def verify_report(report: Path, input_path: Path | None, db: Database | None) -> Verification:
    result = Verification(report)
    try:
        book = openpyxl.load_workbook(report, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged packages
        raise ReportUnreadable(f"{report}: cannot be opened as an XLSX workbook ({exc})") \
            from exc
    try:
        summary = _rows(book, "Summary", 3)
        pairs: list[tuple[str, Any]] = []
        stated = None
        for row in summary:
            label = row[0] if row else None
            if label is None:
                continue
            if label == DIGEST_LABEL:
                stated = row[1]
                break
            pairs.append((str(label), row[1] if len(row) > 1 else None))
        if stated is None:
            raise ReportUnreadable(f"{report}: the Summary sheet has no {DIGEST_LABEL!r}")
        fields = dict(pairs)
        digest = Digest()
        for label, value in pairs:
            digest.add("summary", [label, value])
        sections = {}
        for section, sheet in (("findings", "Findings"), ("lines", "Lines"),
                               ("reviews", "Reviews")):
            header = _rows(book, sheet, 1)[:1]
            width = len([h for h in header[0] if h is not None]) if header else 0
            data = [_trim(r, width) for r in _rows(book, sheet, 2)
                    if any(v not in (None, "") for v in r)]
            sections[section] = (header[0][:width] if header else (), data)
            for row in data:
                digest.add(section, row)
        run_params = dict((str(r[0]), r[1]) for r in _rows(book, "Run", 3) if r and r[0])
    finally:
        book.close()
    recomputed = digest.hexdigest()
    if recomputed == stated:
        result.checks.append(Check("report digest", Status.PASSED,
                                   f"recomputed from the sheets: {recomputed}"))
    else:
        result.checks.append(Check("report digest", Status.FAILED,
                                   f"the report states {stated} but its sheets give "
                                   f"{recomputed}: the report was changed after it was "
                                   f"written"))
    if input_path is None:
        result.checks.append(Check("input file hash", Status.NOT_MADE,
                                   "no input file was given"))
        result.checks.append(Check("re-screen", Status.NOT_MADE, "no input file was given"))
        return result
    sha, size = file_digest(input_path)
    if sha != fields.get("Input SHA-256"):
        result.checks.append(Check("input file hash", Status.FAILED,
                                   f"{input_path} has SHA-256 {sha}; the report states "
                                   f"{fields.get('Input SHA-256')}"))
        result.checks.append(Check("re-screen", Status.NOT_MADE,
                                   "the input file is not the one the report describes"))
        return result
    result.checks.append(Check("input file hash", Status.PASSED, f"SHA-256 {sha}, {size} "
                                                                   f"bytes"))
    result.checks.append(_rescreen(input_path, fields, run_params, sections, db))
    return result


def _rescreen(input_path: Path, fields: dict[str, Any], params: dict[str, Any],
              sections: dict[str, Any], db: Database | None) -> Check:
    stated_version = str(fields.get("Rules version"))
    if db is None:
        return Check("re-screen", Status.NOT_MADE, "no rules database available")
    with db.sessions() as session:
        rules = load_ruleset(session)
    if rules.version != stated_version:
        return Check("re-screen", Status.NOT_MADE,
                     f"rules version {stated_version} is not available in this database "
                     f"(it holds {rules.version})")
    order_text = str(params.get("Date order") or "")
    order = DateOrder(order_text) if order_text in ("DMY", "MDY") else None
    as_of = params.get("As-of date (lines without a ship date)")
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    sheet = fields.get("Sheet")
    spec = MappingSpec(json.loads(str(fields.get("Column mapping") or "{}")), order,
                       None if sheet in (None, "(CSV)") else str(sheet), "report mapping")
    prepared, _ = prepare(db, input_path, ScreenOptions(mapping=spec, as_of=as_of), rules)
    expected: dict[int, tuple[str, list[str]]] = {}
    for row in sections["lines"][1]:
        expected[int(row[0])] = (str(row[2]), [])
    codes: dict[int, list[str]] = defaultdict(list)
    for row in sections["findings"][1]:
        codes[int(row[0])].append(str(row[3]))
    differences = []
    seen = 0
    for line in prepared.lines():
        seen += 1
        got = screen_line(line, rules)
        want_verdict = expected.get(line.row, ("(missing)", []))[0]
        got_codes = [f.code for f in got.findings]
        if got.verdict.value != want_verdict or got_codes != codes.get(line.row, []):
            differences.append(f"row {line.row}: report {want_verdict} {codes.get(line.row)}"
                               f", now {got.verdict.value} {got_codes}")
    if seen != len(expected):
        differences.append(f"the input has {seen} lines, the report {len(expected)}")
    if differences:
        shown = "; ".join(differences[:5])
        return Check("re-screen", Status.FAILED,
                     f"{len(differences)} difference(s) with rules version "
                     f"{stated_version[:16]}...: {shown}")
    return Check("re-screen", Status.PASSED,
                 f"{seen} lines re-screened with rules version {stated_version[:16]}...: "
                 f"same verdicts and findings")
