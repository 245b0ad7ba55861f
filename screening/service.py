"""Screening a file end to end: hash and keep the input, read, screen, store, write JSON.

A plain callable with progress and cooperative cancel, so the CLI and the GUI's worker thread
run exactly the same code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import logging
import os
import queue
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import text

from screening import __version__
from screening.affiliates import load_affiliate_rules
from screening.background import Background
from screening.db import Database, DatabaseError
from screening.drop_behind import DropBehind, write_behind
from screening.engine import outside_supp2
from screening.ingest.columns import OWNER_FIELDS, ColumnMapping, Field, extra_party_columns
from screening.ingest.content import Content, read_content
from screening.ingest.errors import IngestError
from screening.ingest.pipeline import MappingSpec, PreparedInput, prepare_input
from screening.ingest.readers import check_regular_file, sniff_kind, warm_xlsx
from screening.json_output import JsonOutput
from screening.model import Verdict
from screening.normalize import DateOrder
from screening.parties import STRONG, WEAK, import_numpy_meanwhile
from screening.party_screen import PartyScreen, lists_findings
from screening.paths import data_dir
from screening.recovery import temp_file
from screening.row_screen import BatchTally, RowScreener
from screening.rules.ruleset import RuleSet, load_ruleset
from screening.runtime import current_user, cyclic_gc_paused, quick_lock_handover
from screening.store import parties as party_store
from screening.store import runs as run_store
from screening.store import store_process
from screening.store.line_cells import batch_cells
from screening.store.line_writer import LineWriter
from screening.store.profiles import load_profile

#: Rows stored per transaction (a killed run keeps whole batches).
BATCH = 5000
#: Rows read and screened at a time: what one part holds then stays in the processor's
#: cache (a million-line run screened in parts of 5000 took a second longer).
SCREEN_PART = 2500
#: Inputs at least this big import numpy on a thread at their start (a few thousand lines
#: hold enough distinct party names for ``PartyIndex.prefetch`` to score them together).
NUMPY_MIN_BYTES = 1 << 20
log = logging.getLogger(__name__)


class Cancelled(Exception):
    """The user cancelled; the run is recorded as cancelled, never as complete."""


@dataclass(frozen=True)
class Progress:
    lines: int  # lines screened and stored
    elapsed: float
    fraction: float | None = None  # share of the input read (0..1), None if unknown

    @property
    def rate(self) -> float:
        return self.lines / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(frozen=True)
class ScreenOptions:
    sheet: str | None = None
    mapping: MappingSpec | None = None
    mapping_profile: str = ""
    date_order: DateOrder | None = None
    as_of: dt.date | None = None
    json_out: Path | None = None
    header_row: int | None = None
    input_name: str | None = None  # shown name when screening a stored copy
    party_strong: float | None = None  # restricted-party score thresholds (0-100)
    party_weak: float | None = None
    list_max_age_days: int | None = None  # older lists are a warning on the run (default 30)


@dataclass(frozen=True)
class RunResult:
    run: run_store.RunInfo
    json_path: Path | None



def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in _chunks(handle):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _chunks(handle: BinaryIO, stopped: threading.Event | None = None,
            name: object = "") -> Iterator[bytes]:
    """The file's bytes a chunk at a time; raises CopyStopped (naming ``name``) once
    ``stopped`` is set."""
    while chunk := handle.read(_COPY_CHUNK):
        if stopped is not None and stopped.is_set():
            raise CopyStopped(str(name))
        yield chunk


def input_copy_path(path: Path, sha256: str) -> Path:
    return data_dir() / "inputs" / sha256[:2] / f"{sha256}{path.suffix.lower()}"


def keep_input_copy(path: Path, sha256: str) -> Path:
    """Content-addressed copy in the data directory so a run can be reproduced later. The
    copy is checked against ``sha256`` before it is moved into place."""
    return InputCopy(path, sha256).make()


def _write_checked(data: bytes, target: Path, sha256: str, stopped: threading.Event) -> str:
    """Write ``data`` over ``target`` a chunk at a time; the SHA-256 of what was written."""
    digest = hashlib.sha256()
    view = memoryview(data)
    with target.open("wb") as writing:
        behind = DropBehind(writing.fileno())  # (kept for later runs, not read back now)
        for start in range(0, len(view), _COPY_CHUNK):
            if stopped.is_set():
                raise CopyStopped(str(target))
            chunk = view[start:start + _COPY_CHUNK]
            digest.update(chunk)
            write_behind(writing, chunk, behind)
    return digest.hexdigest()


class InputCopy:
    """``keep_input_copy`` in two steps: its folder and temporary file made at once (a data
    directory that cannot take them fails a run before a row is read), the copying itself
    by ``make``, which ``stop`` ends early (a run interrupted or failed does not wait for
    the copy of a big file). The bytes are hashed as they are copied. A copy already kept
    (the same file screened before) is hashed again before it is relied on, and written
    afresh if it is not the input's bytes. ``content``: the bytes the run read (a
    workbook), written as they are instead of copying the file again."""

    def __init__(self, path: Path, sha256: str, content: Content | None = None):
        self.path, self.sha256, self.content = path, sha256, content
        self.target = input_copy_path(path, sha256)
        self._stopped = threading.Event()
        self._tmp: Path | None = None
        if not self.target.exists():
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self._tmp = temp_file(".copy.part")

    def stop(self) -> None:
        self._stopped.set()

    def make(self) -> Path:
        """The copy, in place; raises IngestError if the file changed, OSError if it could
        not be written, CopyStopped if stopped."""
        if self._tmp is None:
            if hash_file(self.target, self._stopped) == self.sha256:
                return self.target
            self._tmp = temp_file(".copy.part")  # the kept copy was damaged or altered
        try:
            if self.content is not None:
                written = _write_checked(self.content.data, self._tmp, self.sha256,
                                         self._stopped)
            else:
                written = copy_hashing(self.path, self._tmp, self._stopped)
            if written != self.sha256:
                raise IngestError(str(self.path), "the file changed while it was being "
                                  "copied; screen it again once it is saved")
            os.replace(self._tmp, self.target)
        finally:
            self._tmp.unlink(missing_ok=True)
        return self.target


def hash_file(path: Path, stopped: threading.Event) -> str:
    """The SHA-256 of ``path`` (empty if it cannot be read). Raises CopyStopped once
    ``stopped`` is set."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as reading:
            for chunk in _chunks(reading, stopped, path):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def copy_hashing(source: Path, target: Path, stopped: threading.Event) -> str:
    """Copy ``source`` over ``target`` a chunk at a time, hashing it on the way; the SHA-256
    of what was copied. Raises CopyStopped once ``stopped`` is set."""
    digest = hashlib.sha256()
    with source.open("rb") as reading, target.open("wb") as writing:
        behind = DropBehind(writing.fileno())  # (kept for later runs, not read back now)
        for chunk in _chunks(reading, stopped, source):
            digest.update(chunk)
            write_behind(writing, chunk, behind)
    return digest.hexdigest()


class CopyStopped(Exception):
    """The input copy was stopped (its run ended first)."""


_COPY_CHUNK = 4 * 1024 * 1024


class RunAbandoned(Exception):
    """The run was declared interrupted by another start while this process still ran."""


def resolve_mapping(db: Database, text: str | None) -> tuple[MappingSpec | None, str]:
    """``--mapping`` is a JSON file path or a saved profile name; ValueError if neither."""
    if not text:
        return None, ""
    path = Path(text)
    if path.suffix.lower() == ".json" or path.exists():
        return MappingSpec.from_file(path), ""
    with db.sessions() as session:
        spec = load_profile(session, text)
    if spec is None:
        raise ValueError(f"--mapping {text!r} is neither a JSON file nor a saved profile")
    return spec, text


def rescreen_options(run: run_store.RunInfo) -> tuple[Path, ScreenOptions]:
    """The stored input copy and the options that reproduce ``run``'s reading of it."""
    copy = Path(run.input_copy)
    if not copy.exists():
        raise FileNotFoundError(f"the stored copy of {run.input_name} ({copy}) is missing")
    found = hash_file(copy, threading.Event())
    if found != run.input_sha256:
        raise StoredCopyChanged(
            f"the stored copy of {run.input_name} ({copy}) is not run {run.id}'s input: its "
            f"SHA-256 is {found or 'unreadable'}, the run's input was {run.input_sha256}. It "
            f"was changed or damaged after the run; screen the original file instead")
    mapping = MappingSpec(dict(run.mapping),
                          DateOrder(run.date_order) if run.date_order else None,
                          run.sheet or None, f"run {run.id}")
    return copy, ScreenOptions(sheet=run.sheet or None, mapping=mapping,
                               mapping_profile=run.mapping_profile,
                               date_order=mapping.date_order, as_of=run.as_of,
                               header_row=run.header_row, input_name=run.input_name)


#: The columns naming the parties the restricted-party check screens.
#: (Other parties -- purchaser, notify party -- are screened too, but a file naming only
#: those has not had its consignee or end user checked.)
PARTY_FIELDS = frozenset({Field.CONSIGNEE, Field.END_USER, *OWNER_FIELDS})


def maps_parties(mapping: ColumnMapping) -> bool:
    """Whether the input maps a column naming parties (without one, no line names any)."""
    return bool(PARTY_FIELDS & mapping.columns.keys())


class StoredCopyChanged(FileNotFoundError):
    """A run's stored input copy is there but is not the run's input (its hash differs):
    the run's input, as it was, is not found."""


@dataclass(frozen=True)
class LineChange:
    row: int
    line_id: str
    before: str
    after: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


def diff_runs(db: Database, before_id: int, after_id: int) -> list[LineChange]:
    """Line by line: verdicts and finding codes that differ between two runs of one input."""
    with db.sessions() as session:
        old = {ln.row: ln for ln in run_store.iter_lines(session, before_id)}
        changes = []
        for line in run_store.iter_lines(session, after_id):
            prev = old.get(line.row)
            codes = {f.code for f in line.findings}
            prev_codes = {f.code for f in prev.findings} if prev else set()
            before = prev.verdict.value if prev else "(no line)"
            if before != line.verdict.value or codes != prev_codes:
                changes.append(LineChange(line.row, line.line_id, before, line.verdict.value,
                                          tuple(sorted(codes - prev_codes)),
                                          tuple(sorted(prev_codes - codes))))
    return changes


def prepare(db: Database, path: Path, options: ScreenOptions,
            rules: RuleSet | None = None, content: Content | None = None
            ) -> tuple[PreparedInput, RuleSet]:
    if rules is None:
        with db.sessions() as session:
            rules = load_ruleset(session)
    codes = frozenset(rules.exceptions)
    prepared = prepare_input(path, aliases=rules.aliases, exception_codes=codes,
                             sheet=options.sheet, mapping=options.mapping,
                             date_order=options.date_order, as_of=options.as_of,
                             header_row=options.header_row, content=content)
    return prepared, rules


def run_screening(db: Database, path: Path, options: ScreenOptions, *,
                  progress: Callable[[Progress], None] | None = None,
                  cancelled: Callable[[], bool] | None = None,
                  rules: RuleSet | None = None,
                  on_created: Callable[[int], None] | None = None,
                  beside_helper: bool = False) -> RunResult:
    """Screen ``path`` and record the run (``beside_helper``: another process works for
    it meanwhile, see ``store_process.suitable``). Raises IngestError (file unusable: nothing
    recorded if found before reading the data, else the run is recorded as failed with the
    reason), Cancelled (run recorded as cancelled), OSError or DatabaseError.

    The rows screened come from the very bytes whose SHA-256 the run records: a workbook
    is read into memory once, hashed, and read from those bytes; a CSV file is hashed
    before reading and again as its rows are read, and a file whose two digests differ
    (it changed meanwhile) fails the run. Every data row read must come out as one line."""
    path = Path(path)
    check_regular_file(path)
    content = read_content(path) if sniff_kind(path) == "xlsx" else None
    sha256, size = (content.sha256, len(content.data)) if content is not None \
        else file_digest(path)
    if content is not None:
        # The sheet loads on a thread while the party index and the rules load here (or
        # already does: ``hkscreen screen BOOK.xlsx`` starts it while its modules import);
        # its rows are used only if they were read from bytes of this digest.
        warm_xlsx(path, options.sheet or (options.mapping.sheet if options.mapping else None),
                  content)
    with db.sessions() as session, cyclic_gc_paused():  # ~100k objects, none cyclic
        party_index, party_lists = party_store.load_index(
            session, strong=options.party_strong, weak=options.party_weak)
        suppressed = party_store.suppressed_pairs(session) if party_index else frozenset()
        affiliate_rules = load_affiliate_rules(session) if party_index else ()
    if party_index is not None and size >= NUMPY_MIN_BYTES:
        import_numpy_meanwhile()
    prepared, rules = prepare(db, path, options, rules, content)
    party_columns = maps_parties(prepared.mapping)
    check = party_store.party_check(
        party_lists, dt.datetime.now(dt.UTC).date(),
        max_age_days=party_store.max_list_age_days(options.list_max_age_days),
        strong=party_index.strong if party_index else options.party_strong or STRONG,
        weak=party_index.weak if party_index else options.party_weak or WEAK,
        party_columns=party_columns)
    # Party columns screened though no field is theirs ("Receiver" beside "Consignee"):
    # read, so no list of columns not read names them.
    extras = [prepared.mapping.headers[i] for i in extra_party_columns(prepared.mapping)]
    _record_further_parties(check, extras)
    parties = PartyScreen(party_index, suppressed, affiliate_rules,
                          party_columns=party_columns,
                          military_countries=rules.end_user_countries,
                          outside_supp2=outside_supp2(rules)) if party_index else None
    started = time.monotonic()
    copy = input_copy_path(path, sha256)
    now = dt.datetime.now(dt.UTC)
    with db.sessions.begin() as session:
        run_id = run_store.create_run(
            session, status="running", pid=os.getpid(), heartbeat_at=now,
            input_name=options.input_name or path.name,
            input_size=size,
            input_sha256=sha256, input_copy=str(copy), sheet=prepared.sheet,
            header_row=prepared.mapping.header_row,
            mapping_json=json.dumps(prepared.mapping.to_json(), ensure_ascii=False),
            headers_json=json.dumps(list(prepared.mapping.headers), ensure_ascii=False),
            mapping_profile=options.mapping_profile,
            date_order=prepared.date_order.value if prepared.date_order else "",
            as_of=options.as_of, app_version=__version__, rules_version=rules.version,
            user=current_user(), host=socket.gethostname(), database=db.backend,
            started_at=now,
            party_lists_json=party_store.lists_json(party_lists),
            party_check_json=json.dumps(check, ensure_ascii=False))
    if on_created is not None:
        on_created(run_id)  # recorded: its lines are committed from now on
    sets = run_store.FindingSets(run_id)
    screener = RowScreener(prepared, rules, parties, sets, run_id,
                           dates_as_text=db.backend == "sqlite",  # how SQLAlchemy stores them
                           every_line=lists_findings(party_lists, now.date(),
                                                     party_columns=party_columns))
    json_out: JsonOutput | None = None
    writer: LineWriter | None = None
    status, message = "failed", ""
    # The content-addressed copy is made beside the screening, and waited for before the
    # run is complete.
    input_copy: InputCopy | None = None
    copying: Background[Path] | None = None
    try:
        input_copy = InputCopy(path, sha256, content)
        copying = Background("hkscreen-input-copy", input_copy.make)
        if options.json_out:
            with db.sessions() as session:
                started_info = run_store.get_run(session, run_id)
            assert started_info is not None
            json_out = JsonOutput(options.json_out, _run_json(started_info))
        # Progress is reported on this thread (a GUI's worker, the CLI), as batches are stored.
        stored_events: queue.SimpleQueue[tuple[int, float | None]] = queue.SimpleQueue()

        def report_stored() -> None:
            while True:
                try:
                    lines, fraction = stored_events.get_nowait()
                except queue.Empty:
                    return
                if progress:
                    progress(Progress(lines, time.monotonic() - started, fraction))

        def stop_if_cancelled() -> None:  # on the writer's thread too: no batch stored after
            if cancelled and cancelled():
                raise Cancelled

        writer = LineWriter(db, run_id, json_out,
                            lambda lines, tag: stored_events.put((lines, tag)),
                            stop_if_cancelled,
                            process=store_process.suitable(
                                db.shareable, size, prepared.source.kind,
                                beside_helper=beside_helper))
        with cyclic_gc_paused(), quick_lock_handover():
            # BATCH rows read and screened a part at a time, then stored at once.
            part = min(SCREEN_PART, BATCH)
            parts = prepared.raw_batches(part)
            for first in parts:
                stop_if_cancelled()
                batch = [first, *itertools.islice(parts, max(1, BATCH // part) - 1)]
                del first
                lines, raws, tally = screen_parts(screener, batch)
                cells = batch_cells(run_store.batch_numbers(lines), raws)
                writer.put(sets.take_pending(), lines, cells, tally.counts, tally.newly,
                           prepared.fraction_read(batch[-1][-1][0]),
                           clear_unverified=tally.clear_unverified)
                # Freed before the next batch is read, which then takes the memory this one
                # held, still in the processor's cache: at a million lines a tenth of this
                # thread's time (bench_screening_thread, read 2.0 s to 1.3 s).
                del batch, lines, raws, cells
                report_stored()
        writer.close()
        report_stored()
        stop_if_cancelled()  # cancelled before the run is recorded complete
        prepared.check_complete(writer.stored)  # rows read against lines stored
        assert copying is not None
        copying.result()
        if prepared.source.content_sha256 != sha256:  # the bytes the rows came from
            raise IngestError(str(path), f"the file changed while it was being read (it was "
                              f"{size:,} bytes, SHA-256 {sha256[:16]}... when reading "
                              f"started); this run is marked failed. Screen it again once "
                              f"it is saved and closed")
        status = "complete"
    except Cancelled:
        status, message = "cancelled", "cancelled by the user after {} lines"
        raise
    except KeyboardInterrupt:
        status, message = "interrupted", "interrupted (Ctrl+C) after {} lines"
        raise
    except IngestError as exc:
        message = str(exc)
        raise
    except OSError as exc:
        message = f"{exc.strerror or exc} ({exc.filename or path})"
        raise
    except DatabaseError as exc:
        message = str(exc)
        raise
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        if writer is not None:
            writer.abandon()  # nothing left to do once closed; else stop before the end
        if copying is not None:
            if status != "complete" and input_copy is not None:
                input_copy.stop()  # not needed now: do not wait for the rest of it
            copying.wait()
        if status in ("cancelled", "interrupted"):  # batches in flight were stored by now
            message = message.format(_stored(writer))
        # What was stored: a run that did not complete counts the lines it kept.
        counts = {v.value: 0 for v in Verdict} | (writer.counts if writer else {})
        # A CSV row may hold more cells than its header names: the run's headers cover
        # them (unnamed), so its reports show every stored cell in a column.
        headers = list(prepared.mapping.headers)
        unnamed = [""] * (prepared.source.widest - len(headers))
        wider = {"headers_json": json.dumps(headers + unnamed, ensure_ascii=False)} \
            if unnamed else {}
        if status == "complete" and check["performed"] and not screener.named:
            # Party columns mapped, every cell of them empty: no name was checked.
            check = party_store.party_check(
                party_lists, dt.datetime.now(dt.UTC).date(),
                max_age_days=check["max_list_age_days"], strong=check["thresholds"]["strong"],
                weak=check["thresholds"]["weak"], party_columns=False, empty_columns=True)
            _record_further_parties(check, extras)
            wider["party_check_json"] = json.dumps(check, ensure_ascii=False)
        ended = _end_run(db, run_id, status=status, counts=counts, **wider,
                         line_count=_stored(writer), newly=writer.newly if writer else 0,
                         blank_rows=prepared.blank_rows, message=message)
        if json_out is not None and (status != "complete" or not ended):
            json_out.discard()
    if db.backend == "postgresql" and _stored(writer) >= ANALYZE_AFTER:
        _refresh_statistics(db)
    if not ended:
        raise RunAbandoned(f"run {run_id} was declared interrupted by another hkscreen while "
                           f"it was being written (no heartbeat for "
                           f"{run_store.STALE_AFTER}); screen the file again")
    with db.sessions() as session:
        # The lines stored were counted as they were screened: not read back (a second at
        # a million lines).
        info = run_store.get_run(session, run_id, clear_on_unverified=writer.clear_unverified
                                 if writer else None)
    assert info is not None
    json_path = json_out.finish(_run_json(info)) if json_out is not None else None
    return RunResult(info, json_path)


def screen_parts(screener: RowScreener, parts: list[list[tuple[int, list[Any]]]]
                 ) -> tuple[run_store.LineBatch, list[str], BatchTally]:
    """Screen the parts of a batch: its lines, their cells and tally as one."""
    if len(parts) == 1:
        return screener.screen(parts[0])
    lines: list[run_store.LineBatch] = []
    raws: list[str] = []
    counts: Counter[str] = Counter()
    newly = unverified = 0
    for part in parts:
        part_lines, part_raws, tally = screener.screen(part)
        lines.append(part_lines)
        raws += part_raws
        counts.update(tally.counts)
        newly += tally.newly
        unverified += tally.clear_unverified
    return run_store.joined_batches(lines), raws, BatchTally(dict(counts), newly, unverified)


def _record_further_parties(check: dict[str, Any], headers: list[str]) -> None:
    """The run's party check names the further party columns screened, if any."""
    if headers:
        check["other_party_columns"] = headers


def _end_run(db: Database, run_id: int, **fields: Any) -> bool:
    """Record the run's final state. If the database itself fails here, the run stays
    "running" and the next start marks it interrupted; the original error is not masked."""
    try:
        with db.sessions.begin() as session:
            return run_store.finish_run(session, run_id, **fields)
    except Exception:
        log.exception("could not record the end of run %s", run_id)
        return True


#: Lines a run adds after which PostgreSQL's planner statistics are refreshed at once (it
#: would otherwise plan the next queries on the run as if its table were nearly empty).
ANALYZE_AFTER = 50_000


def _refresh_statistics(db: Database) -> None:
    try:
        with db.sessions.begin() as session:
            session.execute(text("ANALYZE run_lines"))
    except Exception:  # only planning suffers; autovacuum analyses the table later anyway
        log.warning("could not refresh the database statistics", exc_info=True)


def _stored(writer: LineWriter | None) -> int:
    return writer.stored if writer is not None else 0


def _run_json(run: run_store.RunInfo) -> str:
    return json.dumps(run.to_json(), ensure_ascii=False)
