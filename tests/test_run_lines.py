"""The window's compact copy of a run's lines (``ui.models.run_lines``): the same lines as
the store's LineTable, read in batches with progress and a cooperative cancel."""

from __future__ import annotations

import numpy as np
import pytest

from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store
from screening.store.runs import LineTable
from tests.conftest import SAMPLE_XLSX
from ui.models import run_lines
from ui.models.run_lines import LoadCancelled, read_run_lines, run_lines_of


def test_read_run_lines_holds_exactly_the_stored_lines(db) -> None:
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    with db.sessions() as session:
        expected = run_store.load_line_table(session, run.id)
        lines = read_run_lines(session, run.id, run.line_count)
    assert len(lines) == len(expected) == 34
    assert lines.as_table() == expected
    assert [lines.line_ids[i] for i in range(len(lines))] == expected.line_ids
    assert lines.line_ids[-1] == expected.line_ids[-1]
    assert lines.row(0) == expected.rows[0] and isinstance(lines.row(0), int)
    assert lines.line_of_row(expected.rows[7]) == 7
    assert lines.line_of_row(max(expected.rows) + 1) is None
    assert list(lines.flagged()) == [v != "CLEAR" for v in expected.verdicts]
    assert lines.destinations.distinct() == set(expected.destinations)
    assert lines.verdicts.count("CLEAR") == expected.verdicts.count("CLEAR")
    assert lines.verdicts.codes.dtype == np.uint8  # a handful of values: a byte a line


def test_lines_are_read_in_batches_with_progress_and_a_cancel(db, monkeypatch) -> None:
    monkeypatch.setattr(run_lines, "BATCH", 10)
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    seen: list[int] = []
    with db.sessions() as session:
        lines = read_run_lines(session, run.id, progress=seen.append)  # no size given
        assert seen == [10, 20, 30, 34] and len(lines) == 34
        with pytest.raises(LoadCancelled):
            read_run_lines(session, run.id, 34, progress=seen.append,
                           cancelled=lambda: len(seen) >= 6)
    assert seen[4:] == [10, 20]  # stopped after the second batch


def test_compact_columns_keep_every_value_as_written() -> None:
    """Texts with non-ASCII characters, blanks and None, more distinct values than a byte
    holds, and a line ID holding NUL itself (encoded one by one then)."""
    n = 700
    ids = [f"Zeile-{i}-ü✓" for i in range(n)]
    ids[3] = ""
    ids[5] = "a\x00b"
    table = LineTable(list(range(10, 10 + n)), ids, ["CLEAR", "REVIEW"] * (n // 2),
                      [None, "HK", "CN", ""] * (n // 4), ["HK"] * n,
                      [i % 3 == 0 for i in range(n)], [f"5A{i:03d}" for i in range(n)],
                      [None] * n, [i % 4 for i in range(n)], {1: ("X",)})
    lines = run_lines_of(table)
    assert lines.as_table() == table
    assert lines.eccns.codes.dtype == np.uint16
    assert list(lines.line_ids) == ids
