"""What every report format states, gathered once from the recorded run: summary, lines,
findings, reviews, the rules applied and the environment. Writers only lay it out."""

from __future__ import annotations

import datetime as dt
import json
import platform
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from screening import __version__
from screening.model import VERDICT_ORDER, Verdict
from screening.rules.ruleset import RuleSet, load_ruleset
from screening.rules.schema import CHART_COLUMNS
from screening.store import runs as run_store
from screening.store.report_lines import LineRecord
from screening.store.reviews import Disposition, ReviewRecord, hold_write_lock, run_reviews
from screening.store.schema import RunLine

LINE_HEADERS = (
    "Row", "Line ID", "Verdict", "Newly licensable", "Shipped to", "Licensed as",
    "Export date", "Date assumed (as-of)", "ECCN", "Licence exception", "Licence number",
    "End user", "End-user type", "Consignee", "Value", "Quantity", "Description", "HS code",
    "Disposition", "Disposition by", "Disposition at (UTC)",
)
FINDING_HEADERS = ("Row", "Line ID", "Line verdict", "Code", "Severity", "Message",
                   "Citations", "Relies on unverified rule data")
REVIEW_HEADERS = ("Review ID", "When (UTC)", "Reviewer", "Row", "Line ID", "Disposition",
                  "Reason", "Licence number", "Licence exception", "Superseded",
                  "Override (against a finding): reason",
                  "Recorded from (OS account@machine)")
ENV_PACKAGES = ("sqlalchemy", "alembic", "openpyxl", "python-calamine", "xlsxwriter",
                "reportlab", "platformdirs", "pycountry", "cryptography")


def original_headers(run_headers: Sequence[str]) -> list[str]:
    """The report columns of the input's own cells (one without a name by its number)."""
    return [f"Original: {h}" if h else f"Original: column {i + 1}"
            for i, h in enumerate(run_headers)]


def naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None, microsecond=0)


def _pkg(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


@dataclass
class ReportContent:
    run: run_store.RunInfo
    rules: RuleSet
    reviews: list[ReviewRecord]
    current: dict[int, ReviewRecord]
    #: Lines whose verdict is not CLEAR.
    flagged: int
    generated_at: dt.datetime
    generated_by: str
    environment: list[tuple[str, str]] = field(default_factory=list)
    rule_changes: list = field(default_factory=list)  # type: ignore[type-arg]
    #: Lines with a decision in force (not a hold or an escalation), by the line's verdict.
    reviewed_by_verdict: dict[str, int] = field(default_factory=dict)
    #: (fingerprint, public key) of the key the report is signed with, printed in it.
    signing: tuple[str, str] | None = None

    @property
    def rules_match(self) -> bool:
        return self.rules.version == self.run.rules_version

    @property
    def pending(self) -> int:
        """Lines whose disposition in force is a hold or an escalation (no decision)."""
        return sum(1 for r in self.current.values() if r.disposition in PENDING)

    @property
    def unreviewed_flagged(self) -> int:
        """Flagged lines without a decision: as the app counts them, those on hold or
        escalated included (s22 review: the report counted a hold as a disposition, so its
        figure of undecided lines was lower than the officer's)."""
        reviewed = sum(n for verdict, n in self.reviewed_by_verdict.items()
                       if verdict != Verdict.CLEAR.value)
        return self.flagged - reviewed

    @property
    def complete(self) -> bool:
        return self.run.status == "complete"

    def short_notice(self) -> str:
        """'' for a complete run; else one line for every page and sheet header."""
        if self.complete:
            return ""
        return (f"RUN NOT COMPLETE (status: {self.run.status}): only the lines recorded before "
                f"it ended; not a screening of the whole file")

    def incomplete_notice(self) -> str:
        """'' for a complete run; else what the report does not cover, and why."""
        if self.complete:
            return ""
        why = f" Reason: {self.run.message}." if self.run.message else ""
        return (f"RUN NOT COMPLETE. Status: {self.run.status}.{why} This report shows only "
                f"the {self.run.line_count:,} lines recorded before the run ended; it does not "
                f"cover the whole input file and is not a screening of it. Screen the file "
                f"again for a complete report.")

    def ccl_editions(self) -> str:
        """The eCFR edition(s) of the Commerce Control List the rules were taken from."""
        return ", ".join(sorted({e.edition for e in self.rules.eccns.values() if e.edition}))

    def statement(self) -> str:
        v = self.run.rules_version[:16]
        notice = self.incomplete_notice()
        return (f"{notice + ' ' if notice else ''}This report records the screening of "
                f"{self.run.input_name} against hkscreen "
                f"rules version {v}... on the export dates shown. CLEAR means no finding "
                f"under rules version {v}...; it is not an approval, a licence determination "
                f"or legal advice. Findings that rely on rule data marked INFERRED, PARTIAL or "
                f"UNVERIFIED say so and should be checked against the Federal Register and "
                f"eCFR. Dispositions are the reviewers' decisions as recorded.")

    def summary_rows(self) -> list[tuple[str, object]]:
        run = self.run
        rows: list[tuple[str, object]] = [
            *([("RUN NOT COMPLETE", self.incomplete_notice())] if not self.complete else []),
            ("Report", "hkscreen screening report"),
            ("What this report says", self.statement()),
            ("Run ID", run.id),
            ("Input file", run.input_name),
            ("Input size (bytes)", run.input_size),
            ("Input SHA-256", run.input_sha256),
            ("Sheet", run.sheet or "(CSV)"),
            ("Header row", run.header_row),
            ("Column mapping", json.dumps(run.mapping, ensure_ascii=False)),
            *party_rows(run),
            ("Rules version", run.rules_version),
            ("Rules sources", "Commerce Country Chart (15 CFR 738 Supp. 1), Country Groups "
                              "(15 CFR 740 Supp. 1), 85 FR 83765, 85 FR 45998 and the other "
                              "citations on the Rules sheet"),
            ("Control List edition (eCFR)", self.ccl_editions() or "(not recorded)"),
            ("App version", run.app_version),
            ("Screened by", run.user),
            ("Machine", run.host),
            ("Started (UTC)", naive_utc(run.started_at)),
            ("Finished (UTC)", naive_utc(run.finished_at)),
            ("Run status", run.status),
            ("Lines", run.line_count),
        ]
        rows += [(f"Lines {v.value}", run.counts.get(v.value, 0)) for v in VERDICT_ORDER]
        rows += [
            (VERDICTS_LABEL, VERDICTS_MEANING),
            ("Newly licensable because of the Hong Kong change", run.newly_licensable),
            ("CLEAR on unverified rule data", run.clear_on_unverified),
            (DECIDED_LABEL, sum(self.reviewed_by_verdict.values())),
            (PENDING_LABEL, self.pending),
            (UNDECIDED_LABEL, self.unreviewed_flagged),
            ("Reviews recorded (all, incl. superseded)", len(self.reviews)),
            ("Report generated (UTC)", naive_utc(self.generated_at)),
            ("Report generated by", self.generated_by),
        ]
        if self.signing:
            from screening.reports.canonical import KEY_FINGERPRINT_LABEL, PUBLIC_KEY_LABEL
            rows += [(KEY_FINGERPRINT_LABEL, self.signing[0]),
                     (PUBLIC_KEY_LABEL, self.signing[1])]
        if not self.rules_match:
            rows.append(("Rules note", f"The rules in this database are version "
                                       f"{self.rules.version[:16]}...; the Rules sheet shows "
                                       f"them, not necessarily the version the run used."))
        return rows


#: What each verdict means, for a reader of the report who has not used hkscreen.
VERDICTS_LABEL = "What the verdicts mean"
VERDICTS_MEANING = (
    'PROHIBITED: the export is barred as screened (a party on the SDN, Denied Persons or ITAR '
    'Debarred list, or a rule prohibiting it): do not ship. LICENSE_REQUIRED: the rules in '
    'force on the export date require a licence (Country Chart, the Hong Kong change, end-use '
    'and end-user rules, an Entity List or military end-user entry) and the line cites none: '
    'ship only under a licence. ERROR: the line could not be screened (a cell missing, '
    'unreadable or in doubt): correct the input and screen again. REVIEW: the rules and lists '
    'did not settle the line (a licence exception or licence number to confirm, a possible '
    'list match, a party not checked, rule data not verified): an officer decides and records '
    "the decision. CLEAR: the rules cover the line's ECCN and destination on its export date, "
    'its cells were read exactly and its parties were checked against dated lists, and no '
    'finding requires a licence; it is no approval. Newly licensable: a line that needs a '
    "licence now but did not under Hong Kong's treatment before 2020-06-30 (85 FR 45998, 85 FR"
    ' 83765).'
)

#: Dispositions that keep a line open: not a decision.
PENDING = frozenset({Disposition.HOLD, Disposition.ESCALATE})
DECIDED_LABEL = "Lines with a decision"
PENDING_LABEL = "Lines on hold or escalated"
UNDECIDED_LABEL = "Flagged lines without a decision (on hold or escalated included)"


def load_content(session: Session, run_id: int, generated_by: str) -> ReportContent:
    """What a report of run ``run_id`` states, read in ``session`` (which must not have
    read anything yet: its reads see what was committed once the report's time is taken)."""
    generated_at = _time_once_reviews_committed(session, run_id)
    run = run_store.get_run(session, run_id)
    if run is None:
        raise LookupError(f"no run with id {run_id}")
    reviews = run_reviews(session, run_id)
    current = {r.row: r for r in reviews
               if not r.superseded and r.disposition.value != "note"}
    stored = run_store.stored_counts(session, run_id)
    altered = run_store.altered_lines(run, stored)
    if altered is not None:  # never a report whose lines are not the run's
        raise LookupError(f"{altered}; no report is made from it")
    flagged = sum(stored.values()) - stored.get(Verdict.CLEAR.value, 0)
    reviewed_by_verdict: Counter[str] = Counter()
    reviewed_rows = sorted(row for row, r in current.items() if r.disposition not in PENDING)
    for start in range(0, len(reviewed_rows), 10_000):  # PostgreSQL's parameter limit
        reviewed_by_verdict.update(session.scalars(select(RunLine.verdict).where(
            RunLine.run_id == run_id, RunLine.row.in_(reviewed_rows[start:start + 10_000]))))
    environment = [("Python", platform.python_version()), ("Platform", platform.platform()),
                   ("Database", run.database), ("hkscreen", __version__)]
    environment += [(name, _pkg(name)) for name in ENV_PACKAGES]
    from screening.rules.edit import change_log
    return ReportContent(run, load_ruleset(session), reviews, current, flagged,
                         generated_at, generated_by, environment,
                         change_log(session), dict(reviewed_by_verdict))


def _time_once_reviews_committed(session: Session, run_id: int) -> dt.datetime:
    """The report's time, taken while it holds the lock a review takes its own time under
    (``reviews.hold_write_lock``), so every review timed before it is committed, and in
    what the report then reads. (s22 note: a review timed between a report's time and its
    commit was missing from that report, and ``verify`` failed the genuine report.) If the
    lock cannot be had (another writer holds it past the database's wait), the time is
    taken without it, as before."""
    try:
        with Session(session.get_bind()) as locking, locking.begin():
            hold_write_lock(locking, run_id)
            return dt.datetime.now(dt.UTC)
    except DBAPIError:  # (also a read-only role or standby refusing the lock)
        return dt.datetime.now(dt.UTC)


def run_parameters(content: ReportContent) -> list[tuple[str, object]]:
    run = content.run
    return [
        ("Run ID", run.id), ("As-of date (lines without a ship date)", run.as_of),
        ("Date order", run.date_order or "(none: ambiguous numeric dates are errors)"),
        ("Mapping profile", run.mapping_profile or "(none)"),
        ("Mapping", json.dumps(run.mapping, ensure_ascii=False)),
        # (A party or a country under a header hkscreen does not know is not screened.)
        ("Columns not read (no field mapped)", run.unmapped_text() or "none"),
        ("Header row", run.header_row), ("Blank rows skipped", run.blank_rows),
        ("Stored input copy", run.input_copy), ("Run message", run.message or ""),
        *party_rows(run, detailed=True),
        *content.environment,
    ]


def party_rows(run: run_store.RunInfo, *, detailed: bool = False
               ) -> list[tuple[str, object]]:
    """What the run says about restricted-party screening: performed or not (with the lists'
    names, dates, entries and hashes) and warnings; ``detailed`` (the Run sheet) adds each
    list's full SHA-256, age, entries per source, the thresholds and the age limit."""
    check = run.party_check
    rows: list[tuple[str, object]] = [
        ("Restricted-party screening", check.get("statement") or "not recorded")]
    warnings = check.get("warnings") or []
    if warnings or detailed:
        rows.append(("Party screening warnings", "; ".join(warnings) or "none"))
    if not detailed:
        return rows
    for item in check.get("lists") or []:
        age = item.get("age_days")
        rows.append((f"Party list: {item.get('name')}",
                     f"source date {item.get('list_date') or 'unknown'}"
                     f"{f', {age} days old at screening' if age is not None else ''}; "
                     f"{item.get('entries'):,} entries; SHA-256 {item.get('sha256')}; "
                     f"file {item.get('file')}"))
        sources = item.get("sources") or {}
        rows.append((f"Party list: {item.get('name')}: entries per source",
                     "; ".join(f"{k}: {v:,}" for k, v in sources.items()) or "-"))
    thresholds = check.get("thresholds") or {}
    others = check.get("other_party_columns") or []
    if others:
        rows.append(("Further party columns screened (another name of a party beside its "
                     "own column)", ", ".join(repr(h) for h in others)))
    if thresholds:
        rows.append(("Party match thresholds (score 0-100)",
                     f"strong {thresholds.get('strong'):g}, weak {thresholds.get('weak'):g}"))
    if check.get("max_list_age_days") is not None:
        rows.append(("Party list age limit (days)", check.get("max_list_age_days")))
    return rows


def yes_no(value: object) -> str:
    """Booleans as words: every spreadsheet program shows them the same way."""
    return "Yes" if value else "No"


def disposition_text(review: ReviewRecord | None) -> str | None:
    """The Lines table's disposition in force: its label, and for an override (a decision
    against a finding) the licence or exception it confirms and the override's reason, so
    that no report shows an override as an ordinary decision."""
    if review is None:
        return None
    if not review.override:
        return review.disposition.label
    extra = " ".join(x for x in (review.license_exception, review.license_number) if x)
    return (f"{review.disposition.label}{' ' + extra if extra else ''}; OVERRIDE of a "
            f"finding: {review.override_reason}")


def line_cells(line: run_store.StoredLine, review: ReviewRecord | None) -> list[object]:
    n = line.normalized
    return [
        line.row, line.line_id, line.verdict.value, yes_no(line.newly_licensable),
        line.destination, line.licensing_destination, line.export_date,
        yes_no(n.get("date_assumed")), line.eccn,
        line.license_exception, n.get("license_number"), n.get("end_user"),
        n.get("end_user_type"), n.get("consignee"), n.get("value"), n.get("quantity"),
        n.get("description"), n.get("hs_code"),
        disposition_text(review), review.reviewer if review else None,
        naive_utc(review.created_at) if review else None,
    ]


def record_cells(line: LineRecord, review: ReviewRecord | None) -> list[object]:
    """``line_cells`` of a line read with ``report_lines.iter_line_records``."""
    return [
        line.row, line.line_id, line.verdict, yes_no(line.newly_licensable),
        line.destination, line.licensing_destination, line.export_date,
        yes_no(line.date_assumed), line.eccn,
        line.license_exception, line.license_number, line.end_user,
        line.end_user_type, line.consignee, line.value, line.quantity,
        line.description, line.hs_code,
        disposition_text(review), review.reviewer if review else None,
        naive_utc(review.created_at) if review else None,
    ]


def finding_rows(line: run_store.StoredLine) -> Iterator[list[object]]:
    for f in line.findings:
        yield [line.row, line.line_id, line.verdict.value, f.code, f.severity.value,
               f.message, "; ".join(f.citations), "; ".join(f.unverified)]


def review_status(review: ReviewRecord) -> str:
    """How a review stands: in force, superseded by a later decision, or a note."""
    if review.disposition.value == "note":
        return "note"
    status = "superseded" if review.superseded else "in force"
    return f"{status}; OVERRIDE: {review.override_reason}" if review.override else status


def review_cells(review: ReviewRecord) -> list[object]:
    return [review.id, naive_utc(review.created_at), review.reviewer, review.row,
            review.line_id, review.disposition.label, review.reason,
            review.license_number or None, review.license_exception or None,
            yes_no(review.superseded), review.override_reason or None,
            review.account or None]


def rules_sections(content: ReportContent, destinations: set[str], claimed: set[str],
                   unverified: dict[str, int]) -> list[tuple[str, list[str], list[list[object]]]]:
    """(title, headers, rows) blocks for the Rules sheet and the PDF appendix."""
    rules = content.rules
    chart_rows: list[list[object]] = []
    for code in sorted(destinations | {"HK", "CN"}):
        for row in rules.chart.get(code, ()):
            chart_rows.append([row.row_key, rules.country_name(code), row.valid_from,
                               row.valid_to, row.date_basis,
                               " ".join(c for c in CHART_COLUMNS if c in row.columns),
                               row.citation, row.verification,
                               " ".join(sorted(row.unverified_cells))])
    mappings = [[m.country, m.licensed_as, m.valid_from, m.valid_to, m.verification,
                 m.citation, m.summary] for ms in rules.mappings.values() for m in ms]
    exception_rows: list[list[object]] = []
    for code in sorted(claimed | {"LVS", "GBS", "TSR", "APP", "STA", "ENC", "CIV"}):
        for r in rules.exception_rules.get(code, ()):
            if r.country in ("HK", "CN", "MO", "*") or r.country in destinations:
                exception_rows.append([r.code, r.country, r.status, r.valid_from, r.valid_to,
                                       r.note, r.citation, r.verification])
    regime_changes = [[c.effective, c.published, c.citation, c.verification, c.title,
                       c.summary] for c in rules.regime_changes]
    unverified_rows = [[count, text] for text, count in sorted(unverified.items())]
    started = content.run.started_at.replace(tzinfo=None)
    change_log = [[naive_utc(c.changed_at), c.changed_by, c.rule_file,
                json.dumps(c.row_key, ensure_ascii=False), c.column, c.old_value, c.new_value,
                c.reason, c.citation, c.version_after]
               for c in content.rule_changes
               if naive_utc(c.changed_at) is not None and naive_utc(c.changed_at) <= started]
    return [
        ("Country Chart rows for the destinations in this run",
         ["Row key", "Destination", "Valid from", "Valid to", "Date basis", "X columns",
          "Citation", "Verification", "Inferred / unverified cells"], chart_rows),
        ("Destination mappings", ["Shipped to", "Licensed as", "Valid from", "Valid to",
                                  "Verification", "Citation", "Summary"], mappings),
        ("Licence exception availability (Hong Kong, China, Macau and exceptions claimed)",
         ["Exception", "Destination", "Status", "Valid from", "Valid to", "Note", "Citation",
          "Verification"], exception_rows),
        ("Regime changes", ["Effective", "Published", "Citation", "Verification", "Title",
                            "Summary"], regime_changes),
        ("Rule data not fully verified that findings in this run rely on",
         ["Findings", "Rule data"], unverified_rows),
        ("Rule changes made before this run (change log)",
         ["When (UTC)", "By", "Rule file", "Row", "Column", "Old", "New", "Reason",
          "Citation", "Rules version after"], change_log),
    ]
