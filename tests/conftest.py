"""Shared fixtures: an isolated data directory and database per test, the seed RuleSet."""

from __future__ import annotations

import datetime as dt
import functools
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from screening import parties as parties_module
from screening.db import Database, open_database
from screening.ingest.content import HashingFile
from screening.model import ShipmentLine
from screening.normalize import EndUserType, normalize_eccn
from screening.paths import bundled_sample, samples_dir, seed_rules_dir
from screening.rules.files import read_rule_dir
from screening.rules.ruleset import RuleSet, build_ruleset
from screening.store import parties as party_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_XLSX = bundled_sample()
SAMPLE_CSV = samples_dir() / "eu_branch_cp1252_semicolon.csv"
#: The real first-start install of the bundled list (the fixtures below stand in for it).
_BUNDLED = party_store.ensure_bundled_list
#: The real sizes a loaded list is held to (``parties.bundled_list_sizes``).
_LIST_SIZES = parties_module.bundled_list_sizes


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path_factory.mktemp("hkdata")
    monkeypatch.setenv("HKSCREEN_DATA_DIR", str(data))
    monkeypatch.delenv("HKSCREEN_DATABASE_URL", raising=False)
    monkeypatch.delenv("HKSCREEN_LIST_MAX_AGE_DAYS", raising=False)
    # Installing the bundled 25,921-entry list takes about a second per new database; tests
    # that need it use the ``bundled_lists`` fixture (a fresh install does it for real).
    # Others get a dated one-entry list instead: a line is CLEAR only once the party check
    # ran on a dated list (``party_screen.lists_findings``); ``no_lists`` leaves none.
    monkeypatch.setenv("HKSCREEN_BUNDLED_LISTS", "0")
    monkeypatch.setattr(party_store, "ensure_bundled_list", _install_test_list)
    # The test list holds one entry of each list a CLEAR needs: no size is asked of them
    # (a real install compares them with the bundled list's: ``list_sizes`` restores it).
    monkeypatch.setattr(parties_module, "bundled_list_sizes", lambda: ({}, "the test list"))
    return data


TEST_LIST_NAME = "Test list"


def _install_test_list(session: Any) -> Any:
    """``ensure_bundled_list`` for tests: a dated list of entries no test names, on a new
    database (one whose lists were removed on purpose is left without one)."""
    from sqlalchemy import select

    from screening.store.schema import PartyList

    if session.scalar(select(PartyList.id).limit(1)) is not None:
        return None
    path = Path(tempfile.mkdtemp()) / "test_list.csv"
    # In the Consolidated Screening List's format, one entry from each list a CLEAR needs
    # checked (``parties.REQUIRED_LISTS``).
    path.write_text("name,source,country\n" + "".join(
        f"Zzyzx Nonesuch {word} Test Entry,{source},XX\n" for word, source in (
            ("Trading", "Entity List (EL) - Bureau of Industry and Security"),
            ("Holdings", "Denied Persons List (DPL) - Bureau of Industry and Security"),
            ("Shipping", "Specially Designated Nationals (SDN) - Treasury Department"))),
        encoding="utf-8")
    return party_store.import_list(session, path, name=TEST_LIST_NAME,
                                   list_date=dt.date.today(), user="tests",
                                   origin="bundled")


@pytest.fixture
def no_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """New databases get no screening list at all (party screening not performed)."""
    monkeypatch.setattr(party_store, "ensure_bundled_list", lambda session: None)


@pytest.fixture
def bundled_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """New databases install the bundled Consolidated Screening List, as on a real first
    start."""
    monkeypatch.delenv("HKSCREEN_BUNDLED_LISTS", raising=False)
    monkeypatch.setattr(party_store, "ensure_bundled_list", _BUNDLED)
    monkeypatch.setattr(parties_module, "bundled_list_sizes", _LIST_SIZES)


@pytest.fixture(scope="session")
def bundled_index() -> parties_module.PartyIndex:
    """The index of the bundled Consolidated Screening List, built once (1.5 s) for the
    tests that match names against the real list."""
    from screening.paths import resources_dir

    path = resources_dir() / "lists" / party_store.bundled_list_manifest()["file"]
    return parties_module.PartyIndex.build(parties_module.read_list_file(path)[1])


@pytest.fixture
def list_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loaded lists are held to the bundled list's sizes, as in a real install."""
    monkeypatch.setattr(parties_module, "bundled_list_sizes", _LIST_SIZES)


#: The server .ci/run started; each pytest-xdist worker gets a database of its own on it
#: (``_worker_database``), so parallel tests never reset each other's schema.
_SERVER_URL = os.environ.get("HKSCREEN_TEST_POSTGRES_URL", "")
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
POSTGRES_URL = (f"{_SERVER_URL.rpartition('/')[0]}/hkscreen_test_{_WORKER}"
                if _SERVER_URL and _WORKER else _SERVER_URL)


@functools.cache
def _worker_database() -> None:
    """Create this worker's database on the test server once (CREATE DATABASE cannot run in
    a transaction, hence AUTOCOMMIT)."""
    if POSTGRES_URL == _SERVER_URL:
        return
    from sqlalchemy import create_engine, text
    name = POSTGRES_URL.rpartition("/")[2]
    engine = create_engine(_SERVER_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def reset_postgres(url: str) -> None:
    """An empty database for the next test (each worker runs its tests one at a time)."""
    from sqlalchemy import create_engine, text
    _worker_database()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every database test runs on SQLite and on a real PostgreSQL server (.ci/run starts
    one and sets HKSCREEN_TEST_POSTGRES_URL)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL server: set HKSCREEN_TEST_POSTGRES_URL (.ci/run does)")
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def db(db_url: str) -> Database:
    database = open_database(db_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return build_ruleset(read_rule_dir(seed_rules_dir()))


def make_line(dest: str | None = "HK", date: str | None = "2021-03-01",
              eccn: str | None = "EAR99", *, exception: str | None = None,
              license_number: str | None = None, end_user_type: EndUserType | None = None,
              ultimate: str | None = None, row: int = 2) -> ShipmentLine:
    return ShipmentLine(
        row=row, line_id=f"L{row}", raw=(),
        destination=dest, ultimate_destination=ultimate,
        export_date=dt.date.fromisoformat(date) if date else None,
        eccn=normalize_eccn(eccn) if eccn else None, license_exception=exception,
        license_number=license_number, end_user_type=end_user_type)


def code_under_test() -> dict[str, str]:
    """Environment that makes a child Python import this checkout's code (a script's own
    folder comes first on its path, so it would otherwise get the installed copy)."""
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {"PYTHONPATH": os.pathsep.join(paths)}


def run_then_kill(script: Path, lines: int, env: dict[str, str] | None = None) -> list[str]:
    """Run ``script``, read its first ``lines`` output lines, then kill -9 it."""
    import signal
    import subprocess
    import sys
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, **code_under_test(), **(env or {})})
    assert proc.stdout is not None
    try:
        return [proc.stdout.readline() for _ in range(lines)]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()


def reviews_of(db_url: str, run_id: int, row: int) -> list[tuple[str, str]]:
    """(reviewer, reason) of every review of a line, read through a fresh connection."""
    from screening.store.reviews import run_reviews
    check = open_database(db_url)
    try:
        with check.sessions() as session:
            return [(r.reviewer, r.reason) for r in run_reviews(session, run_id, row)]
    finally:
        check.dispose()


def big_csv(path: Path, n: int) -> Path:
    """A plain n-line shipment CSV for tests of batching, progress and cancel."""
    with path.open("w", encoding="utf-8") as out:
        out.write("Line,Destination,Export Date,ECCN\n")
        for i in range(n):
            out.write(f"{i},HK,2021-03-{1 + i % 28:02d},{'5A992.c' if i % 3 else '2A290'}\n")
    return path


def import_listed(tmp_path: Path, name: str) -> None:
    """A restricted-party list naming ``name`` (in HK), imported into the database
    ``screen_file`` uses."""
    from screening.cli import main

    (tmp_path / "l.csv").write_text(f'name,country\n"{name}",HK\n', encoding="utf-8")
    assert main(["--database-url", f"sqlite:///{tmp_path / 'hk.sqlite3'}", "lists", "import",
                 str(tmp_path / "l.csv")]) == 0


def screen_text(tmp_path: Path, text: str, name: str = "in.csv"
                ) -> tuple[Any, dict[str, Any]]:
    """(run, its stored lines by line id) of screening ``text`` as a CSV file in a fresh
    SQLite database."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return screen_file(tmp_path, path)


def screen_file(tmp_path: Path, path: Path) -> tuple[Any, dict[str, Any]]:
    """(run, its stored lines by line id) of screening ``path`` in the SQLite database of
    ``tmp_path``."""
    from screening.service import ScreenOptions, run_screening
    from screening.store import runs as run_store

    db = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    try:
        run = run_screening(db, path, ScreenOptions()).run
        with db.sessions() as session:
            lines = {ln.line_id: ln for ln in run_store.iter_lines(session, run.id)}
    finally:
        db.dispose()
    return run, lines


def open_wizard(qtbot: Any, db: Database, path: Path) -> Any:
    """The import wizard on ``path`` with the database's rules, shown."""
    from screening.rules.ruleset import load_ruleset
    from ui.dialogs.import_wizard import ImportWizard

    with db.sessions() as session:
        rules = load_ruleset(session)
    wizard = ImportWizard(path, db, rules)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def advance_to(wizard: Any, page: Any) -> Any:
    """``page`` of ``wizard``, reached with Next."""
    while wizard.currentPage() is not page:
        wizard.next()
    return page


def changing_after_first_read(path: Path, change: str,
                              ready: Callable[[], bool] = lambda: True) -> type[HashingFile]:
    """A CSV reader that reads 64 KiB first (once ``ready()``), then has the file changed
    under it: lines appended, the file cut in half, or its bytes rewritten at the same
    size."""

    class Moving(HashingFile):
        reads = 0

        def readinto(self, buffer):  # type: ignore[no-untyped-def]
            Moving.reads += ready()
            if Moving.reads != 1:
                return super().readinto(buffer)
            count = super().readinto(memoryview(buffer)[:65536])
            if change == "append":
                with path.open("a", encoding="utf-8") as out:
                    out.write("99999,CN,2021-03-01,3A001\n")
            elif change == "truncate":
                os.truncate(path, path.stat().st_size // 2)
            else:
                with path.open("r+b") as out:  # in place: the reader reads on from here
                    data = out.read()
                    out.seek(0)
                    out.write(data.replace(b"2A290", b"3A001"))
            return count

    return Moving


def clear_but_for_parties(line: Any) -> bool:
    """Whether a line of a file without a consignee, end-user or owner column would be
    CLEAR but for that: REVIEW, and its one finding above INFO is ``NO_PARTY_COLUMN``.
    ``line``: a line of the JSON output (a dict) or a stored line (``verdict``,
    ``findings``). Tests of other things on files made without a party column check with
    it that a line has no other finding."""
    from screening.party_screen import NO_PARTY_COLUMN

    if isinstance(line, dict):
        verdict = line["verdict"]
        raised = [(f["code"], f["message"]) for f in line["findings"] if f["severity"] != "info"]
    else:
        verdict = getattr(line.verdict, "value", line.verdict)
        raised = [(f.code, f.message) for f in line.findings if f.severity.value != "info"]
    return verdict == "REVIEW" and raised == [(NO_PARTY_COLUMN.code, NO_PARTY_COLUMN.message)]
