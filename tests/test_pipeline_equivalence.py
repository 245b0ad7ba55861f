"""The fast screening pipeline (caches, memo, pre-rendered results, writer thread) gives, on a
20,000-line mixed file, byte for byte the JSON lines and the stored rows of the plain
line-by-line reference in ``pipeline_reference``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from screening import row_screen
from screening.db import Database
from screening.engine import CLEAR_ON_UNVERIFIED
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store
from screening.store import store_process
from screening.store.line_cells import IN_BATCH, CellsReader
from screening.store.schema import RunLine
from tests.pipeline_reference import reference_screen, write_mixed_csv, write_mixed_xlsx

LINES = 20_000
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
MARKER = ', "lines": ['


def _stored_rows(db: Database, run_id: int) -> list[tuple[object, ...]]:
    columns = ", ".join(f"l.{db.engine.dialect.identifier_preparer.quote(c.name)}"
                        for c in RunLine.__table__.columns
                        if c.name not in ("id", "run_id", "findings_set"))
    names = [c.name for c in RunLine.__table__.columns
             if c.name not in ("id", "run_id", "findings_set")]
    row, raw = names.index("row"), names.index("raw_json")
    with db.sessions() as session:
        stored = [list(r) for r in session.execute(text(
            f"SELECT {columns}, s.findings_json FROM run_lines l JOIN run_finding_sets s "
            f"ON s.run_id = l.run_id AND s.set_no = l.findings_set "
            f"WHERE l.run_id = :run ORDER BY l.row"), {"run": run_id})]
        # A line's cells are stored with its batch (store.line_cells), as compact JSON.
        assert {r[raw] for r in stored} == {IN_BATCH}
        cells = CellsReader(session, run_id).cells([r[row] for r in stored],
                                                   [r[raw] for r in stored])
    for r, line_cells in zip(stored, cells, strict=True):
        r[raw] = _compact(line_cells)
    return [tuple(r) for r in stored]


@pytest.mark.usefixtures("bundled_lists")
@pytest.mark.parametrize(("kind", "child", "forgetful"), [
    ("xlsx", False, False), ("xlsx", True, False), ("csv", False, False), ("csv", True, False),
    ("csv", False, True)])
def test_fast_pipeline_matches_the_line_by_line_reference(kind: str, child: bool,
                                                          forgetful: bool, db: Database,
                                                          tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if forgetful:  # party names checked again every batch: their checks are dropped at once
        monkeypatch.setattr(row_screen, "NAMES_LIMIT", 2)
    source = tmp_path / f"mixed.{kind}"
    (write_mixed_xlsx if kind == "xlsx" else write_mixed_csv)(source, LINES)
    out = tmp_path / "out.json"
    if child:  # stored by the child process, as a big file is
        if not db.shareable:
            pytest.skip("the child process needs a database file or server")
        monkeypatch.setattr(store_process, "PROCESS_MIN_BYTES", 0)
    else:  # stored on the writer thread, as a small file is
        monkeypatch.setattr(store_process, "PROCESS_MIN_BYTES", 1 << 62)
        monkeypatch.setattr(store_process, "PROCESS_MIN_BYTES_XLSX", 1 << 62)
    for _attempt in range(2):
        day = dt.date.today()
        result = run_screening(db, source, ScreenOptions(json_out=out))
        expected_json, expected_rows = reference_screen(db, source, ScreenOptions())
        if dt.date.today() == day:
            break  # (else midnight passed between the two: the latest date accepted moved)

    produced = out.read_text(encoding="utf-8")
    data = json.loads(produced)  # the whole file is one valid JSON document
    assert data["run"]["id"] == result.run.id
    lines_text = produced[produced.index(MARKER):]
    expected_text = MARKER + ",".join(expected_json) + "]}\n"
    if lines_text != expected_text:  # say where, briefly: a diff of megabytes takes minutes
        at = next((i for i, (a, b) in enumerate(zip(lines_text, expected_text, strict=False))
                   if a != b),
                  min(len(lines_text), len(expected_text)))
        pytest.fail(f"the JSON lines differ from the reference at character {at}: "
                    f"{lines_text[max(0, at - 300):at + 300]!r} against "
                    f"{expected_text[max(0, at - 300):at + 300]!r}")

    verdicts = {line["verdict"] for line in data["lines"]}
    assert {"CLEAR", "REVIEW", "ERROR", "LICENSE_REQUIRED"} <= verdicts  # mixed indeed
    codes = {f["code"] for line in data["lines"] for f in line["findings"]}
    assert {"INVALID_VALUE", "UNTRUSTED_CHARACTERS", "AMBIGUOUS_DATE",
            "PLACEHOLDER_VALUE", "NEWLY_LICENSABLE"} <= codes
    assert any(c.startswith("PARTY_OWNER_MATCH") for c in codes), codes
    assert any(c.startswith("PARTY_MATCH_") for c in codes), codes
    assert result.run.line_count == len(expected_rows) > LINES * 0.98
    # Counted as the lines were screened; the same as reading the stored lines back.
    unverified = sum(1 for line in data["lines"] if line["verdict"] == "CLEAR" and any(
        f["code"] == CLEAR_ON_UNVERIFIED for f in line["findings"]))
    with db.sessions() as session:
        assert run_store.count_clear_on_unverified(session, result.run.id) == unverified
    assert result.run.clear_on_unverified == data["run"]["clear_on_unverified_data"] \
        == unverified > 0

    stored = _stored_rows(db, result.run.id)
    assert len(stored) == len(expected_rows)
    for got, want in zip(stored, expected_rows, strict=True):
        assert _comparable(got) == _comparable(want)


def _comparable(row: tuple[object, ...]) -> tuple[object, ...]:
    """Booleans come back from SQLite as 0/1 and dates from PostgreSQL as dates."""
    return tuple(int(v) if isinstance(v, bool) else v for v in row)
