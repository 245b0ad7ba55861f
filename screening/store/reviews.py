"""Append-only review records: who decided what about a line, when and why."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from screening.engine import screen_line
from screening.ingest.rows import no_licence_held
from screening.model import Finding, ShipmentLine, Verdict
from screening.normalize import EndUserType, normalize_eccn, normalize_license_exception
from screening.rules.ruleset import RuleSet, load_ruleset
from screening.runtime import current_account
from screening.store.schema import FindingSet, Review, Run, RunLine


class Disposition(StrEnum):
    LICENSE_OBTAINED = "license_obtained"
    EXCEPTION_CONFIRMED = "exception_confirmed"
    CLEARED = "cleared"  # not subject / cleared, with a reason
    HOLD = "hold"
    ESCALATE = "escalate"
    NOTE = "note"  # a free-text note that does not decide the line

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Disposition.LICENSE_OBTAINED: "Licence obtained",
    Disposition.EXCEPTION_CONFIRMED: "Licence exception confirmed",
    Disposition.CLEARED: "Not subject / cleared",
    Disposition.HOLD: "Hold",
    Disposition.ESCALATE: "Escalate",
    Disposition.NOTE: "Note",
}


class ReviewError(ValueError):
    """A review that cannot be recorded as given (the message says what is missing)."""


#: Findings that say the claimed licence exception cannot be used.
EXCEPTION_BLOCKED = frozenset({"LICENSE_EXCEPTION_SUSPENDED", "LICENSE_EXCEPTION_REMOVED",
                               "LICENSE_EXCEPTION_NOT_AVAILABLE"})


@dataclass(frozen=True)
class Conflict:
    """A decision that goes against a finding of the line it is for."""

    row: int
    line_id: str
    finding: str  # the finding code, or the verdict
    #: The exception confirmed, where the rules refuse it on the line (not the one claimed).
    exception: str = ""

    def describe(self) -> str:
        if self.finding == Verdict.PROHIBITED.value:
            return (f"row {self.row} ({self.line_id}) is PROHIBITED: "
                    f"'{Disposition.CLEARED.label}' goes against its findings")
        if self.exception:
            return (f"row {self.row} ({self.line_id}): the rules say licence exception "
                    f"{self.exception} cannot be used on it ({self.finding})")
        return (f"row {self.row} ({self.line_id}): its finding {self.finding} says the "
                f"licence exception cannot be used")


class OverrideRequired(ReviewError):
    """The decision goes against a finding: recording it needs an override with a reason."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        shown = "; ".join(c.describe() for c in conflicts[:5])
        more = f"; and {len(conflicts) - 5} more" if len(conflicts) > 5 else ""
        super().__init__(f"this decision goes against the findings ({shown}{more}): record "
                         f"it as an override, with the reason for overriding")


def exception_code(typed: str) -> str:
    """The licence exception code a reviewer typed, as the input's are read ("G.B.S.",
    "gbs", "ＧＢＳ" are GBS; s22 review: "GBS." got past the check below as another code)."""
    return normalize_license_exception(typed) or typed.strip().upper()


def finding_conflicts(disposition: Disposition, license_exception: str, row: int, line_id: str,
                      verdict: str, claimed: str | None,
                      findings: Sequence[Finding]) -> list[Conflict]:
    """Why recording ``disposition`` on this line needs an override (empty: it does not)."""
    if disposition is Disposition.CLEARED and verdict == Verdict.PROHIBITED.value:
        return [Conflict(row, line_id, verdict)]
    if disposition is not Disposition.EXCEPTION_CONFIRMED:
        return []
    code = exception_code(license_exception)
    return [Conflict(row, line_id, f.code) for f in findings if f.code in EXCEPTION_BLOCKED
            and (code == exception_code(claimed or "") or code in f.message.split())]


def _exception_refused(line: Any, code: str, rules: RuleSet) -> Conflict | None:
    """A conflict if the rules say licence exception ``code`` cannot be used on the line
    as stored (its ECCN, destinations and export date): s22 review, LVS confirmed on a
    Hong Kong line of 2020-06-30, when LVS to Hong Kong was suspended, was recorded as an
    ordinary decision."""
    eccn = normalize_eccn(line.eccn) if line.eccn else None
    if eccn is None or line.export_date is None or line.destination is None:
        return None
    result = screen_line(ShipmentLine(
        line.row, line.line_id, (), line.destination, line.ultimate_destination,
        line.export_date, eccn, code, None, None, _end_user_type(line.end_user_type)), rules)
    blocked = next((f for f in result.findings if f.code in EXCEPTION_BLOCKED), None)
    return Conflict(line.row, line.line_id, blocked.code, code) if blocked is not None \
        else None


def _end_user_type(stored: str | None) -> EndUserType | str | None:
    """A line's stored end-user type as the engine reads it."""
    try:
        return EndUserType(stored) if stored else None
    except ValueError:
        return stored


def review_conflicts(session: Session, run_id: int, rows: Sequence[int],
                     disposition: Disposition, license_exception: str = "",
                     rules: RuleSet | None = None) -> list[Conflict]:
    """The lines among ``rows`` on which ``disposition`` goes against a finding;
    ``rules``: the rules in force, if the caller has them already."""
    if disposition not in (Disposition.CLEARED, Disposition.EXCEPTION_CONFIRMED):
        return []
    lines = []
    for chunk in _chunks(sorted(set(rows))):  # PostgreSQL takes at most 65,535 parameters
        lines += session.execute(
            select(RunLine.row, RunLine.line_id, RunLine.verdict, RunLine.license_exception,
                   RunLine.findings_set, RunLine.eccn, RunLine.destination,
                   RunLine.ultimate_destination, RunLine.export_date, RunLine.end_user_type)
            .where(RunLine.run_id == run_id, RunLine.row.in_(chunk))).all()
    sets: dict[int, list[Finding]] = {}
    wanted = sorted({line.findings_set for line in lines})
    for chunk in _chunks(wanted):
        for number, text in session.execute(
                select(FindingSet.set_no, FindingSet.findings_json)
                .where(FindingSet.run_id == run_id, FindingSet.set_no.in_(chunk))):
            sets[number] = [Finding.from_json(f) for f in json.loads(text)]
    found: list[Conflict] = []
    if disposition is Disposition.EXCEPTION_CONFIRMED and rules is None:
        rules = load_ruleset(session)
    for line in lines:
        conflicts = finding_conflicts(disposition, license_exception, line.row, line.line_id,
                                      line.verdict, line.license_exception,
                                      sets.get(line.findings_set, []))
        # The exception confirmed, as the rules in force judge it on the line (another one
        # than the line claimed, which its findings do not speak of).
        if not conflicts and disposition is Disposition.EXCEPTION_CONFIRMED and \
                rules is not None and (refused := _exception_refused(
                    line, exception_code(license_exception), rules)) is not None:
            conflicts = [refused]
        found += conflicts
    return found


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    run_id: int
    row: int
    line_id: str
    disposition: Disposition
    reason: str
    license_number: str
    license_exception: str
    reviewer: str
    created_at: dt.datetime
    superseded: bool = False
    override_reason: str = ""
    account: str = ""  # the OS account@machine it was recorded from

    @property
    def override(self) -> bool:
        """Recorded against a finding, with an override reason."""
        return bool(self.override_reason)

    def to_json(self) -> dict[str, Any]:
        created = self.created_at if self.created_at.tzinfo else \
            self.created_at.replace(tzinfo=dt.UTC)
        return {
            "id": self.id, "row": self.row, "line_id": self.line_id,
            "disposition": self.disposition.value, "reason": self.reason,
            "license_number": self.license_number or None,
            "license_exception": self.license_exception or None, "reviewer": self.reviewer,
            "created_at": created.isoformat(timespec="seconds"), "superseded": self.superseded,
            "override": self.override, "override_reason": self.override_reason or None,
            "recorded_from": self.account or None,
        }


def validate(disposition: Disposition, reason: str, license_number: str,
             license_exception: str, reviewer: str) -> None:
    if not reviewer.strip():
        raise ReviewError("a reviewer name is required")
    if disposition is Disposition.LICENSE_OBTAINED and (
            not license_number.strip() or no_licence_held(license_number.strip())):
        # ("N/A", "none", "pending" say no licence is held, as the input's cells are read.)
        raise ReviewError("'licence obtained' needs the licence number"
                          + (f" ({license_number.strip()!r} says no licence is held)"
                             if license_number.strip() else ""))
    if disposition is Disposition.EXCEPTION_CONFIRMED and not (
            license_exception.strip() and reason.strip()):
        raise ReviewError("'licence exception confirmed' needs the exception and a reason")
    if disposition in (Disposition.CLEARED, Disposition.NOTE) and not reason.strip():
        raise ReviewError(f"'{disposition.label}' needs a reason")


def review_problem(session: Session, disposition: Disposition, *, reason: str = "",
                   license_number: str = "", license_exception: str = "",
                   reviewer: str) -> str:
    """Why ``add_reviews`` would refuse this decision before looking at the lines (its
    message), or "": asked by a form before it closes, so a refusal never throws away what
    the officer typed (s29 review: a licence number "see email" closed the review dialog
    behind an error box)."""
    try:
        validate(disposition, reason, license_number, license_exception, reviewer)
        if disposition in (Disposition.EXCEPTION_CONFIRMED, Disposition.LICENSE_OBTAINED):
            _check_codes(disposition, license_exception, license_number,
                         load_ruleset(session).exceptions)
    except ReviewError as exc:
        return str(exc)
    return ""


def add_reviews(session: Session, run_id: int, rows: list[int], disposition: Disposition,
                *, reason: str = "", license_number: str = "", license_exception: str = "",
                reviewer: str, when: dt.datetime | None = None,
                override_reason: str = "") -> list[int]:
    """Record one review per row (bulk review shares one reason); returns the new ids.
    A decision that goes against a line's findings (see ``review_conflicts``) raises
    OverrideRequired unless ``override_reason`` says why; it is then recorded as an override
    on those lines. The caller's transaction commits it: commit straight away so nothing is
    lost."""
    validate(disposition, reason, license_number, license_exception, reviewer)
    rules = None
    if disposition in (Disposition.EXCEPTION_CONFIRMED, Disposition.LICENSE_OBTAINED):
        rules = load_ruleset(session)  # once, for the codes and the conflicts
        _check_codes(disposition, license_exception, license_number, rules.exceptions)
    rows = list(dict.fromkeys(rows))  # a row named twice gets one review
    conflicts = review_conflicts(session, run_id, rows, disposition, license_exception, rules)
    if conflicts and not override_reason.strip():
        raise OverrideRequired(conflicts)
    if override_reason.strip() and not conflicts:
        # (s22 review: the reason was dropped without a word.)
        raise ReviewError("this decision goes against no finding of these lines, so there "
                          "is nothing to override: record it without an override (put the "
                          "text in the reason)")
    overridden = {c.row for c in conflicts}
    line_ids: dict[int, str] = {}
    for chunk in _chunks(rows):  # PostgreSQL takes at most 65,535 parameters
        line_ids.update(session.execute(
            select(RunLine.row, RunLine.line_id).where(RunLine.run_id == run_id,
                                                       RunLine.row.in_(chunk))).all())
    unknown = sorted(set(rows) - set(line_ids))
    if unknown:
        raise ReviewError(f"run {run_id} has no line at row(s) {unknown[:10]}")
    if when is None:
        hold_write_lock(session, run_id)
        when = dt.datetime.now(dt.UTC)
    account = current_account()
    records = [Review(run_id=run_id, row=row, line_id=line_ids[row],
                      disposition=disposition.value, reason=reason.strip(),
                      license_number=license_number.strip(),
                      license_exception=exception_code(license_exception)
                      if license_exception.strip() else "",
                      reviewer=reviewer.strip(), created_at=when,
                      override_reason=override_reason.strip() if row in overridden else "",
                      account=account)
               for row in rows]
    session.add_all(records)
    session.flush()
    return [r.id for r in records]


def _check_codes(disposition: Disposition, license_exception: str, license_number: str,
                 known: Mapping[str, object]) -> None:
    """A licence exception confirmed must be one code the rules know, alone; a licence
    number must not be an exception code (s22 second review: "LVS 740.3", "LVS/GBS", "NLR"
    and "XYZ" were recorded as ordinary decisions, where plain "LVS" needed an override;
    "licence obtained" with licence number "LVS" was taken)."""
    if disposition is Disposition.EXCEPTION_CONFIRMED:
        code = exception_code(license_exception)
        if code == "NLR":
            raise ReviewError("NLR (no licence required) is not a licence exception: record "
                              "the line as not subject / cleared, with the reason")
        if code not in known:
            raise ReviewError(f"{license_exception.strip()!r} is not a licence exception code "
                              f"the rules know; give one code alone (such as "
                              f"{', '.join(sorted(known)[:6])})")
    elif exception_code(license_number) in known:
        raise ReviewError(f"{license_number.strip()!r} is a licence exception code, not a "
                          f"licence number: record it as 'licence exception confirmed'")
    elif not any(ch.isdigit() for ch in license_number):
        raise ReviewError(f"{license_number.strip()!r} is not a licence number (a BIS licence "
                          f"number has digits, such as D123456)")


def hold_write_lock(session: Session, run_id: int) -> None:
    """Wait for the database's write lock (SQLite) or the run's row (PostgreSQL) before the
    reviews' time is taken: taken before a wait behind another writer, it came before a
    report made meanwhile, which could not show the reviews yet, and ``verify`` failed that
    genuine report (s22 review). A statement that changes nothing takes SQLite's lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Run.id).where(Run.id == run_id).with_for_update())
    else:
        session.execute(update(Run).where(Run.id == run_id, Run.id != Run.id)
                        .values(id=Run.id))


def _record(review: Review, superseded: bool) -> ReviewRecord:
    return ReviewRecord(review.id, review.run_id, review.row, review.line_id,
                        Disposition(review.disposition), review.reason, review.license_number,
                        review.license_exception, review.reviewer, review.created_at,
                        superseded, review.override_reason or "", review.account or "")


def run_reviews(session: Session, run_id: int, row: int | None = None, *,
                rows: Sequence[int] | None = None) -> list[ReviewRecord]:
    """Every review of a run (or of one line, or of ``rows``) in the order made, each marked
    superseded when a later decision on the same line exists. Notes never supersede a
    decision."""
    query = select(Review).where(Review.run_id == run_id).order_by(Review.id)
    if row is not None:
        reviews = list(session.scalars(query.where(Review.row == row)))
    elif rows is not None:  # in chunks: PostgreSQL takes at most 65,535 parameters
        reviews = sorted((r for chunk in _chunks(sorted(set(rows)))
                          for r in session.scalars(query.where(Review.row.in_(chunk)))),
                         key=lambda r: r.id)
    else:
        reviews = list(session.scalars(query))
    latest: dict[int, int] = {}
    for review in reviews:
        if review.disposition != Disposition.NOTE.value:
            latest[review.row] = review.id
    return [_record(r, r.disposition != Disposition.NOTE.value and latest[r.row] != r.id)
            for r in reviews]


def current_dispositions(session: Session, run_id: int,
                         rows: Sequence[int] | None = None) -> dict[int, ReviewRecord]:
    """The decision in force for each reviewed line (row -> latest non-note review); only
    for ``rows`` if given (refreshing the lines just reviewed, not the whole run)."""
    return {r.row: r for r in run_reviews(session, run_id, rows=rows)
            if not r.superseded and r.disposition is not Disposition.NOTE}


def _chunks(values: Sequence[int], size: int = 10_000) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
