"""The ``hkscreen`` command line. Its options, JSON and exit codes are a contract:
0 = screened, every line CLEAR; 1 = screened, some line needs attention; 2 = could not screen.
Change them only additively."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from screening import __version__
from screening.db import Database, DatabaseError, first_line, open_database, schema_revision
from screening.errors import ReportUnreadable, SigningError, os_error_message
from screening.ingest.errors import IngestError
from screening.model import VERDICT_ORDER, Verdict
from screening.normalize import DateOrder
from screening.reports.safety import ExportError
from screening.rules.errors import RuleFileError
from screening.runtime import current_user
from screening.service import (
    Cancelled,
    Progress,
    RunAbandoned,
    RunResult,
    ScreenOptions,
    resolve_mapping,
    run_screening,
)
from screening.store import runs as run_store
from screening.store.reviews import Disposition, ReviewError, add_reviews

if TYPE_CHECKING:
    from screening.reports.prerender import Prerender

EXIT_CLEAR, EXIT_ATTENTION, EXIT_FAILED = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"hkscreen: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_FAILED)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hkscreen", description="Screen shipment spreadsheets for lines bound "
                     "for Hong Kong that need China's licensing under the EAR.")
    parser.add_argument("--version", action="store_true", help="print app and rules versions")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: HKSCREEN_DATABASE_URL "
                        "or a SQLite file in the user data directory)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    screen = sub.add_parser(
        "screen", help="screen a spreadsheet (XLSX or CSV)",
        epilog="exit codes: 0 screened, every line CLEAR; 1 screened, some line needs "
               "attention (PROHIBITED, LICENSE_REQUIRED, ERROR or REVIEW); 2 not screened "
               "(bad file, bad arguments, database error), with the reason on stderr")
    screen.add_argument("input", type=Path, help="the shipment spreadsheet (.xlsx or .csv)")
    screen.add_argument("--sheet", help="worksheet name (default: the visible sheet holding "
                        "the shipment columns; a workbook with them on two sheets is refused "
                        "until one is named)")
    screen.add_argument("--mapping", help="column mapping JSON file or saved profile name")
    screen.add_argument("--as-of", type=_date, help="export date for files without a "
                        "ship-date column (e.g. open orders); recorded in the run")
    screen.add_argument("--date-order", choices=[o.value for o in DateOrder],
                        help="how to read numeric dates such as 03/04/2021")
    screen.add_argument("--json", type=Path, dest="json_out", help="write the results as JSON")
    screen.add_argument("--database-url", dest="sub_database_url", metavar="URL",
                        help="the database, as before the command (hkscreen --database-url URL "
                        "screen ...)")
    screen.add_argument("--quiet", action="store_true", help="no progress or line list")
    screen.add_argument("--party-strong", type=float, help="restricted-party score (0-100) "
                        "for a strong match (default 92)")
    screen.add_argument("--party-weak", type=float, help="restricted-party score (0-100) "
                        "for a match worth a review (default 85)")
    screen.add_argument("--list-max-age", type=int, metavar="DAYS", help="warn when a "
                        "screening list is older than DAYS at screening (default 30, or "
                        "HKSCREEN_LIST_MAX_AGE_DAYS)")
    screen.add_argument("--report", type=Path, action="append", default=[],
                        help="also write an audit report (.xlsx, .pdf, .csv or .json); "
                        "may be given more than once")

    report = sub.add_parser("report", help="write the audit report of a recorded run "
                            "(with the reviews made since)")
    report.add_argument("run_id", type=int)
    report.add_argument("--out", type=Path, required=True, action="append",
                        help="report file (.xlsx, .pdf, .csv or .json); may repeat")

    verify = sub.add_parser("verify", help="check a report's digest, its input file, a "
                            "re-screen with the stated rules version, its signature, that "
                            "this database issued it and that it equals the stored run")
    verify.add_argument("report", type=Path)
    verify.add_argument("input", type=Path, nargs="?")
    verify.add_argument("--public-key", type=Path, help="check the signature with this public "
                        "key file (`hkscreen keys export`) instead of a database: on an "
                        "auditor's machine (with --database-url, the database checks too)")

    keys = sub.add_parser("keys", help="the keys this database signs its reports with")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, parser_class=_Parser)
    keys_sub.add_parser("list", help="fingerprints of this database's signing keys")
    keys_export = keys_sub.add_parser("export", help="write this database's public keys (PEM) "
                                      "for `verify --public-key`")
    keys_export.add_argument("file", type=Path)

    rules = sub.add_parser("rules", help="the local rules database")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    rules_sub.add_parser("info", help="rules version, counts, sources, last change")
    export = rules_sub.add_parser("export", help="write the rules as a bundle: CSV files and a "
                                  "manifest with their hashes and the rules version")
    export.add_argument("directory", type=Path)
    export.add_argument("--note", default="", help="what this bundle is (e.g. who signed off)")
    imp = rules_sub.add_parser("import", help="replace the rules from a bundle written by "
                               "`rules export` (manifest and every file validated; logged)")
    imp.add_argument("directory", type=Path)
    imp.add_argument("--reason", required=True, help="why the rules change (change log)")
    imp.add_argument("--citation", required=True, help="the source for the change")
    get = rules_sub.add_parser("get", help="print one rule cell")
    get.add_argument("file", help="rule file, e.g. country_chart.csv")
    get.add_argument("key", help="key columns, e.g. row_key=HK_PRE2020")
    get.add_argument("column")
    set_ = rules_sub.add_parser("set", help="change one rule cell (logged; optimistic lock)")
    set_.add_argument("file")
    set_.add_argument("key", help="key columns, e.g. row_key=HK_PRE2020 or eccn=3A001")
    set_.add_argument("column")
    set_.add_argument("value")
    set_.add_argument("--expect", required=True,
                      help="the value you saw (the change is refused if it changed since)")
    set_.add_argument("--reason", required=True)
    set_.add_argument("--citation", required=True)
    rules_sub.add_parser("log", help="every rule change: who, when, old, new, why, source")
    ccl = rules_sub.add_parser("update-ccl", help="load a newer eCFR edition of the Control "
                               "List, Country Chart and Country Groups (shows what changed; "
                               "one logged change)")
    ccl.add_argument("directory", type=Path, help="edition folder (ccl_license_requirements.csv, "
                     "country_chart.csv, ...)")
    ccl.add_argument("--edition", help="edition date YYYY-MM-DD (default: from README.md)")
    ccl.add_argument("--groups-edition", help="edition date of the Country Groups, paragraphs "
                     "and exception lines if different")
    ccl.add_argument("--reason", default="", help="why (default: the edition update)")
    ccl.add_argument("--citation", default="", help="source (default: the eCFR edition)")
    ccl.add_argument("--dry-run", action="store_true", help="show the differences only")
    add = rules_sub.add_parser("add", help="add a rule row (logged)")
    add.add_argument("file")
    add.add_argument("values", help="column=value pairs, e.g. country_code=XX,group=D:5,...")
    remove = rules_sub.add_parser("remove", help="remove a rule row (logged)")
    remove.add_argument("file")
    remove.add_argument("key")
    for p in (add, remove):
        p.add_argument("--reason", required=True)
        p.add_argument("--citation", required=True)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    db_sub.add_parser("upgrade", help="apply migrations")
    db_sub.add_parser("check", help="report schema version and connectivity")
    backup = db_sub.add_parser("backup", help="copy the SQLite database safely while in use")
    backup.add_argument("file", type=Path)

    profiles = sub.add_parser("profiles", help="named column-mapping profiles")
    prof_sub = profiles.add_subparsers(dest="profiles_command", required=True,
                                       parser_class=_Parser)
    prof_sub.add_parser("list", help="list saved profiles")
    save = prof_sub.add_parser("save", help="save a mapping JSON file as a named profile")
    save.add_argument("name")
    save.add_argument("mapping", type=Path)
    save.add_argument("--sample", type=Path, help="a spreadsheet whose headers the profile is "
                      "offered for automatically")

    review = sub.add_parser("review", help="record a review decision on lines of a run")
    review.add_argument("run_id", type=int)
    review.add_argument("rows", help="row numbers, e.g. 12 or 12,15,30-40")
    review.add_argument("--disposition", required=True,
                        choices=[d.value for d in Disposition])
    review.add_argument("--reason", default="")
    review.add_argument("--license-number", default="")
    review.add_argument("--exception", default="", dest="license_exception")
    review.add_argument("--reviewer", help="default: the OS user")
    review.add_argument("--override", default="", metavar="REASON", dest="override_reason",
                        help="record a decision that goes against a finding (an exception the "
                             "findings say is suspended or unavailable confirmed, a "
                             "PROHIBITED line cleared), with the reason for overriding")

    lists = sub.add_parser("lists", help="restricted-party screening lists")
    lists_sub = lists.add_subparsers(dest="lists_command", required=True, parser_class=_Parser)
    lists_import = lists_sub.add_parser("import", help="import a Consolidated Screening List "
                                        "(CSV or JSON) or a custom watch-list CSV")
    lists_import.add_argument("file", type=Path)
    lists_import.add_argument("--name", help="list name (a later import replaces it)")
    lists_import.add_argument("--date", type=_date, help="the list's own publication date")
    lists_sub.add_parser("info", help="the active lists")
    lists_remove = lists_sub.add_parser("remove", help="stop screening against a list (it "
                                        "stays recorded for the runs that used it)")
    lists_remove.add_argument("name", help="the list's name as `lists info` shows it")
    false_positive = lists_sub.add_parser("false-positive", help="record that a party is not "
                                          "a list entry (until the entry changes)")
    false_positive.add_argument("party", help="the party name as it appears in the shipment")
    false_positive.add_argument("entry", help="list entry key, e.g. ENTITY_LIST:90001")
    false_positive.add_argument("--reason", required=True)
    false_positive.add_argument("--reviewer", help="default: the OS user")
    false_positive.add_argument("--run", type=int, help="the run where the match was seen")
    false_positive.add_argument("--row", type=int, help="the line where the match was seen")

    gui = sub.add_parser("gui", help="open the desktop app")
    gui.add_argument("file", nargs="?", help="a spreadsheet to open")
    gui.add_argument("--sample", action="store_true",
                     help="screen the bundled sample at once and show its results")

    runs = sub.add_parser("runs", help="recorded runs")
    runs_sub = runs.add_subparsers(dest="runs_command", required=True, parser_class=_Parser)
    listing = runs_sub.add_parser("list", help="list recent runs")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true", dest="as_json")
    rescreen = runs_sub.add_parser("rescreen", help="screen a run's stored input again under "
                                   "the current rules and show what changed")
    rescreen.add_argument("run_id", type=int)
    diff = runs_sub.add_parser("diff", help="line-by-line differences between two runs")
    diff.add_argument("before", type=int)
    diff.add_argument("after", type=int)
    show = runs_sub.add_parser("show", help="show one run")
    show.add_argument("run_id", type=int)
    show.add_argument("--json", action="store_true", dest="as_json",
                      help="print the run and its lines in the screen JSON format")
    return parser


_opened: list[Database] = []


def _open(url: str | None) -> Database:
    """Open the database for this command; main() closes it when the command ends."""
    db = open_database(url)
    _opened.append(db)
    return db


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    finally:
        while _opened:
            _opened.pop().dispose()


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    url = getattr(args, "sub_database_url", None) or args.database_url
    try:
        if args.version:
            return _version(url)
        if args.command is None:
            build_parser().print_help()
            return EXIT_FAILED
        handler = {"screen": _screen, "rules": _rules, "db": _db, "runs": _runs,
                   "profiles": _profiles, "review": _review, "report": _report,
                   "verify": _verify, "gui": _gui, "lists": _lists,
                   "keys": _keys}[args.command]
        return handler(args, url)
    except (IngestError, DatabaseError, UsageError, RuleFileError, ReviewError, ExportError,
            ReportUnreadable, SigningError) as exc:
        print(f"hkscreen: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except Cancelled:
        print("hkscreen: cancelled", file=sys.stderr)
        return EXIT_FAILED
    except RunAbandoned as exc:
        print(f"hkscreen: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("hkscreen: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:  # read-only or full disk, permissions: one line, with the path
        print(f"hkscreen: {os_error_message(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except SQLAlchemyError as exc:
        print(f"hkscreen: database error: {first_line(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:
        if os.environ.get("HKSCREEN_DEBUG"):
            raise
        print(f"hkscreen: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _version(url: str | None) -> int:
    try:
        db = _open(url)
        from screening.rules.store import current_meta
        with db.sessions() as session:
            meta = current_meta(session)
        rules = meta.version if meta else "none"
    except DatabaseError as exc:
        rules = f"unavailable ({exc})"
    print(f"hkscreen {__version__}\nrules {rules}")
    return EXIT_CLEAR


def _same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file (links and ``..`` included), existing or not."""
    if one.resolve() == other.resolve():
        return True
    try:
        return one.exists() and other.exists() and os.path.samefile(one, other)
    except OSError:
        return False


def _refuse_overwriting(source: Path, targets: list[Path]) -> None:
    """Refuse an output path that is the input itself, or another output's (s22 review: a
    --report or --json naming the input replaced the user's spreadsheet with the report)."""
    seen: list[Path] = []
    for target in targets:
        if _same_file(target, source):
            raise UsageError(f"{target}: that is the file being screened; write the "
                             f"{'JSON' if target.suffix.lower() == '.json' else 'report'} "
                             f"to another path (the input is never overwritten)")
        if any(_same_file(target, other) for other in seen):
            raise UsageError(f"{target}: given twice as an output; give each output a path "
                             f"of its own")
        seen.append(target)


def _screen(args: argparse.Namespace, url: str | None) -> int:
    _refuse_overwriting(args.input, [*([args.json_out] if args.json_out else []),
                                     *(args.report or [])])
    if args.report:  # the report writers are imported only when a report is asked for
        from screening.reports.writer import report_format

        for target in args.report:
            report_format(target)  # refuse an unknown report suffix before screening
    db = _open(url)
    _refuse_protected(db, [*([args.json_out] if args.json_out else []), *(args.report or [])])
    try:
        mapping, profile = resolve_mapping(db, args.mapping)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    options = ScreenOptions(sheet=args.sheet, mapping=mapping, mapping_profile=profile,
                            date_order=DateOrder(args.date_order) if args.date_order else None,
                            as_of=args.as_of, json_out=args.json_out,
                            party_strong=args.party_strong, party_weak=args.party_weak,
                            list_max_age_days=args.list_max_age)
    last = [0.0]

    def progress(p: Progress) -> None:
        now = time.monotonic()
        if not args.quiet and now - last[0] > 1.0:
            last[0] = now
            print(f"\r  {p.lines:,} lines screened ({p.rate:,.0f} lines/s)", end="",
                  file=sys.stderr, flush=True)

    prerender = _prerender(db, args.input, args.report)
    try:
        result = run_screening(db, args.input, options, progress=progress,
                               on_created=prerender.follow if prerender else None,
                               beside_helper=prerender is not None)
        return _screened(db, args, result, last[0] > 0, prerender)
    finally:
        if prerender is not None:
            prerender.close()


def _prerender(db: Database, path: Path, targets: list[Path]) -> Prerender | None:
    """The helper rendering an XLSX report's rows while the run screens (big inputs only),
    or None."""
    if not targets:
        return None  # nothing of the report writers is imported without a report
    from screening.reports.writer import report_format
    if not any(report_format(t) == "xlsx" for t in targets):
        return None
    from screening.reports import prerender
    try:
        if not prerender.suitable(db.shareable, path.stat().st_size):
            return None
        return prerender.Prerender(db.url)
    except OSError:  # no such input (the run says so): no helper
        return None


def _warn_bundled_rules(db: Database) -> None:
    """Warn when this version's bundled rules are not the rules in use and were not loaded
    over them (``rules.store.bundled_rules_note``); the rule tables' definitions are loaded
    only then (they cost a start 50 ms)."""
    from screening.db import bundled_rules_outdated
    with db.sessions() as session:
        if not bundled_rules_outdated(session):
            return
        from screening.rules.store import bundled_rules_note
        if (note := bundled_rules_note(session)) is not None:
            print(f"hkscreen: warning: {note}", file=sys.stderr)


def _screened(db: Database, args: argparse.Namespace, result: RunResult, progressed: bool,
              prerender: Prerender | None) -> int:
    if progressed:
        print(file=sys.stderr)
    run = result.run
    for warning in run.party_warnings:  # no list, or a stale one: never silent
        print(f"hkscreen: warning: {warning}", file=sys.stderr)
    _warn_bundled_rules(db)
    _print_summary(run)
    if not args.quiet:
        with db.sessions() as session:
            _print_flagged(session, run.id)
    if result.json_path:
        print(f"JSON written to {result.json_path}")
    if args.report:
        _write_reports(db, run.id, args.report, prerender, run, quiet=args.quiet)
    return EXIT_CLEAR if run.counts.get(Verdict.CLEAR.value, 0) == run.line_count \
        else EXIT_ATTENTION


def _write_reports(db: Database, run_id: int, targets: list[Path],
                   prerender: Prerender | None = None,
                   run: run_store.RunInfo | None = None, quiet: bool = True) -> None:
    from screening.reports import write_report
    from screening.reports.writer import report_format
    for target in targets:
        report_format(target)  # refuse an unknown suffix before any work
    for target in targets:
        rendered = None
        if prerender is not None and report_format(target) == "xlsx":
            # The first XLSX report's rows, rendered while the run screened: asked for
            # once the report has read the rest (which overlaps their last rows).
            rendered = functools.partial(
                prerender.result, run is not None and run.status == "complete",
                waiting=None if quiet else lambda: print(
                    "  finishing the XLSX report's rows, rendered while the run screened ...",
                    file=sys.stderr, flush=True))
            prerender = None
        result = write_report(db, run_id, target, generated_by=current_user(),
                              rendered=rendered)
        # A CSV or JSON report carries no signature of its own: this database recorded the
        # signature of its digest (s33 auditor's review: "signed" said otherwise).
        signed = "signed" if report_format(target) in ("xlsx", "pdf") else \
            "its signature recorded in this database"
        extra = f" (digest {result.digest}, {signed})" if result.digest else ""
        print(f"report written to {result.path}{extra}")


def _refuse_protected(db: Database, targets: list[Path]) -> None:
    """Refuse an output onto the database's own files, into the folder of input copies, or
    onto a file some run screened (s22 review: ``--json`` onto the SQLite file wiped the
    audit database; onto an earlier run's input replaced it)."""
    from sqlalchemy.engine import make_url

    from screening.paths import data_dir

    database = make_url(db.url).database if db.backend == "sqlite" else None
    kept = [Path(database + end) for end in ("", "-wal", "-shm", "-journal")] \
        if database else []
    inputs = data_dir() / "inputs"
    for target in targets:
        if any(_same_file(target, k) for k in kept):
            raise UsageError(f"{target}: that is the hkscreen database; write the output to "
                             f"another path")
        if target.resolve().is_relative_to(inputs.resolve()):
            raise UsageError(f"{target}: that is in the folder of screened files' copies "
                             f"({inputs}); write the output to another path")
        if (screened := _screened_file(db, target)) is not None:
            raise UsageError(f"{target}: that file is the input of run {screened} (the same "
                             f"content); write the output to another path (a screened file "
                             f"is never overwritten)")


def _screened_file(db: Database, target: Path) -> int | None:
    """The id of a run whose input is the file now at ``target`` (same content), if any."""
    from sqlalchemy import select

    from screening.ingest.content import file_sha256
    from screening.store.schema import Run

    if not target.is_file():
        return None
    with db.sessions() as session:
        # Hashed only if some run's input had its size (yesterday's 1 GB --json output,
        # written over, is no input: not read again).
        size = target.stat().st_size
        if session.scalar(select(Run.id).where(Run.input_size == size).limit(1)) is None:
            return None
        return session.scalar(select(Run.id).where(Run.input_sha256 == file_sha256(target))
                              .order_by(Run.id).limit(1))


def _report(args: argparse.Namespace, url: str | None) -> int:
    db = _open(url)
    with db.sessions() as session:
        if run_store.get_run(session, args.run_id) is None:
            raise UsageError(f"no run with id {args.run_id}")
    _refuse_protected(db, list(args.out))
    _write_reports(db, args.run_id, args.out)
    return EXIT_CLEAR


def _verify(args: argparse.Namespace, url: str | None) -> int:
    from screening.reports.verify import verify_report

    if not args.report.exists():
        raise UsageError(f"{args.report}: file not found")
    if args.input is not None and not args.input.exists():
        raise UsageError(f"{args.input}: file not found")
    public_keys = None
    if args.public_key is not None:
        from screening.signing import load_public_keys
        public_keys = load_public_keys(args.public_key)
    db = None
    if args.public_key is None or url or os.environ.get("HKSCREEN_DATABASE_URL"):
        try:
            db = _open(url)
        except DatabaseError as exc:
            print(f"hkscreen: note: {exc}; the checks that need it cannot be made",
                  file=sys.stderr)
    result = verify_report(args.report, args.input, db, public_keys)
    print(f"Verifying {args.report}")
    for check in result.checks:
        print(f"  {check.status.value:<9} {check.name}: {check.detail}")
    print(f"Result: {result.conclusion}")
    return result.exit_code


def _keys(args: argparse.Namespace, url: str | None) -> int:
    from screening.signing import database_keys, public_keys_pem

    db = _open(url)
    with db.sessions() as session:
        keys = database_keys(session)
    if args.keys_command == "list":
        if not keys:
            print("no signing key yet (one is made when the first report is written)")
        for fp in keys:
            print(fp)
        return EXIT_CLEAR
    if not keys:
        raise UsageError("this database has no signing key yet: write a report first")
    args.file.write_text(public_keys_pem(list(keys.values())), encoding="ascii")
    print(f"{len(keys)} public key(s) written to {args.file}")
    return EXIT_CLEAR


def _lists(args: argparse.Namespace, url: str | None) -> int:
    from screening.parties import PartyListError
    from screening.store import parties as party_store

    db = _open(url)
    if args.lists_command == "info":
        with db.sessions() as session:
            lists = party_store.active_lists(session)
        if not lists:
            print("no screening lists imported (hkscreen lists import FILE)")
        for item in lists:
            print(f"{item.name}: {item.entry_count:,} entries from {item.file_name} "
                  f"({item.format}, list date {item.list_date or 'not given'}, sha256 "
                  f"{item.file_sha256[:16]}..., imported {item.imported_at:%Y-%m-%d %H:%M}"
                  f"{', bundled with hkscreen' if item.origin == 'bundled' else ''})")
            for source, count in item.source_counts.items():
                print(f"  {count:>7,}  {source}")
        return EXIT_CLEAR
    if args.lists_command == "remove":
        with db.sessions.begin() as session:
            removed = party_store.remove_list(session, args.name)
        if not removed:
            raise UsageError(f"no active list named {args.name!r} (see hkscreen lists info)")
        print(f"list {args.name!r} removed: runs from now on say which lists remain, or that "
              f"party screening was not performed")
        return EXIT_CLEAR
    if args.lists_command == "false-positive":
        try:
            with db.sessions.begin() as session:
                party_store.mark_false_positive(
                    session, args.party, args.entry, reason=args.reason,
                    reviewer=args.reviewer or current_user(), run_id=args.run, row=args.row)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        print(f"recorded: {args.party!r} is not {args.entry}")
        return EXIT_CLEAR
    try:
        with db.sessions.begin() as session:
            info = party_store.import_list(session, args.file, name=args.name,
                                          list_date=args.date, user=current_user())
    except PartyListError as exc:
        raise UsageError(f"list not imported:\n{exc}") from None
    print(f"imported {info.entry_count:,} entries as list {info.name!r} ({info.format})")
    return EXIT_CLEAR


def _gui(args: argparse.Namespace, url: str | None) -> int:
    # Reached only through `python -m screening.cli gui`: the `hkscreen` script hands `gui`
    # to ui.entry before this parser runs, so the core never imports the desktop app.
    raise UsageError("start the desktop app with `hkscreen gui` or `hkscreen-gui`")


def _print_summary(run: run_store.RunInfo) -> None:
    sheet = f", sheet {run.sheet!r}" if run.sheet else ""
    print(f"Run {run.id}: {run.input_name}{sheet}: {run.line_count:,} lines "
          f"(sha256 {run.input_sha256[:16]}...)")
    print(f"Rules version {run.rules_version[:16]}...  app {run.app_version}  "
          f"as of {run.as_of or 'each line export date'}")
    if run.party_check.get("statement"):
        print(run.party_check["statement"])
    if run.unmapped_columns:  # a party or country under a header hkscreen does not know
        print(f"Columns not read (no field mapped; map them with --mapping if they hold a "
              f"party or a destination): {run.unmapped_text(8)}")
    for verdict in VERDICT_ORDER:
        count = run.counts.get(verdict.value, 0)
        extra = (f"   newly licensable because of the Hong Kong change: {run.newly_licensable:,}"
                 if verdict is Verdict.LICENSE_REQUIRED else "")
        if verdict is Verdict.CLEAR and run.clear_on_unverified:
            extra = f"   CLEAR on unverified data: {run.clear_on_unverified:,}"
        print(f"  {verdict.value:<17}{count:>9,}{extra}")
    if run.blank_rows:
        print(f"  ({run.blank_rows} entirely blank rows skipped)")


def _print_flagged(session, run_id: int, limit: int = 25,  # type: ignore[no-untyped-def]
                   rest: str = "see the JSON or `hkscreen runs show` for all") -> None:
    # One more than shown: whether there are more to point to.
    lines = run_store.flagged_lines(session, run_id, limit + 1)
    if lines:
        print("Lines needing attention:")
    for shown, line in enumerate(lines):
        if shown == limit:
            print(f"  ... ({rest})")
            break
        where = line.destination or "?"
        if line.licensing_destination and line.licensing_destination != line.destination:
            where += f"->{line.licensing_destination}"
        main_finding = next((f for f in line.findings if f.verdict is line.verdict),
                            line.findings[0] if line.findings else None)
        text = main_finding.to_json()["message"] if main_finding else ""
        print(f"  row {line.row:<6} {line.line_id[:14]:<14} {line.verdict.value:<16} "
              f"{where:<6} {shorten(text, 110)}")


def shorten(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, cut at a word with an ellipsis. A closing
    bracketed note ("... licence required. [GBS claimed]") is kept: it can turn the meaning
    of what precedes it."""
    if len(text) <= width:
        return text
    note = text[text.rindex(" ["):] if text.endswith("]") and " [" in text else ""
    if note and len(note) < width // 2:
        return shorten(text[: -len(note)], width - len(note)) + note
    cut = text[: width - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def _rules(args: argparse.Namespace, url: str | None) -> int:
    from screening.rules.store import current_meta, import_rules, read_tables

    db = _open(url)
    if args.rules_command == "info":
        with db.sessions() as session:
            meta = current_meta(session)
            tables = read_tables(session)
        assert meta is not None
        print(f"rules version {meta.version}")
        print(f"loaded {meta.loaded_at:%Y-%m-%d %H:%M} by {meta.loaded_by} ({meta.source})")
        from screening.rules.store import bundled_rules_note
        with db.sessions() as session:
            if (note := bundled_rules_note(session)) is not None:
                print(f"note: {note}")
        for name, rows in tables.items():
            unverified = sum(1 for r in rows if r.get("verification") in
                             ("PARTIAL", "INFERRED", "UNVERIFIED"))
            note = f" ({unverified} not fully verified)" if unverified else ""
            print(f"  {name:<28}{len(rows):>6} rows{note}")
        citations = sorted({part.strip() for rows in tables.values() for r in rows
                            for part in str(r.get("citation", "")).split(";") if part.strip()})
        print(f"sources: {len(citations)} distinct citations, e.g.")
        for citation in [c for c in citations if " FR " in c][:12]:
            print(f"  {citation}")
        print("regime changes:")
        for row in sorted(tables["regime_changes.csv"], key=lambda r: r["effective"]):
            print(f"  {row['effective']}  {row['citation']:<38} {row['title']}")
        return EXIT_CLEAR
    if args.rules_command in ("get", "set", "log", "add", "remove"):
        return _rule_edit(args, db)
    if args.rules_command == "update-ccl":
        return _update_ccl(args, db)
    if args.rules_command == "export":
        from screening.rules.store import write_bundle
        with db.sessions() as session:
            manifest = write_bundle(read_tables(session), args.directory,
                                    author=current_user(), note=args.note)
        print(f"rules exported to {args.directory} (version {manifest['rules_version']})")
        return EXIT_CLEAR
    with db.sessions.begin() as session:
        version = import_rules(session, args.directory, reason=args.reason,
                               citation=args.citation, changed_by=current_user())
    print(f"rules imported from {args.directory}: version {version}")
    return EXIT_CLEAR


def _update_ccl(args: argparse.Namespace, db: Database) -> int:
    from screening.rules.ccl_edition import ccl_citation, edition_date_from
    from screening.rules.ccl_update import apply_update, plan_update

    edition = args.edition or edition_date_from(args.directory)
    if not edition:
        raise UsageError(f"{args.directory}: no edition date in README.md; give --edition "
                         f"YYYY-MM-DD")
    with db.sessions.begin() as session:
        plan = plan_update(session, args.directory, edition, args.groups_edition)
        lines = plan.diff.lines()
        print(f"Control List edition {edition}: {len(lines)} difference(s)")
        for line in lines:
            print(f"  {line}")
        if args.dry_run or not lines:
            print("nothing applied" if args.dry_run else "the rules already match it")
            return EXIT_CLEAR
        change = apply_update(
            session, plan, changed_by=current_user(),
            reason=args.reason or f"Control List updated to the eCFR edition of {edition}",
            citation=args.citation or ccl_citation(edition))
    print(f"applied as change {change.id}; rules version {change.version_before[:12]}... -> "
          f"{change.version_after[:12]}... (runs already made keep their version)")
    return EXIT_CLEAR


def _rule_edit(args: argparse.Namespace, db: Database) -> int:
    from screening.rules.edit import (
        RuleEditError,
        add_rule_row,
        change_log,
        get_rule_value,
        parse_key,
        remove_rule_row,
        set_rule_value,
    )
    try:
        if args.rules_command == "get":
            with db.sessions() as session:
                print(get_rule_value(session, args.file, parse_key(args.key), args.column))
            return EXIT_CLEAR
        if args.rules_command == "log":
            with db.sessions() as session:
                for c in change_log(session):
                    print(f"{c.changed_at:%Y-%m-%d %H:%M} {c.changed_by}: {c.rule_file} "
                          f"{c.row_key} {c.column}: {c.old_value!r} -> {c.new_value!r} "
                          f"({c.reason}; {c.citation}) version {c.version_after[:12]}")
            return EXIT_CLEAR
        with db.sessions.begin() as session:
            if args.rules_command == "add":
                change = add_rule_row(session, args.file, parse_key(args.values),
                                      reason=args.reason, citation=args.citation,
                                      changed_by=current_user())
            elif args.rules_command == "remove":
                change = remove_rule_row(session, args.file, parse_key(args.key),
                                         reason=args.reason, citation=args.citation,
                                         changed_by=current_user())
            else:
                change = set_rule_value(session, args.file, parse_key(args.key), args.column,
                                        args.value, expected=args.expect, reason=args.reason,
                                        citation=args.citation, changed_by=current_user())
    except RuleEditError as exc:
        raise UsageError(str(exc)) from None
    print(f"changed {change.rule_file} {change.row_key} {change.column}: "
          f"{change.old_value!r} -> {change.new_value!r}; rules version "
          f"{change.version_after[:16]}...")
    return EXIT_CLEAR


def _db(args: argparse.Namespace, url: str | None) -> int:
    db = _open(url)  # opening applies migrations
    if args.db_command == "backup":
        from screening.db import backup_sqlite
        pages = backup_sqlite(db, args.file)
        print(f"database backed up to {args.file} ({pages} pages)")
        return EXIT_CLEAR
    current, head = schema_revision(db.engine)
    print(f"database {db.engine.url.render_as_string(hide_password=True)} ({db.backend})")
    print(f"schema revision {current} (code head {head})")
    return EXIT_CLEAR if current == head else EXIT_FAILED


def _profiles(args: argparse.Namespace, url: str | None) -> int:
    from screening.ingest.columns import header_signature
    from screening.ingest.pipeline import MappingSpec
    from screening.service import prepare
    from screening.store.profiles import profile_names, save_profile

    db = _open(url)
    if args.profiles_command == "list":
        with db.sessions() as session:
            for name in profile_names(session):
                print(name)
        return EXIT_CLEAR
    try:
        spec = MappingSpec.from_file(args.mapping)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    signature = ""
    if args.sample:
        prepared, _ = prepare(db, args.sample, ScreenOptions(mapping=spec))
        signature = header_signature(prepared.mapping.headers)
    with db.sessions.begin() as session:
        save_profile(session, args.name, spec, signature, current_user())
    print(f"profile {args.name!r} saved")
    return EXIT_CLEAR


def _parse_rows(text: str) -> list[int]:
    """The rows of "12,15,30-40", each once; a range backwards ("3-2"), or none at all, is
    refused (s22 review: "3-2" recorded nothing, exit 0; "2,2,2" three reviews)."""
    rows: list[int] = []
    try:
        for part in text.split(","):
            if "-" in part:
                start, end = (int(x) for x in part.split("-", 1))
                if end < start:
                    raise UsageError(f"rows {text!r}: the range {part.strip()!r} runs "
                                     f"backwards; write it {end}-{start}")
                rows.extend(range(start, end + 1))
            elif part.strip():
                rows.append(int(part))
    except ValueError:
        raise UsageError(f"rows {text!r}: use numbers such as 12 or 12,15,30-40") from None
    if not rows:
        raise UsageError(f"rows {text!r}: no row given; use numbers such as 12 or 12,15,30-40")
    return list(dict.fromkeys(rows))


def _review(args: argparse.Namespace, url: str | None) -> int:
    db = _open(url)
    rows = _parse_rows(args.rows)
    with db.sessions.begin() as session:
        if run_store.get_run(session, args.run_id) is None:
            raise UsageError(f"no run with id {args.run_id}")
        ids = add_reviews(session, args.run_id, rows, Disposition(args.disposition),
                          reason=args.reason, license_number=args.license_number,
                          license_exception=args.license_exception,
                          reviewer=args.reviewer or current_user(),
                          override_reason=args.override_reason)
    print(f"{len(ids)} review(s) recorded on run {args.run_id}")
    return EXIT_CLEAR


def _print_diff(db: Database, before: int, after: int) -> int:
    from screening.service import diff_runs

    changes = diff_runs(db, before, after)
    print(f"{len(changes)} line(s) differ between run {before} and run {after}")
    for c in changes:
        extra = "".join([f" +{','.join(c.added)}" if c.added else "",
                         f" -{','.join(c.removed)}" if c.removed else ""])
        print(f"  row {c.row:<6} {c.line_id[:14]:<14} {c.before} -> {c.after}{extra}")
    return EXIT_CLEAR if not changes else EXIT_ATTENTION


def _runs(args: argparse.Namespace, url: str | None) -> int:
    db = _open(url)
    if args.runs_command == "diff":
        return _print_diff(db, args.before, args.after)
    if args.runs_command == "rescreen":
        from screening.service import rescreen_options
        with db.sessions() as session:
            old = run_store.get_run(session, args.run_id)
        if old is None:
            raise UsageError(f"no run with id {args.run_id}")
        try:
            path, options = rescreen_options(old)
        except FileNotFoundError as exc:
            raise UsageError(str(exc)) from None
        new = run_screening(db, path, options).run
        print(f"run {old.id} (rules {old.rules_version[:12]}...) screened again as run "
              f"{new.id} (rules {new.rules_version[:12]}...)")
        return _print_diff(db, old.id, new.id)
    with db.sessions() as session:
        if args.runs_command == "list":
            runs = run_store.list_runs(session, args.limit)
            if args.as_json:
                print(json.dumps([r.to_json() for r in runs], indent=1))
                return EXIT_CLEAR
            print(f"{'id':>5}  {'started (UTC)':<17} {'status':<10} {'lines':>8} "
                  f"{'attention':>9}  input")
            for r in runs:
                attention = r.line_count - r.counts.get("CLEAR", 0)
                started = r.started_at.astimezone(dt.UTC) if r.started_at.tzinfo else \
                    r.started_at
                print(f"{r.id:>5}  {started:%Y-%m-%d %H:%M} {r.status:<10} "
                      f"{r.line_count:>8,} {attention:>9,}  {r.input_name}")
            return EXIT_CLEAR
        run = run_store.get_run(session, args.run_id)
        if run is None:
            raise UsageError(f"no run with id {args.run_id}")
        altered = run_store.altered_lines(run, run_store.stored_counts(session, run.id))
        if altered is not None:  # never shown as if it were the record
            print(f"hkscreen: warning: {altered}", file=sys.stderr)
        if args.as_json:
            out = sys.stdout
            out.write('{"run": ' + json.dumps(run.to_json(), ensure_ascii=False) + ', "lines": [')
            for i, line in enumerate(run_store.iter_lines(session, run.id)):
                out.write(("," if i else "") + json.dumps(line.to_json(), ensure_ascii=False))
            out.write("]}\n")
            return EXIT_CLEAR
        _print_summary(run)
        started = run.started_at.astimezone(dt.UTC) if run.started_at.tzinfo else \
            run.started_at
        print(f"Status {run.status}; started {started:%Y-%m-%d %H:%M:%S} UTC by {run.user} "
              f"on {run.host}; mapping {run.mapping}")
        _print_flagged(session, run.id, limit=1000, rest=(
            f"the first 1,000 shown: `hkscreen report {run.id} --out lines.csv` lists all"))
    return EXIT_CLEAR


if __name__ == "__main__":
    raise SystemExit(main())
