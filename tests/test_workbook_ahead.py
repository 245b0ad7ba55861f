"""``hkscreen screen BOOK.xlsx`` starts checking and loading the workbook while its modules
import (ui.entry); the screening takes that load only if the file's content is what it then
hashes, so a file changed in between is read again, never screened from the old load."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from screening.ingest import readers, xlsx_package
from screening.service import ScreenOptions, run_screening
from screening.store.report_lines import iter_line_records
from ui.entry import screen_workbook


def _book(path: Path, eccn: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Line ID", "Ship-to Country", "Ship Date", "ECCN"])
    ws.append(["L1", "HK", "2021-03-01", eccn])
    wb.save(path)
    return path


@pytest.mark.parametrize(("args", "expected"), [
    (["screen", "b.xlsx"], ("b.xlsx", None)),
    (["screen", "b.XLSM", "--quiet", "--json", "o.json"], ("b.XLSM", None)),
    (["--database-url", "sqlite:///x", "screen", "--sheet", "Data", "b.xlsx"],
     ("b.xlsx", "Data")),
    (["--database-url=sqlite:///x", "screen", "b.xlsx", "--sheet=Q1 2021",
      "--report", "r.xlsx", "--report=r.pdf"], ("b.xlsx", "Q1 2021")),
    (["screen", "b.xlsx", "--mapping", "m.json", "--sheet", "S"], ("b.xlsx", "S")),
    # Not a workbook, or unclear: left to the screening (nothing is loaded ahead).
    (["screen", "b.csv"], None),
    (["screen", "--mapping", "m.json", "b.xlsx"], None),  # the mapping may name the sheet
    (["screen", "--rep", "r.xlsx", "b.csv"], None),  # an abbreviation: not guessed at
    (["screen", "b.xlsx", "c.xlsx"], None),
    (["screen", "--help"], None),
    (["screen"], None),
    (["report", "3", "--out", "r.xlsx"], None),
    (["--version"], None),
    ([], None),
])
def test_the_workbook_of_a_screen_command_is_found_in_its_words(args, expected) -> None:
    found = screen_workbook(args)
    assert (found if found is None else (str(found[0]), found[1])) == expected


def _eccns(db, run_id: int) -> list[str]:
    with db.sessions() as session:
        return [record.eccn for record in iter_line_records(session, run_id)]


def _loaded_ahead(path: Path, *, taken_up: bool = False) -> None:
    """As ui.entry starts it (no digest yet), waited for; ``taken_up``: and awaited by a
    run (which then failed before it used the load)."""
    readers.warm_xlsx(path, None)
    if taken_up:
        readers._await_warm(path)
    else:
        readers._pending[str(path)].join()
    assert any(key[0] == str(path) for key in readers._warm)


def test_a_workbook_loaded_ahead_is_used_when_unchanged(db, tmp_path, monkeypatch) -> None:
    path = _book(tmp_path / "book.xlsx", "5A992")
    _loaded_ahead(path)
    opened: list[str] = []
    real = readers._open_xlsx_checked
    monkeypatch.setattr(readers, "_open_xlsx_checked",
                        lambda p, s, c=None: opened.append(s) or real(p, s, c))
    run = run_screening(db, path, ScreenOptions()).run
    assert opened == []  # the load made ahead was taken
    assert _eccns(db, run.id) == ["5A992"]


def test_a_workbook_changed_after_its_load_ahead_is_read_again(db, tmp_path,
                                                               monkeypatch) -> None:
    # New content under an identity that does not show it (a file system with coarse
    # times): only the digest tells the load from the file.
    monkeypatch.setattr(xlsx_package, "file_identity", lambda _p: (1, 2, 3))
    path = _book(tmp_path / "book.xlsx", "5A992")
    _loaded_ahead(path)
    _book(path, "3A001")
    run = run_screening(db, path, ScreenOptions()).run
    assert run.input_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert _eccns(db, run.id) == ["3A001"]  # the file as hashed, not the load made ahead
    assert not readers._warm  # the stale load is not kept for another run


def test_a_path_that_cannot_be_looked_at_is_left_to_the_screening(capsys, tmp_path) -> None:
    """A name too long to look at (or a folder not to be entered) raised OSError from the
    early look, before the command's own error handling: a traceback and exit 1 ("lines need
    attention") instead of the screening's message and exit 2."""
    from ui.entry import main
    name = str(tmp_path / ("a" * 300)) + ".xlsx"
    assert main(["screen", name, "--quiet"]) == 2
    assert "File name too long" in capsys.readouterr().err


def test_a_load_left_by_a_failed_run_does_not_stop_the_next_from_loading(db, tmp_path,
                                                                         monkeypatch) -> None:
    """A run failing before it reads its rows leaves its load behind; the next run of the
    same file starts its own (the old one, which held the whole sheet, is dropped when it
    ends) instead of waiting on that one for good."""
    path = _book(tmp_path / "book.xlsx", "5A992")
    _loaded_ahead(path, taken_up=True)
    started: list[str] = []
    real = readers._warm_now
    monkeypatch.setattr(readers, "_warm_now", lambda p, s, d: started.append(str(p))
                        or real(p, s, d))
    run = run_screening(db, path, ScreenOptions()).run
    assert started == [str(path)] and _eccns(db, run.id) == ["5A992"]
    assert not readers._warm
