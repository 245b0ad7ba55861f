"""``hkscreen verify``: check a report against itself, its signature, the database that
issued it, its input file and the rules.

Each check is PASSED, FAILED or NOT MADE (with the reason), in this order (the first three
are the original contract; the others were added after them):
1. report digest: recomputed from every cell of every sheet (XLSX), it equals the stated
   digest; for a PDF, CSV or JSON report: the file is byte for byte one this database issued
   (without a database: NOT VERIFIED, exit 3, whatever the other checks say);
2. input file hash: the input file's SHA-256 equals the one the report states (when given);
3. re-screen: the input re-screened with the stated rules version gives the same verdicts and
   finding codes line by line (XLSX, when the file is given and that rules version is here);
4. report signature: the Ed25519 signature over the digest is valid under one of this
   database's keys (or the ``--public-key`` file's), so a recomputed digest does not pass;
5. issued by this database: the database recorded issuing this digest and signature;
6. stored run: the report's run, counts, lines, findings and reviews equal the stored run;
7. report presentation (XLSX): no cell holding a value is shown as something else or not
   shown (number formats, hidden sheets, rows and columns, faint text, drawings or
   conditional formats over cells, print areas ...: see reports.presentation), since the
   digest and signature cover the values only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from screening.affiliates import load_affiliate_rules
from screening.db import Database
from screening.engine import outside_supp2, screen_line
from screening.errors import ReportUnreadable
from screening.ingest.content import read_content
from screening.ingest.pipeline import MappingSpec
from screening.ingest.readers import column_letter, sniff_kind
from screening.model import VERDICT_ORDER, Finding
from screening.normalize import DateOrder
from screening.party_screen import OutsideSupp2, PartyScreen, lists_findings, with_findings
from screening.reports.canonical import (
    DIGEST_LABEL,
    KEY_FINGERPRINT_LABEL,
    SIGNATURE_LABEL,
    UNSIGNED_LABELS,
    CellDigest,
    read_value,
)
from screening.reports.content import LINE_HEADERS
from screening.reports.presentation import Presentation, sheet_rows
from screening.rules.ruleset import load_ruleset
from screening.service import ScreenOptions, file_digest, prepare
from screening.signing import database_keys, signature_valid
from screening.store import parties as party_store
from screening.store import runs as run_store
from screening.store.reviews import run_reviews
from screening.store.schema import IssuedReport

PublicKeys = dict[str, Ed25519PublicKey]


class Status(StrEnum):
    PASSED = "PASSED"
    FAILED = "FAILED"
    NOT_MADE = "NOT MADE"
    # The report's content could not be checked against its digest (a PDF, CSV or JSON
    # report without the database that issued it): never a pass.
    NOT_VERIFIED = "NOT VERIFIED"


EXIT_PASSED, EXIT_FAILED, EXIT_UNREADABLE, EXIT_NOT_VERIFIED = 0, 1, 2, 3
#: The checks that show who made a report.
_AUTHENTICATING = ("report signature", "issued by this database")


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    #: What an auditor must know even of a check that passed (a genuine report overtaken by
    #: later decisions): said again in the conclusion.
    notice: str = ""


@dataclass
class Verification:
    report: Path
    checks: list[Check] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 every check made passed (and the report's content was checked against its
        digest), 1 a check failed, 3 none failed but the report's content was not checked
        (NOT VERIFIED). 2 (unreadable report) is the CLI's."""
        if any(c.status is Status.FAILED for c in self.checks):
            return EXIT_FAILED
        if any(c.status is Status.NOT_VERIFIED for c in self.checks) or not self.authenticated:
            return EXIT_NOT_VERIFIED
        return EXIT_PASSED

    @property
    def authenticated(self) -> bool:
        """Whether a check showed who made the report: its signature under a known key, or
        the issuing database's record. A digest alone anyone can recompute."""
        return any(c.name in _AUTHENTICATING and c.status is Status.PASSED
                   for c in self.checks)

    @property
    def conclusion(self) -> str:
        """One line for the end of the output: the result in plain words (the status words
        PASSED / FAILED stay the checks' own, so counting them keeps its meaning)."""
        failed = [c.name for c in self.checks if c.status is Status.FAILED]
        if failed:
            return f"not verified, check(s) failed: {', '.join(failed)}"
        unverified = [c for c in self.checks if c.status is Status.NOT_VERIFIED]
        if unverified:
            return (f"NOT VERIFIED: the report's content was not checked against its digest "
                    f"(see {unverified[0].name}); do not rely on this file as it stands")
        if not self.authenticated:
            return ("NOT VERIFIED: nothing shows who made this report (its digest can be "
                    "recomputed by anyone): give the issuing database's public key "
                    "(--public-key) or verify where that database is (--database-url)")
        skipped = sum(c.status is Status.NOT_MADE for c in self.checks)
        notices = "".join(f"; {c.notice}" for c in self.checks if c.notice)
        return "verified: every check made passed" + (f" ({skipped} not made)" if skipped
                                                        else "") + notices


def _trim(row: tuple[Any, ...], width: int) -> list[Any]:
    cells = list(row[:width])
    return cells + [None] * (width - len(cells))


@dataclass
class _Sheets:
    """What verify reads from an XLSX report."""

    fields: dict[str, Any]
    seal: dict[str, list[Any]]
    digest: str
    sections: dict[str, tuple[tuple[Any, ...], list[list[Any]]]]
    run_params: dict[str, Any]
    presentation: Presentation


_KEPT = ("Summary", "Findings", "Lines", "Reviews", "Run")


def _read_xlsx(report: Path) -> _Sheets:
    try:
        import openpyxl  # only when a report is verified (start-up stays light)

        book = openpyxl.load_workbook(report, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged packages
        raise ReportUnreadable(f"{report}: cannot be opened as an XLSX workbook ({exc})") \
            from exc
    digest = CellDigest(reading=True)
    seal: dict[str, list[Any]] = {label: [] for label in UNSIGNED_LABELS}
    kept: dict[str, list[tuple[Any, ...]]] = {}
    presentation = Presentation()
    presentation.package(report)
    try:
        for name in _KEPT:
            if name not in book.sheetnames:
                raise ReportUnreadable(f"the report has no {name!r} sheet")
        for ws in book.worksheets:
            ws.reset_dimensions()  # read every cell, whatever the sheet declares
            rows = kept[ws.title] = []
            # As ws.iter_rows(values_only=True), the presentation checked in the same pass.
            for index, row in enumerate(sheet_rows(presentation, presentation.sheet(ws.title),
                                                   ws)):
                if ws.title == "Summary" and row and row[0] in UNSIGNED_LABELS:
                    seal[row[0]].append(row[1] if len(row) > 1 else None)
                    row = (None, None, *row[2:])  # noqa: PLW2901  (the seal is not covered)
                digest.row(ws.title, index, row)
                rows.append(tuple(read_value(v) for v in row) if ws.title in _KEPT else ())
        order = list(book.sheetnames)
    finally:
        book.close()
    if not seal[DIGEST_LABEL]:
        raise ReportUnreadable(f"{report}: the Summary sheet has no {DIGEST_LABEL!r}")
    fields: dict[str, Any] = {}
    for row in kept["Summary"][2:]:
        if row and row[0] is not None:
            fields.setdefault(str(row[0]), row[1] if len(row) > 1 else None)
    sections = {}
    for section, sheet in (("findings", "Findings"), ("lines", "Lines"),
                           ("reviews", "Reviews")):
        rows = kept[sheet]
        header = rows[0] if rows else ()
        width = len([h for h in header if h is not None])
        sections[section] = (tuple(header[:width]), [
            _trim(r, width) for r in rows[1:] if any(v not in (None, "") for v in r)])
    run_params = {str(r[0]): r[1] if len(r) > 1 else None for r in kept["Run"][2:]
                  if r and r[0]}
    presentation.finish(fields)
    return _Sheets(fields, seal, digest.hexdigest(order), sections, run_params, presentation)


def verify_report(report: Path, input_path: Path | None, db: Database | None,
                  public_keys: PublicKeys | None = None) -> Verification:
    """Verify ``report`` (XLSX: every check; PDF, CSV, JSON: against the database's record
    of issuing it). ``public_keys`` (from ``--public-key``) replace the database's keys for
    the signature check, so it can be made on a machine without the database."""
    if report.suffix.lower() != ".xlsx":
        return _verify_issued_file(report, input_path, db, public_keys)
    result = Verification(report)
    sheets = _read_xlsx(report)
    stated = sheets.seal[DIGEST_LABEL][0]
    recomputed = sheets.digest
    if len(sheets.seal[DIGEST_LABEL]) > 1 or len(sheets.seal[SIGNATURE_LABEL]) > 1:
        result.checks.append(Check("report digest", Status.FAILED,
                                   "the Summary sheet states a digest or signature twice: "
                                   "the report was changed after it was written"))
    elif recomputed == stated:
        result.checks.append(Check("report digest", Status.PASSED,
                                   f"recomputed from every cell of every sheet: {recomputed}"))
    else:
        result.checks.append(Check("report digest", Status.FAILED,
                                   f"the report states {stated} but its sheets give "
                                   f"{recomputed}: the report was changed after it was "
                                   f"written"))
    fields = sheets.fields
    if input_path is None:
        result.checks.append(Check("input file hash", Status.NOT_MADE,
                                   "no input file was given"))
        result.checks.append(Check("re-screen", Status.NOT_MADE, "no input file was given"))
    else:
        sha, size = file_digest(input_path)
        if sha != fields.get("Input SHA-256"):
            result.checks.append(Check("input file hash", Status.FAILED,
                                       f"{input_path} has SHA-256 {sha}; the report states "
                                       f"{fields.get('Input SHA-256')}"))
            result.checks.append(Check("re-screen", Status.NOT_MADE,
                                       "the input file is not the one the report describes"))
        else:
            result.checks.append(Check("input file hash", Status.PASSED,
                                       f"SHA-256 {sha}, {size} bytes"))
            result.checks.append(_rescreen(input_path, sha, fields, sheets.run_params,
                                           sheets.sections, db))
    signatures = sheets.seal[SIGNATURE_LABEL]
    signature = str(signatures[0] or "") if signatures else ""
    keys, source = _keys(db, public_keys)
    result.checks.append(_signature_check(recomputed, signature,
                                          str(fields.get(KEY_FINGERPRINT_LABEL) or ""),
                                          keys, source))
    result.checks.append(_issued_check(db, recomputed, signature, fields.get("Run ID")))
    result.checks.append(_stored_run_check(db, fields, sheets.sections))
    result.checks.append(_presentation_check(sheets.presentation))
    return result


def _presentation_check(presentation: Presentation) -> Check:
    """Whether every cell holding a value is shown as that value (the digest and signature
    cover values, not how they are shown)."""
    name = "report presentation"
    problems = list(dict.fromkeys(presentation.problems))
    if problems:
        shown = "; ".join(problems[:SHOWN_PROBLEMS])
        more = f" (and {len(problems) - SHOWN_PROBLEMS} more)" \
            if len(problems) > SHOWN_PROBLEMS else ""
        return Check(name, Status.FAILED,
                     f"{len(problems)} place(s) where the report can show other than the "
                     f"values its digest covers: {shown}{more}. The values may be intact: "
                     f"a number format, hidden row or sheet, faint text or an object over "
                     f"the cells was added after hkscreen wrote the report (opening and "
                     f"saving it in a spreadsheet program can do this too)")
    return Check(name, Status.PASSED,
                 "every cell holding a value is shown as that value: number formats, "
                 "fonts and fills as hkscreen writes them or keeping the value, no hidden "
                 "sheet, row or column, nothing drawn or formatted over the cells, the "
                 "print areas covering the values")


SHOWN_PROBLEMS = 5


def _keys(db: Database | None, public_keys: PublicKeys | None
          ) -> tuple[PublicKeys | None, str]:
    if public_keys is not None:
        return public_keys, "the --public-key file's"
    if db is None:
        return None, ""
    with db.sessions() as session:
        return database_keys(session), "this database's"


def _signature_check(digest: str, signature: str, stated_key: str, keys: PublicKeys | None,
                     source: str) -> Check:
    name = "report signature"
    if keys is None:
        return Check(name, Status.NOT_MADE, "no database and no --public-key to check it with")
    if not signature:
        return Check(name, Status.FAILED, "the report carries no signature")
    key = keys.get(stated_key)
    if key is None:
        return Check(name, Status.FAILED,
                     f"the report names signing key {stated_key[:16] or '(none)'}..., which "
                     f"is not {source} key")
    if not signature_valid(key, digest, signature):
        return Check(name, Status.FAILED,
                     "the signature does not match the report's content: the report was "
                     "changed after it was signed, or the signature comes from another report")
    return Check(name, Status.PASSED, f"Ed25519 signature valid under {source} key "
                                      f"{stated_key}")


def _issued_record(db: Database, **where: str) -> IssuedReport | None:
    with db.sessions() as session:
        query = select(IssuedReport)
        for column, value in where.items():
            query = query.where(getattr(IssuedReport, column) == value)
        return session.scalars(query.order_by(IssuedReport.id).limit(1)).first()


def _issued_text(record: IssuedReport) -> str:
    return (f"issued {record.issued_at:%Y-%m-%d %H:%M:%S} UTC by {record.issued_by} as "
            f"{record.format} ({record.file_name}) for run {record.run_id}")


def _issued_check(db: Database | None, digest: str, signature: str, run_id: Any) -> Check:
    name = "issued by this database"
    if db is None:
        return Check(name, Status.NOT_MADE, "no database")
    record = _issued_record(db, digest=digest, signature=signature)
    if record is None:
        return Check(name, Status.FAILED, f"this database has no record of issuing a report "
                                          f"with digest {digest[:16]}... and this signature")
    if str(record.run_id) != str(run_id):
        return Check(name, Status.FAILED, f"the record is for run {record.run_id}, the report "
                                          f"says run {run_id}")
    return Check(name, Status.PASSED, _issued_text(record))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _stored_run_check(db: Database | None, fields: dict[str, Any],
                      sections: dict[str, Any]) -> Check:
    name = "stored run"
    if db is None:
        return Check(name, Status.NOT_MADE, "no database")
    try:
        run_id = int(fields.get("Run ID"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return Check(name, Status.FAILED, f"the report names no run ({fields.get('Run ID')!r})")
    problems: list[str] = []
    with db.sessions() as session:
        run = run_store.get_run(session, run_id)
        if run is None:
            return Check(name, Status.FAILED, f"this database has no run {run_id}")
        stated = {"Input SHA-256": run.input_sha256, "Rules version": run.rules_version,
                  "Lines": run.line_count, "Run status": run.status,
                  **{f"Lines {v.value}": run.counts.get(v.value, 0) for v in VERDICT_ORDER}}
        for label, value in stated.items():
            if _text(fields.get(label)) != _text(value):
                problems.append(f"{label}: report {fields.get(label)!r}, stored {value!r}")
        altered = run_store.altered_lines(run, run_store.stored_counts(session, run_id))
        if altered is not None:
            problems.append(altered)
        codes: dict[int, list[str]] = defaultdict(list)
        for row in sections["findings"][1]:
            codes[_int(row[0])].append(_text(row[3]))
        report_lines = {_int(r[0]): (_text(r[1]), _text(r[2])) for r in sections["lines"][1]}
        stored_rows = set()
        for line in run_store.iter_lines(session, run_id):
            stored_rows.add(line.row)
            got = report_lines.get(line.row)
            want = (line.line_id, line.verdict.value)
            if got != want or codes.get(line.row, []) != [f.code for f in line.findings]:
                problems.append(f"row {line.row}: report {got} {codes.get(line.row, [])}, "
                                f"stored {want} {[f.code for f in line.findings]}")
        for row in sorted(set(report_lines) - stored_rows):
            problems.append(f"row {row}: in the report, not in the stored run")
        stored_reviews = {r.id: r for r in run_reviews(session, run_id)}
    seen = set()
    for r in sections["reviews"][1]:
        review_id = _int(r[0])
        seen.add(review_id)
        stored_review = stored_reviews.get(review_id)
        if stored_review is None:
            problems.append(f"review {review_id} ({_text(r[5])} by {_text(r[2])}) is not "
                            f"recorded in this database")
            continue
        want = (stored_review.reviewer, stored_review.row, stored_review.disposition.label,
                stored_review.reason, stored_review.license_number,
                stored_review.license_exception, stored_review.override_reason,
                stored_review.account if len(r) > 11 else "")
        got = (_text(r[2]), _int(r[3]), _text(r[5]), _text(r[6]), _text(r[7]), _text(r[8]),
               _text(r[10]) if len(r) > 10 else "", _text(r[11]) if len(r) > 11 else "")
        if tuple(_text(v) for v in want) != tuple(_text(v) for v in got):
            problems.append(f"review {review_id}: report {got}, stored {want}")
    generated = fields.get("Report generated (UTC)")
    later = []
    if isinstance(generated, dt.datetime):
        for review in stored_reviews.values():
            created = _utc(review.created_at)
            if review.id not in seen and created < generated:
                problems.append(f"review {review.id}, recorded before the report was made, "
                                f"is missing from it")
            elif review.id not in seen:
                later.append(review)
    if problems:
        return Check(name, Status.FAILED, f"{len(problems)} difference(s) with run {run_id} "
                                          f"in this database: {'; '.join(problems[:5])}")
    # (s24 audit: a report showing a clearance since withdrawn verified without a word.)
    notice = _out_of_date(run_id, later, "made")
    return Check(name, Status.PASSED, f"run {run_id}: counts, {len(stored_rows)} lines with "
                                      f"their findings and {len(seen)} reviews as stored"
                 + (f"; {len(later)} later review(s) are not in it" if later else ""),
                 notice)


def _line_number(value: Any) -> int | None:
    """A report's line number (a whole number, as written or as text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _verify_issued_file(report: Path, input_path: Path | None, db: Database | None,
                        public_keys: PublicKeys | None) -> Verification:
    """A PDF, CSV or JSON report: the database recorded the SHA-256 of each file it issued
    and the signature of its digest, so the file is checked against that record. Without
    that record (an auditor's machine) the file's content cannot be checked against its
    digest: the checks that can be made are (the input's hash against the one the report
    states, the signature over the digest a PDF states under the given key), and the report
    digest is NOT VERIFIED, never passed."""
    from screening.reports.pdf_seal import read_stated_seal
    from screening.reports.writer import file_sha256

    fmt = report.suffix.lower().lstrip(".")
    kind = fmt.upper()
    result = Verification(report)
    try:
        sha = file_sha256(report)
        stated = read_stated_seal(report, fmt)
    except OSError as exc:
        raise ReportUnreadable(f"{report}: cannot be read ({exc.strerror or exc})") from None
    record = _issued_record(db, file_sha256=sha) if db is not None else None
    if stated.conflicting:
        result.checks.append(Check("report digest", Status.FAILED,
                                   f"the {kind} states two different seals or input hashes: "
                                   f"it was changed after it was written"))
    elif db is None:
        result.checks.append(Check("report digest", Status.NOT_VERIFIED, _offline_why(kind)))
    elif record is None:
        result.checks.append(Check("report digest", Status.FAILED,
                                   f"this database never issued a file with SHA-256 {sha}: "
                                   f"the file was changed, or it comes from elsewhere"))
    else:
        result.checks.append(Check("report digest", Status.PASSED,
                                   f"the file is byte for byte the {record.format} report "
                                   f"issued with digest {record.digest}"))
    run = None
    if record is not None:
        with db.sessions() as session:  # type: ignore[union-attr]
            run = run_store.get_run(session, record.run_id)
    result.checks.append(_issued_input_check(input_path, run, stated.input_sha256, kind))
    result.checks.append(Check("re-screen", Status.NOT_MADE,
                               "made for XLSX reports (verify the XLSX report of the run)"))
    keys, source = _keys(db, public_keys)
    if record is None:
        if stated.digest:
            check = _signature_check(stated.digest, stated.signature, stated.key_fingerprint,
                                     keys, source)
            result.checks.append(Check(check.name, check.status,
                                       f"over the digest the {kind} states "
                                       f"({stated.digest[:16]}...): {check.detail}"))
        else:
            result.checks.append(Check("report signature", Status.NOT_MADE, _unsealed(kind)))
        result.checks.append(_issued_check(db, "", "", None) if db is None else Check(
            "issued by this database", Status.FAILED, "no record of issuing this file"))
        result.checks.append(Check("stored run", Status.NOT_MADE, "the report's run is unknown"))
        return result
    result.checks.append(_signature_check(record.digest, record.signature,
                                          record.key_fingerprint, keys, source))
    result.checks.append(Check("issued by this database", Status.PASSED, _issued_text(record)))
    result.checks.append(Check("stored run", Status.PASSED if run else Status.FAILED,
                               f"run {record.run_id} ({run.status}, {run.line_count} lines)"
                               if run else f"this database has no run {record.run_id}",
                               _later_reviews(db, record) if run else ""))  # type: ignore[arg-type]
    return result


def _later_reviews(db: Database, record: IssuedReport) -> str:
    """The notice of reviews of the report's run recorded after the file was issued, as an
    XLSX report's check gives it (s33 auditor's review: a PDF written before three decisions
    verified without a word, its XLSX twin said OUT OF DATE)."""
    issued = _utc(record.issued_at)
    with db.sessions() as session:
        later = [r for r in run_reviews(session, record.run_id) if _utc(r.created_at) > issued]
    return _out_of_date(record.run_id, later, "issued")


def _out_of_date(run_id: int, later: list[Any], made: str) -> str:
    """The OUT OF DATE notice of a report (``made``: how it came to be, "made" or
    "issued") whose run has ``later`` reviews recorded since; "" if none."""
    if not later:
        return ""
    last = max(later, key=lambda review: _utc(review.created_at))
    rows = sorted({review.row for review in later})
    shown = ", ".join(map(str, rows[:10])) + (" ..." if len(rows) > 10 else "")
    return (f"OUT OF DATE: {len(later)} review(s) of run {run_id} were recorded after "
            f"this report was {made} (rows {shown}; the latest by {last.reviewer} at "
            f"{_utc(last.created_at):%Y-%m-%d %H:%M} UTC): the report is genuine, but its "
            f"decisions are not all those now in force; export a new report")


def _utc(when: dt.datetime) -> dt.datetime:
    """A stored time as naive UTC (SQLite hands them back without a zone)."""
    return when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when


def _offline_why(kind: str) -> str:
    return (f"a {kind} report's content is checked against its digest only by the database "
            f"that issued it (byte for byte against its record of the file), and no database "
            f"was given: this {kind} may have been changed, whatever the checks below say. "
            f"Verify the run's XLSX report instead (its digest is recomputed from its cells "
            f"and checked with --public-key), or verify this file where the issuing "
            f"database is (--database-url)")


def _unsealed(kind: str) -> str:
    if kind == "PDF":
        return ("the PDF states no seal in its document information (a PDF written before "
                "hkscreen put it there): its signature is checked by the issuing database")
    return (f"a {kind} report carries no signature of its own: the issuing database "
            f"recorded it")


def _issued_input_check(input_path: Path | None, run: Any, stated_sha: str,
                        kind: str) -> Check:
    name = "input file hash"
    if input_path is None:
        return Check(name, Status.NOT_MADE, "no input file was given")
    expected, whose = ((run.input_sha256, f"run {run.id} screened") if run is not None
                       else (stated_sha, f"the {kind} states"))
    if not expected:
        return Check(name, Status.NOT_MADE, f"the {kind} states no input hash and the "
                                            f"report's run is unknown")
    input_sha, size = file_digest(input_path)
    status = Status.PASSED if input_sha == expected else Status.FAILED
    return Check(name, status, f"{input_path} has SHA-256 {input_sha} ({size} bytes); "
                               f"{whose} {expected}")


def _rescreen(input_path: Path, sha: str, fields: dict[str, Any], params: dict[str, Any],
              sections: dict[str, Any], db: Database | None) -> Check:
    """Screen the input again (``sha``: its SHA-256, as checked) and compare with the
    report, line by line; the lines compared are read from bytes of that digest."""
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
    # The header row the run was read with (chosen by the user, or the one it found).
    header = params.get("Header row")
    header_row = int(header) if isinstance(header, int | float) and header >= 1 else None
    # A workbook is read from the bytes hashed here; a CSV file is hashed as it is read.
    content = read_content(input_path) if sniff_kind(input_path) == "xlsx" else None
    if content is not None and content.sha256 != sha:
        return Check("re-screen", Status.NOT_MADE, "the input file changed after its hash "
                     "was checked; verify again once it is not being written")
    prepared, _ = prepare(db, input_path, ScreenOptions(mapping=spec, as_of=as_of,
                                                        header_row=header_row), rules,
                          content)
    parties, party_note, every_line = _party_rescreen(db, fields.get("Run ID"),
                                                      rules.end_user_countries,
                                                      outside_supp2(rules))
    expected: dict[int, tuple[str, list[str]]] = {}
    originals: dict[int, list[str]] = {}  # each line's input cells, as the report shows them
    differences = []
    for row in sections["lines"][1]:
        if (number := _line_number(row[0])) is None:  # (s27 hunt: a crash, not a finding)
            differences.append(f"a Lines row gives the line number {row[0]!r}")
            continue
        expected[number] = (str(row[2]), [])
        originals[number] = [_text(v) for v in row[len(LINE_HEADERS):]]
    codes: dict[int, list[str]] = defaultdict(list)
    for row in sections["findings"][1]:
        if (number := _line_number(row[0])) is None:
            differences.append(f"a Findings row gives the line number {row[0]!r}")
            continue
        codes[number].append(str(row[3]))
    seen = 0
    for line in prepared.lines():
        seen += 1
        got = screen_line(line, rules)
        if parties is not None:
            got = with_findings(parties.screen(got, line), every_line)
        want_verdict = expected.get(line.row, ("(missing)", []))[0]
        want_codes = codes.get(line.row, [])
        got_codes = [f.code for f in got.findings]
        if parties is None and any(map(_is_party_code, want_codes)):
            # The lists cannot be re-screened: compare the rules' findings only.
            want_codes = [c for c in want_codes if not _is_party_code(c)]
            same = got_codes == want_codes
        else:
            same = got.verdict.value == want_verdict and got_codes == want_codes
        if not same:
            differences.append(f"row {line.row}: report {want_verdict} {codes.get(line.row)}"
                               f", now {got.verdict.value} {got_codes}")
        cells = _cells_differ(line.raw, originals.get(line.row))
        if cells is not None:
            differences.append(f"row {line.row}: {cells}")
    if seen != len(expected):
        differences.append(f"the input has {seen} lines, the report {len(expected)}")
    if prepared.source.content_sha256 != sha:
        return Check("re-screen", Status.NOT_MADE, "the input file changed while it was "
                     "re-screened; verify again once it is not being written")
    if differences:
        shown = "; ".join(differences[:5])
        return Check("re-screen", Status.FAILED,
                     f"{len(differences)} difference(s) with rules version "
                     f"{stated_version[:16]}...{party_note}: {shown}")
    return Check("re-screen", Status.PASSED,
                 f"{seen} lines re-screened with rules version {stated_version[:16]}..."
                 f"{party_note}: same verdicts and findings, and the original cells the "
                 f"report shows are the input's")


def _cells_differ(read: Sequence[str], shown: list[str] | None) -> str | None:
    """How the input cells of a line, as read again, differ from the original cells the
    report shows for it (None if they do not, or the report has no such line: counted
    apart)."""
    if shown is None:
        return None
    read = [*read, *[""] * (len(shown) - len(read))]
    if read == shown:
        return None
    for index, (now, then) in enumerate(zip(read, shown, strict=False)):
        if now != then:
            return (f"the report shows the input's cell in column {column_letter(index)} as "
                    f"{shorten_text(then)!r}; the input holds {shorten_text(now)!r}")
    return f"the input's row has {len(read)} cells; the report shows {len(shown)}"


def shorten_text(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _is_party_code(code: str) -> bool:
    """Findings of the restricted-party check (names, owners, the affiliates rule)."""
    return code.startswith(("PARTY_", "AFFILIATES_RULE"))


def _party_rescreen(db: Database, run_id: Any, military_countries: frozenset[str],
                    outside: OutsideSupp2 | None = None
                    ) -> tuple[PartyScreen | None, str, tuple[Finding, ...]]:
    """The restricted-party check as the run made it: the same lists (by file SHA-256),
    thresholds and false-positive decisions recorded before the run started, and what
    every line gets from those lists (``lists_findings``); or None and why, if this
    database no longer holds those lists."""
    with db.sessions() as session:
        run = run_store.get_run(session, int(run_id)) if str(run_id or "").isdigit() else None
        if run is None:
            return None, ("; restricted-party findings not re-screened (the run is not in "
                          "this database)"), ()
        check = run.party_check
        recorded = sorted((int(item.get("id", 0)), str(item.get("sha256", "")))
                          for item in check.get("lists") or [])
        if not check.get("performed") or not recorded:
            return None, "; no restricted-party check was made in the run", ()
        lists = party_store.active_lists(session)
        if sorted((item.id, item.file_sha256) for item in lists) != recorded:
            return None, ("; restricted-party findings not re-screened (the lists the run "
                          "used are no longer the active lists of this database)"), ()
        thresholds = check.get("thresholds") or {}
        index, _ = party_store.load_index(session, strong=thresholds.get("strong"),
                                          weak=thresholds.get("weak"))
        suppressed = party_store.suppressed_pairs(session, decided_by=run.started_at)
        affiliates = load_affiliate_rules(session)
    if index is None:
        return None, "; restricted-party findings not re-screened (no list loaded)", ()
    every_line = lists_findings(lists, run.started_at.date())
    return PartyScreen(index, suppressed, affiliates, military_countries=military_countries,
                       outside_supp2=outside), \
        ", with the run's restricted-party lists", every_line
